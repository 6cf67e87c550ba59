using System.IO;
using System.Linq;
using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Core.Files;
using MigrationTools.Engine.Labs;
using MigrationTools.Engine.Namespaces;
using MigrationTools.Labs;

namespace MigrationTools.Commands;

/// <summary>Writes a lab file that describes existing namespaces, so a lab built by hand can be saved and built again.</summary>
/// <remarks>
/// Reads the namespaces' veth pairs between them, their global addresses, the routes users added (not the kernel's),
/// forwarding, reverse-path filtering, tunnels and flow mappings, and writes them as a lab file New-NetLab builds.
/// Node names are the namespace names without -Prefix. -Namespace takes wildcards and namespace objects from the
/// pipeline. nftables rulesets other than the module's flow mappings are not exported.
/// </remarks>
/// <example>
/// <code>Export-NetLab -Namespace lab-* -Prefix lab- -Path ./mylab.psd1</code>
/// <para>Saves the namespaces lab-* as a lab whose nodes are their names without lab-.</para>
/// </example>
/// <example>
/// <code>Get-NetNs q1-* | Export-NetLab -Path ./q1.psd1 -Prefix q1-</code>
/// <para>The same from the pipeline.</para>
/// </example>
/// <example>
/// <code>New-NetLab -Template lan-access -Name lan1; Export-NetLab -Lab lan1 -Path ./lan1.psd1</code>
/// <para>Writes a built lab as its file described it (a lab across hosts with its Hosts and each node's Host).</para>
/// </example>
[Cmdlet(VerbsData.Export, "NetLab", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = NamespaceSet)]
[OutputType(typeof(FileInfo))]
public sealed class ExportNetLabCommand : MigrationToolsCmdlet
{
    private const string NamespaceSet = "Namespace";
    private const string LabSet = "Lab";
    private readonly System.Collections.Generic.List<string> _namespaces = new();

    /// <summary>The namespaces (names or wildcard patterns; namespace objects bind by their Name).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = NamespaceSet)]
    [Alias("Name", "NetNs")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NetNsNameCompleter))]
    public string[] Namespace { get; set; } = null!;

    /// <summary>A lab built with New-NetLab: written as its file described it (a lab across hosts keeps its Hosts and each node's Host).</summary>
    [Parameter(Mandatory = true, ParameterSetName = LabSet)]
    [ArgumentCompleter(typeof(LabNameCompleter))]
    public string Lab { get; set; } = null!;

    /// <summary>The lab file to write.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    public string Path { get; set; } = null!;

    /// <summary>The lab's name in the file (the file's name by default).</summary>
    [Parameter]
    public string? LabName { get; set; }

    /// <summary>Taken off the namespace names to make node names.</summary>
    [Parameter(ParameterSetName = NamespaceSet)]
    public string Prefix { get; set; } = string.Empty;

    /// <summary>Replace the file at -Path when it exists (only a regular file is ever replaced).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override bool RequiresRoot => false;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ParameterSetName == LabSet)
        {
            return;
        }

        var all = NetNsManager.ListNames();
        foreach (var pattern in Namespace)
        {
            var wildcard = new WildcardPattern(pattern);
            var matches = WildcardPattern.ContainsWildcardCharacters(pattern) ? all.Where(wildcard.IsMatch).ToArray() : new[] { pattern };
            _namespaces.AddRange(matches.Where(m => !_namespaces.Contains(m)));
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        Invoke(Path, () =>
        {
            var target = GetUnresolvedProviderPathFromPSPath(Path);
            if (ShouldProcess(target, ParameterSetName == LabSet ? $"Write the lab file of lab {Lab}" : $"Write a lab file of {string.Join(", ", _namespaces)}"))
            {
                var definition = ParameterSetName == LabSet
                    ? LabManager.Get(Lab).Definition with { Name = LabName ?? Lab }
                    : LabExporter.Export(_namespaces, LabName ?? System.IO.Path.GetFileNameWithoutExtension(target), Prefix);
                var text = LabFileWriter.Write(definition);
                CheckReadable(text);
                OutputFiles.WriteText(target, text, overwrite: Force, "-Path");
                WriteObject(new FileInfo(target));
            }
        });
        base.EndProcessing();
    }

    /// <summary>The export is read back as New-NetLab reads lab files before it is written: a file that would not build is never written.</summary>
    private static void CheckReadable(string text)
    {
        var probe = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "migrationtools-export-" + System.Guid.NewGuid().ToString("N") + ".psd1");
        try
        {
            OutputFiles.WriteText(probe, text, overwrite: false, "-Path", ownerOnly: true);
            LabFileReader.Read(probe);
        }
        finally
        {
            FileCleanup.TryDelete(probe);
        }
    }
}
