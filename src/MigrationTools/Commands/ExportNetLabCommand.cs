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
[Cmdlet(VerbsData.Export, "NetLab", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(FileInfo))]
public sealed class ExportNetLabCommand : MigrationToolsCmdlet
{
    private readonly System.Collections.Generic.List<string> _namespaces = new();

    /// <summary>The namespaces (names or wildcard patterns; namespace objects bind by their Name).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name", "NetNs")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NetNsNameCompleter))]
    public string[] Namespace { get; set; } = null!;

    /// <summary>The lab file to write.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    public string Path { get; set; } = null!;

    /// <summary>The lab's name in the file (the file's name by default).</summary>
    [Parameter]
    public string? LabName { get; set; }

    /// <summary>Taken off the namespace names to make node names.</summary>
    [Parameter]
    public string Prefix { get; set; } = string.Empty;

    /// <summary>Replace the file at -Path when it exists (only a regular file is ever replaced).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override bool RequiresRoot => false;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
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
            if (ShouldProcess(target, $"Write a lab file of {string.Join(", ", _namespaces)}"))
            {
                var definition = LabExporter.Export(_namespaces, LabName ?? System.IO.Path.GetFileNameWithoutExtension(target), Prefix);
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
