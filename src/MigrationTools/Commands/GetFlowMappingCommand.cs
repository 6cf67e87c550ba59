using System.Linq;
using System.Management.Automation;
using MigrationTools.Completion;
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
public sealed class GetFlowMappingCommand : MigrationToolsCmdlet
{
    /// <summary>Namespace names or wildcard patterns.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NetNsNameCompleter))]
    public string[]? Namespace { get; set; }

    /// <summary>Only the mapping of this virtual address.</summary>
    [Parameter(Position = 1)]
    [ArgumentCompleter(typeof(FlowAddressCompleter))]
    public string? VirtualAddress { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var patterns = (Namespace ?? new[] { "*" }).Select(p => new WildcardPattern(p)).ToArray();
        foreach (var name in FlowManager.NamespacesWithMappings().Where(n => patterns.Any(p => p.IsMatch(n))))
        {
            Invoke(name, () => WriteObject(
                FlowManager.List(name).Where(m => VirtualAddress is null || m.VirtualAddress.ToString() == System.Net.IPAddress.Parse(VirtualAddress).ToString()),
                enumerateCollection: true));
        }
    }
}
