using System.Linq;
using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Engine.Processes;

namespace MigrationTools.Commands;

/// <summary>Lists the background programs started with Invoke-NetNs -Background.</summary>
/// <remarks>
/// Shows each background program the module started, in which namespace, with its pid, whether it still
/// runs, and the files its output goes to. -Namespace takes wildcards.
/// </remarks>
/// <example>
/// <code>Get-NetNsProcess -Namespace lab-* | Where-Object IsRunning</code>
/// <para>Lists the programs still running in lab namespaces.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "NetNsProcess")]
[OutputType(typeof(NetNsProcess))]
public sealed class GetNetNsProcessCommand : MigrationToolsCmdlet
{
    /// <summary>Namespace names or wildcard patterns. All when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [Alias("Name")]
    [ArgumentCompleter(typeof(NetNsNameCompleter))]
    public string[]? Namespace { get; set; }

    /// <inheritdoc />
    protected override bool RequiresRoot => false;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var patterns = (Namespace ?? new[] { "*" }).Select(p => new WildcardPattern(p)).ToArray();
        WriteObject(NetNsProcessManager.List().Where(p => patterns.Any(w => w.IsMatch(p.Namespace))), enumerateCollection: true);
    }
}
