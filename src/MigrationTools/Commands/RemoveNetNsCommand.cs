using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Engine.Namespaces;

namespace MigrationTools.Commands;

/// <summary>Removes network namespaces and everything running in them.</summary>
/// <remarks>
/// Every process still running in the namespace (programs started with Invoke-NetNs -Background, and any
/// other) is stopped with SIGTERM, then SIGKILL after two seconds; the module's state for the namespace is
/// dropped and the namespace deleted. Veth peers of its interfaces in other namespaces disappear with it.
/// A namespace that does not exist is an ObjectNotFound error (NetNsNotFound).
/// </remarks>
/// <example>
/// <code>Remove-NetNs -Name A</code>
/// <para>Removes namespace A.</para>
/// </example>
/// <example>
/// <code>Get-NetNs lab-* | Remove-NetNs -Confirm:$false</code>
/// <para>Removes all lab namespaces without asking.</para>
/// </example>
[Cmdlet(VerbsCommon.Remove, "NetNs", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveNetNsCommand : MigrationToolsCmdlet
{
    /// <summary>The names of the namespaces to remove.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(NetNsNameCompleter))]
    public string[] Name { get; set; } = null!;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var name in Name)
        {
            Invoke(name, () =>
            {
                NetNsLookup.EnsureExists(name);
                if (ShouldProcess(name, "Remove network namespace and stop its processes"))
                {
                    NetNsManager.Remove(name, CancellationToken);
                }
            });
        }
    }
}
