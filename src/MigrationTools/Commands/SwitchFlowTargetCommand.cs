using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Engine.Flows;
using MigrationTools.Engine.Namespaces;

namespace MigrationTools.Commands;

/// <summary>Re-points a flow mapping to another target: the "swap" of the flow migration experiment.</summary>
/// <remarks>
/// With no -Target or -TargetNamespace it moves to the next target in the mapping's list (the origin's "swap").
/// The mapping changes first, in one atomic kernel transaction (an nftables map element replaced over netlink,
/// or an iptables rule replaced with -R), so no packet ever finds no rule; then the conntrack entries of flows to
/// the virtual address are deleted over netlink, so their next packet takes the new target. Flows to other
/// addresses keep their entries. Concurrent switches of one namespace are serialised.
/// -TargetNamespace picks the target that is an address of that namespace. -VirtualAddress is needed only when
/// the namespace has several mappings. Returns nothing unless -PassThru; the result's Duration is the switch's
/// time and its Phases say where it went (lock, mapping, route check, read, replace, conntrack).
/// </remarks>
/// <example>
/// <code>Switch-FlowTarget -Namespace A</code>
/// <para>Swaps A's only mapping to its next target.</para>
/// </example>
/// <example>
/// <code>Switch-FlowTarget -Namespace A -TargetNamespace D -PassThru</code>
/// <para>Points the mapping at D's address and shows old and new target, entries removed and time taken.</para>
/// </example>
/// <example>
/// <code>Switch-FlowTarget -Lab ping-flow -Node A -PassThru</code>
/// <para>Switches the mapping of node A of lab ping-flow, wherever A lives: for a lab across hosts, on A's host over the lab's session.</para>
/// </example>
[Cmdlet(VerbsCommon.Switch, "FlowTarget", SupportsShouldProcess = true, DefaultParameterSetName = NextSet, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(FlowSwitchResult))]
public sealed class SwitchFlowTargetCommand : MigrationToolsCmdlet
{
    private const string NextSet = "Next";
    private const string TargetSet = "Target";
    private const string TargetNamespaceSet = "TargetNamespace";
    private const string LabNextSet = "LabNext";
    private const string LabTargetSet = "LabTarget";

    /// <summary>The namespace that holds the mapping.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = NextSet)]
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = TargetSet)]
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = TargetNamespaceSet)]
    [Alias("NetNs")]
    [ArgumentCompleter(typeof(NetNsNameCompleter))]
    public string Namespace { get; set; } = null!;

    /// <summary>The mapping's virtual address; needed when the namespace has several mappings.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(FlowAddressCompleter))]
    public string? VirtualAddress { get; set; }

    /// <summary>The lab whose node holds the mapping (with -Node): the node may be on any host of a lab across hosts.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LabNextSet)]
    [Parameter(Mandatory = true, ParameterSetName = LabTargetSet)]
    [ArgumentCompleter(typeof(LabNameCompleter))]
    public string Lab { get; set; } = null!;

    /// <summary>The lab's node that holds the mapping (with -Lab).</summary>
    [Parameter(Mandatory = true, ParameterSetName = LabNextSet)]
    [Parameter(Mandatory = true, ParameterSetName = LabTargetSet)]
    public string Node { get; set; } = null!;

    /// <summary>The target to switch to; one of the mapping's targets.</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = TargetSet)]
    [Parameter(Mandatory = true, ParameterSetName = LabTargetSet)]
    [ArgumentCompleter(typeof(FlowAddressCompleter))]
    public string Target { get; set; } = null!;

    /// <summary>Switch to the target that is an address of this namespace.</summary>
    [Parameter(Mandatory = true, ParameterSetName = TargetNamespaceSet)]
    [ArgumentCompleter(typeof(NetNsNameCompleter))]
    public string TargetNamespace { get; set; } = null!;

    /// <summary>Return the switch result.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Fail (FlowUnroutable) instead of warning when the namespace has no route to the virtual address.</summary>
    [Parameter]
    public SwitchParameter Strict { get; set; }

    /// <summary>The object the pipeline gives (bound by its properties); only the kinds this cmdlet acts on are taken.</summary>
    [Parameter(ValueFromPipeline = true, DontShow = true)]
    public PSObject? InputObject { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (!AcceptsInput(InputObject, typeof(NetNamespace), typeof(FlowMapping), typeof(FlowSwitchResult)))
        {
            return;
        }

        if (ParameterSetName is LabNextSet or LabTargetSet)
        {
            SwitchInLab();
            return;
        }

        var to = ParameterSetName switch
        {
            TargetSet => Target,
            TargetNamespaceSet => "the address of " + TargetNamespace,
            _ => "the next target",
        };
        Invoke(Namespace, () =>
        {
            if (ShouldProcess($"{Namespace} {VirtualAddress}".TrimEnd(), "Switch flow target to " + to))
            {
                var result = FlowManager.Switch(Namespace, VirtualAddress, ParameterSetName == TargetSet ? Target : null, ParameterSetName == TargetNamespaceSet ? TargetNamespace : null, CancellationToken, Strict);
                if (PassThru)
                {
                    WriteObject(result);
                }
            }
        });
    }

    /// <summary>-Lab and -Node: the node's namespace here, or the same command on the node's host.</summary>
    private void SwitchInLab()
    {
        Invoke(Node, () =>
        {
            var (state, ns, host) = Labs.DistributedLabs.Locate(Lab, Node);
            var target = ParameterSetName == LabTargetSet ? Target : null;
            if (!ShouldProcess($"{Lab} node {Node} ({ns}{(host is null ? string.Empty : " on " + host)}) {VirtualAddress}".TrimEnd(), "Switch flow target to " + (target ?? "the next target")))
            {
                return;
            }

            object? result = host is null
                ? FlowManager.Switch(ns, VirtualAddress, target, null, CancellationToken, Strict)
                : Labs.DistributedLabs.RunOn(Hosts, state, host, RemoteSwitch, new object[] { ThisModule.Version, ns, VirtualAddress ?? string.Empty, target ?? string.Empty, Strict.IsPresent });
            if (PassThru)
            {
                WriteObject(result);
            }
        });
    }

    private const string RemoteSwitch = """
        param([string] $Version, [string] $Namespace, [string] $VirtualAddress, [string] $Target, [bool] $Strict)
        try {
            Import-Module MigrationTools -RequiredVersion $Version -ErrorAction Stop
            $arguments = @{ Namespace = $Namespace; PassThru = $true; Strict = $Strict; Confirm = $false; ErrorAction = 'Stop' }
            if ($VirtualAddress) { $arguments.VirtualAddress = $VirtualAddress }
            if ($Target) { $arguments.Target = $Target }
            @{ Ok = $true; Result = Switch-FlowTarget @arguments }
        }
        catch { @{ Ok = $false; ErrorId = $_.FullyQualifiedErrorId; Message = $_.Exception.Message } }
        """;
}
