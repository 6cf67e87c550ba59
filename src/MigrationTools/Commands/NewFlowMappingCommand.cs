using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Engine.Flows;
using MigrationTools.Engine.Namespaces;

namespace MigrationTools.Commands;

/// <summary>Maps a virtual address inside a namespace to one of several concrete targets.</summary>
/// <remarks>
/// Traffic the namespace sends to -VirtualAddress, and traffic it forwards there, is translated (DNAT) to the
/// current target, the first of -Target at first. Switch-FlowTarget re-points it. IPv4 and IPv6 both work; the
/// virtual address and every target must be of one family (FlowTargetFamilyMismatch).
///
/// The default backend, Nftables, keeps mappings in the module's own table `inet migrationtools` (maps flows4 and
/// flows6, nat chains output and prerouting) and switches them over netlink. The Iptables backend keeps them as
/// DNAT rules in the module's own chain MIGRATIONTOOLS of the nat table, as the origin's run.sh did with
/// ip6tables. Neither touches rules the module did not create. A mapping that exists is ResourceExists
/// (FlowMappingExists); a missing tool stops the command naming its Debian package.
/// </remarks>
/// <example>
/// <code>New-FlowMapping -Namespace A -VirtualAddress fe00::1 -Target fc01::1, fc02::2</code>
/// <para>Pings from A to fe00::1 reach fc01::1 (namespace C) until the next switch.</para>
/// </example>
/// <example>
/// <code>New-FlowMapping -Namespace B -VirtualAddress 10.99.0.1 -Target 10.1.0.1, 10.2.0.1 -Backend Iptables</code>
/// <para>A router namespace B that translates forwarded IPv4 traffic with iptables.</para>
/// </example>
[Cmdlet(VerbsCommon.New, "FlowMapping", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(FlowMapping))]
public sealed class NewFlowMappingCommand : MigrationToolsCmdlet
{
    /// <summary>The namespace whose traffic is translated.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("NetNs")]
    [ArgumentCompleter(typeof(NetNsNameCompleter))]
    public string Namespace { get; set; } = null!;

    /// <summary>The abstract destination address.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("Virtual", "Vip")]
    public string VirtualAddress { get; set; } = null!;

    /// <summary>The concrete targets, in switching order; the first is current at once.</summary>
    [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
    [Alias("Targets")]
    public string[] Target { get; set; } = null!;

    /// <summary>Where the mapping lives: Nftables (default) or Iptables.</summary>
    [Parameter]
    public FlowBackend Backend { get; set; } = FlowBackend.Nftables;

    /// <summary>Fail (FlowUnroutable) instead of warning when the namespace has no route to the virtual address.</summary>
    [Parameter]
    public SwitchParameter Strict { get; set; }

    /// <summary>The object the pipeline gives (bound by its properties); only the kinds this cmdlet acts on are taken.</summary>
    [Parameter(ValueFromPipeline = true, DontShow = true)]
    public PSObject? InputObject { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (!AcceptsInput(InputObject, typeof(NetNamespace)))
        {
            return;
        }

        Invoke(VirtualAddress, () =>
        {
            FlowManager.Validate(VirtualAddress, Target);
            if (ShouldProcess(Namespace, $"Map {VirtualAddress} to {string.Join(", ", Target)} ({Backend})"))
            {
                WriteObject(FlowManager.Create(Namespace, VirtualAddress, Target, Backend, CancellationToken, Strict));
            }
        });
    }
}
