using System;
using System.IO;
using System.Linq;
using Xunit;

namespace MigrationTools.Engine.Tests.Architecture;

/// <summary>
/// The boundaries the compiler does not enforce by itself: no two folders of a project use each other, directly or
/// around a loop. The graph is read from the compiled assemblies (see <see cref="FolderGraph"/>).
/// </summary>
public class DependencyTests
{
    public static TheoryData<string> Projects => new() { "MigrationTools.Core", "MigrationTools.Analysis", "MigrationTools.Engine", "MigrationTools.Agent" };

    /// <summary>Which of the module's own assemblies each project may reference: the layers by runtime context.</summary>
    public static TheoryData<string, string[]> Layers => new()
    {
        { "MigrationTools.Core", Array.Empty<string>() },
        // The analysis reads files and byte streams: nothing of the control plane, so it runs without root.
        { "MigrationTools.Analysis", new[] { "MigrationTools.Core" } },
        { "MigrationTools.Engine", new[] { "MigrationTools.Core", "MigrationTools.Analysis" } },
        { "MigrationTools.Agent", new[] { "MigrationTools.Core", "MigrationTools.Engine" } },
    };

    private static FolderGraph Graph(string project) => FolderGraph.Read(Path.Combine(AppContext.BaseDirectory, project + ".dll"));

    [Theory]
    [MemberData(nameof(Projects))]
    public void NoFoldersDependOnEachOtherInACycle(string project)
    {
        FolderGraph graph = Graph(project);
        var cycles = graph.Cycles();
        Assert.True(cycles.Count == 0, "Folder cycles in " + project + ":\n" + string.Join("\n", cycles.Select(c =>
            string.Join(", ", c) + "\n    " + string.Join("\n    ", c.SelectMany(from => graph.Edges.TryGetValue(from, out var to)
                ? to.Where(c.Contains).Select(t => from + " -> " + t + ": " + string.Join(", ", graph.Evidence[(from, t)].Order())) : Enumerable.Empty<string>())))));
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void EveryTypeIsPlacedInAFolder(string project)
    {
        FolderGraph graph = Graph(project);
        Assert.Empty(graph.Unplaced);
        Assert.NotEmpty(graph.Edges);
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void ProjectsReferenceOnlyTheLayersBelowThem(string project, string[] allowed)
    {
        using var stream = File.OpenRead(Path.Combine(AppContext.BaseDirectory, project + ".dll"));
        using var pe = new System.Reflection.PortableExecutable.PEReader(stream);
        var md = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
        var own = md.AssemblyReferences.Select(h => md.GetString(md.GetAssemblyReference(h).Name))
            .Where(n => n.StartsWith("MigrationTools", StringComparison.Ordinal)).ToArray();
        Assert.Empty(own.Except(allowed));
        Assert.DoesNotContain(md.AssemblyReferences.Select(h => md.GetString(md.GetAssemblyReference(h).Name)), n => n == "System.Management.Automation");
    }

    /// <summary>
    /// The engine's assemblies are internal by default: what they make public is what a user meets in the pipeline
    /// (the objects cmdlets write, their enums, the error ids) and the example scripts' chart, and nothing more. The
    /// declared API itself is tracked member by member by PublicApiAnalyzers (PublicAPI.*.txt).
    /// </summary>
    [Fact]
    public void TheEngineAssembliesMakeAtMost45TypesPublic()
    {
        var visible = new[] { "MigrationTools.Core", "MigrationTools.Analysis", "MigrationTools.Engine", "MigrationTools.Agent" }
            .SelectMany(PublicTypes).ToList();
        Assert.True(visible.Count <= 45, $"{visible.Count} public types:\n" + string.Join("\n", visible.Order()));
        // The agent is a program: nothing in it is anyone's API.
        Assert.Empty(PublicTypes("MigrationTools.Agent"));
    }

    private static string[] PublicTypes(string project)
    {
        using var stream = File.OpenRead(Path.Combine(AppContext.BaseDirectory, project + ".dll"));
        using var pe = new System.Reflection.PortableExecutable.PEReader(stream);
        var md = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
        bool Visible(System.Reflection.Metadata.TypeDefinition type)
        {
            var access = type.Attributes & System.Reflection.TypeAttributes.VisibilityMask;
            return access == System.Reflection.TypeAttributes.Public
                || (access == System.Reflection.TypeAttributes.NestedPublic && Visible(md.GetTypeDefinition(type.GetDeclaringType())));
        }

        return md.TypeDefinitions.Select(md.GetTypeDefinition).Where(Visible)
            .Select(t => md.GetString(t.Namespace) + "." + md.GetString(t.Name)).ToArray();
    }
}
