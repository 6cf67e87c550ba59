using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Engine.Labs;
using MigrationTools.Labs;

namespace MigrationTools.Commands;

/// <summary>Checks a lab: pings, from each node, the addresses of the others it should reach.</summary>
/// <remarks>
/// An address of another node is expected to answer when the pinging node has a connected subnet or a route for it
/// and the other node has one back (a round trip needs both). One object per ping (From, To, Address, Reachable,
/// RttMs), run in parallel; -From and -To limit the nodes (-To also takes addresses). A node the lab does not have is
/// a LabNodeNotFound error, an address no node has LabAddressNotFound, and a lab whose namespace is gone LabDamaged,
/// naming it, before any ping. A lab where every result is Reachable is built right.
/// </remarks>
/// <example>
/// <code>Test-NetLab -Name q1-quic-lb | Where-Object { -not $_.Reachable }</code>
/// <para>Shows what does not answer.</para>
/// </example>
/// <example>
/// <code>New-NetLab -Template ping-flow -Prefix p- | Test-NetLab -From A</code>
/// <para>Builds the ping flow lab and checks what A reaches.</para>
/// </example>
[Cmdlet(VerbsDiagnostic.Test, "NetLab")]
[OutputType(typeof(LabReachability))]
public sealed class TestNetLabCommand : MigrationToolsCmdlet
{
    /// <summary>The lab (lab objects from Get-NetLab and New-NetLab bind by their Name).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(LabNameCompleter))]
    public string Name { get; set; } = null!;

    /// <summary>Ping only from these nodes.</summary>
    [Parameter]
    public string[]? From { get; set; }

    /// <summary>Ping only the addresses of these nodes, or these addresses.</summary>
    [Parameter]
    public string[]? To { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        Invoke(Name, () => WriteObject(
            LabManager.Record(Name) is { Whole: not null } record
                ? DistributedLabs.Test(Hosts, record, From, To)
                : LabTester.Test(LabManager.Get(Name), From, To, CancellationToken),
            enumerateCollection: true));
    }
}
