using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using MigrationTools.Core.Errors;
using MigrationTools.Engine.Tests.Architecture;
using Xunit;

namespace MigrationTools.Cmdlets.Tests;

/// <summary>
/// The error catalog, its documentation and its use held to each other: every id is documented with the category a
/// user sees, nothing documented is missing from the catalog, and no code outside the catalog makes an error.
/// </summary>
public sealed class ErrorCatalogTests
{
    private static readonly string[] Assemblies = { "MigrationTools.Core", "MigrationTools.Analysis", "MigrationTools.Engine", "MigrationTools.Agent", "MigrationTools" };

    private static IReadOnlyList<string> CatalogIds { get; } = typeof(ErrorIds)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToArray();

    /// <summary>The "Id (Category)" headings of about_MigrationTools_Errors.</summary>
    private static IReadOnlyDictionary<string, string> Documented()
    {
        string text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "en-US", "about_MigrationTools_Errors.help.txt"));
        return Regex.Matches(text, @"^    (\w+) \((\w+)\)$", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
    }

    [Fact]
    public void EveryIdOfTheCatalogIsDocumentedWithTheCategoryAUserSees()
    {
        var documented = Documented();

        Assert.Equal(Array.Empty<string>(), CatalogIds.Where(id => !documented.ContainsKey(id)).ToArray());
        // The ids the cmdlet layer gives .NET failures it maps itself carry categories of their own.
        var ownCategories = new Dictionary<string, ErrorCategory>
        {
            [ErrorIds.IOFailed] = ErrorCategory.ResourceUnavailable,
            [ErrorIds.UnexpectedError] = ErrorCategory.NotSpecified,
        };
        var wrong = CatalogIds
            .Select(id => (Id: id, Expected: ownCategories.TryGetValue(id, out var own) ? own : MigrationToolsCmdlet.CategoryOf(ErrorCatalog.KindOf(id))))
            .Where(e => documented[e.Id] != e.Expected.ToString())
            .Select(e => $"{e.Id}: documented {documented[e.Id]}, is {e.Expected}");
        Assert.Empty(wrong);
    }

    [Fact]
    public void EveryDocumentedIdIsInTheCatalog()
    {
        var documented = Documented();

        Assert.True(documented.Count > 100, "the topic's headings were not found");
        Assert.Empty(documented.Keys.Except(CatalogIds));
    }

    [Fact]
    public void EveryIdHasAKindAndAFactoryOfItsOwnName()
    {
        foreach (string id in CatalogIds)
        {
            MethodInfo? factory = typeof(ErrorCatalog).GetMethod(id, BindingFlags.NonPublic | BindingFlags.Static);
            Assert.True(factory is not null, "no factory for " + id);
            var error = (MigrationToolsException)factory.Invoke(null, new object?[] { "message", "target", null })!;
            Assert.Equal((id, ErrorCatalog.KindOf(id), "target"), (error.ErrorId, error.Kind, error.Target));
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => ErrorCatalog.KindOf("NoSuchId"));
    }

    [Fact]
    public void NothingButTheCatalogConstructsAnError()
    {
        var makers = new List<string>();
        foreach (string name in Assemblies)
        {
            using var stream = File.OpenRead(Path.Combine(AppContext.BaseDirectory, name + ".dll"));
            using var pe = new PEReader(stream);
            MetadataReader md = pe.GetMetadataReader();
            foreach (TypeDefinitionHandle handle in md.TypeDefinitions)
            {
                TypeDefinition type = md.GetTypeDefinition(handle);
                string typeName = FullName(md, handle);
                foreach (MethodDefinitionHandle m in type.GetMethods())
                {
                    MethodDefinition method = md.GetMethodDefinition(m);
                    if (method.RelativeVirtualAddress == 0) continue;
                    bool constructs = IlOperands.Tokens(pe.GetMethodBody(method.RelativeVirtualAddress))
                        .Any(op => op.OpCode == 0x73 && IsErrorConstructor(md, op.Token));
                    if (constructs && !typeName.StartsWith("MigrationTools.Core.Errors.ErrorCatalog", StringComparison.Ordinal))
                    {
                        makers.Add($"{name}: {typeName}.{md.GetString(method.Name)}");
                    }
                }
            }
        }

        Assert.Empty(makers);
    }

    [Fact]
    public void TheWalkFindsTheCatalogsOwnConstructions()
    {
        // The oracle of the test above: the same walk over Core finds the catalog's own makers (every factory goes
        // through them), so an empty list there means something.
        using var stream = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "MigrationTools.Core.dll"));
        using var pe = new PEReader(stream);
        MetadataReader md = pe.GetMetadataReader();
        var found = md.MethodDefinitions
            .Select(md.GetMethodDefinition)
            .Where(m => m.RelativeVirtualAddress != 0)
            .Where(m => IlOperands.Tokens(pe.GetMethodBody(m.RelativeVirtualAddress)).Any(op => op.OpCode == 0x73 && IsErrorConstructor(md, op.Token)))
            .Select(m => md.GetString(md.GetTypeDefinition(m.GetDeclaringType()).Name) + "." + md.GetString(m.Name))
            .Order()
            .ToArray();

        Assert.Equal(new[] { "ErrorCatalog.Create", "ErrorCatalog.FromErrno", "ErrorCatalog.FromFileError", "ErrorCatalog.Missing" }, found);
    }

    private static bool IsErrorConstructor(MetadataReader md, EntityHandle token)
    {
        switch (token.Kind)
        {
            case HandleKind.MethodDefinition:
                MethodDefinition definition = md.GetMethodDefinition((MethodDefinitionHandle)token);
                return md.GetString(definition.Name) == ".ctor" && md.GetString(md.GetTypeDefinition(definition.GetDeclaringType()).Name) == nameof(MigrationToolsException);
            case HandleKind.MemberReference:
                MemberReference reference = md.GetMemberReference((MemberReferenceHandle)token);
                return md.GetString(reference.Name) == ".ctor" && reference.Parent.Kind == HandleKind.TypeReference
                    && md.GetString(md.GetTypeReference((TypeReferenceHandle)reference.Parent).Name) == nameof(MigrationToolsException);
            default:
                return false;
        }
    }

    private static string FullName(MetadataReader md, TypeDefinitionHandle handle)
    {
        TypeDefinition type = md.GetTypeDefinition(handle);
        TypeDefinitionHandle outer = type.GetDeclaringType();
        return outer.IsNil
            ? md.GetString(type.Namespace) + "." + md.GetString(type.Name)
            : FullName(md, outer) + "+" + md.GetString(type.Name);
    }
}
