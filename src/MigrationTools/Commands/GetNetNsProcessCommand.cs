using System.Management.Automation;
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
public sealed class GetNetNsProcessCommand : NamespaceListingCmdlet
{
    /// <inheritdoc />
    protected override bool RequiresRoot => false;

    /// <inheritdoc />
    protected override void List(string @namespace) => WriteObject(NetNsProcessManager.List(@namespace), enumerateCollection: true);
}
