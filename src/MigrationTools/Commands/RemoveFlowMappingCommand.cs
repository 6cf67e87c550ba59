using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Engine.Flows;
using MigrationTools.Engine.Namespaces;

namespace MigrationTools.Commands;

/// <summary>Removes a flow mapping and its rules.</summary>
/// <remarks>
/// Removes the mapping's map element or DNAT rule; with the namespace's last mapping the module's table
/// (`inet migrationtools`) or chain (MIGRATIONTOOLS) goes too. The namespace's other rules are left alone.
/// Conntrack entries of flows to the virtual address are deleted, so those flows stop being translated.
/// A missing mapping is ObjectNotFound (FlowMappingNotFound).
/// </remarks>
/// <example>
/// <code>Remove-FlowMapping -Namespace A -VirtualAddress fe00::1</code>
/// <para>Removes the mapping of fe00::1 in A.</para>
/// </example>
[Cmdlet(VerbsCommon.Remove, "FlowMapping", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveFlowMappingCommand : MigrationToolsCmdlet
{
    /// <summary>The namespace.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("NetNs")]
    [ArgumentCompleter(typeof(NetNsNameCompleter))]
    public string Namespace { get; set; } = null!;

    /// <summary>The virtual address of the mapping.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(FlowAddressCompleter))]
    public string VirtualAddress { get; set; } = null!;

    /// <summary>The object the pipeline gives (bound by its properties); only the kinds this cmdlet acts on are taken.</summary>
    [Parameter(ValueFromPipeline = true, DontShow = true)]
    public PSObject? InputObject { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (!AcceptsInput(InputObject, typeof(NetNamespace), typeof(FlowMapping)))
        {
            return;
        }

        Invoke(VirtualAddress, () =>
        {
            Engine.Addressing.IpPrefix.ParseAddress(VirtualAddress, "virtual address");
            if (ShouldProcess(Namespace, "Remove the flow mapping of " + VirtualAddress))
            {
                FlowManager.Remove(Namespace, VirtualAddress, CancellationToken);
            }
        });
    }
}
