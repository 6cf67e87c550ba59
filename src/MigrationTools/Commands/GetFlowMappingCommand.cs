using System.Linq;
using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Flows;

namespace MigrationTools.Commands;

/// <summary>Lists flow mappings with their current targets.</summary>
/// <remarks>
/// The current target is read from the kernel (the nftables map or the iptables rule), not from a cache, so it
/// shows switches made by other sessions. -Namespace takes wildcards; all namespaces with mappings when omitted.
/// </remarks>
/// <example>
/// <code>Get-FlowMapping -Namespace A</code>
/// <para>Shows A's mappings and where each points now.</para>
/// </example>
/// <example>
/// <code>Get-FlowMapping lab-* | Remove-FlowMapping</code>
/// <para>Removes every mapping of the lab namespaces.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "FlowMapping")]
[OutputType(typeof(FlowMapping))]
public sealed class GetFlowMappingCommand : NamespaceListingCmdlet
{
    /// <summary>Only the mapping of this virtual address.</summary>
    [Parameter(Position = 1)]
    [Alias("Vip")]
    [ArgumentCompleter(typeof(FlowAddressCompleter))]
    public string? VirtualAddress { get; set; }

    /// <inheritdoc />
    protected override void List(string @namespace)
    {
        var only = VirtualAddress is null ? null : IpPrefix.ParseAddress(VirtualAddress, "virtual address");
        WriteObject(FlowManager.List(@namespace).Where(m => only is null || m.VirtualAddress.Equals(only)), enumerateCollection: true);
    }
}
