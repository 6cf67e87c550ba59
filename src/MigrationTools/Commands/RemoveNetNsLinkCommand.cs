using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Engine.Links;

namespace MigrationTools.Commands;

/// <summary>Deletes an interface inside a namespace (a veth pair goes as a whole).</summary>
/// <remarks>
/// Deleting either end of a veth pair deletes both. The loopback interface cannot be removed
/// (CannotRemoveLoopback). A missing interface is an ObjectNotFound error (InterfaceNotFound).
/// </remarks>
/// <example>
/// <code>Remove-NetNsLink -Namespace A -Name a-b</code>
/// <para>Deletes the veth pair a-b / b-a.</para>
/// </example>
/// <example>
/// <code>Get-NetNsLink -Namespace A -Name veth* | Remove-NetNsLink</code>
/// <para>Deletes every veth interface of A whose name starts with veth.</para>
/// </example>
[Cmdlet(VerbsCommon.Remove, "NetNsLink", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveNetNsLinkCommand : MigrationToolsCmdlet
{
    /// <summary>The namespace.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("NetNs")]
    [ArgumentCompleter(typeof(NetNsNameCompleter))]
    public string Namespace { get; set; } = null!;

    /// <summary>The interface name.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(InterfaceNameCompleter))]
    public string Name { get; set; } = null!;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        Invoke(Name, () =>
        {
            LinkManager.Get(Namespace, Name, CancellationToken);
            if (ShouldProcess($"{Namespace}/{Name}", "Delete interface"))
            {
                LinkManager.Remove(Namespace, Name, CancellationToken);
            }
        });
    }
}
