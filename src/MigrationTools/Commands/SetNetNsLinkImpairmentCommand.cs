using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Engine.Links.Impairments;
using MigrationTools.Engine.Netlink.Route;

namespace MigrationTools.Commands;

/// <summary>Delays, drops, duplicates, reorders or rate-limits the packets an interface sends.</summary>
/// <remarks>
/// Sets (replaces) a netem qdisc at the root of the interface over rtnetlink, as tc qdisc replace ... netem does:
/// -DelayMs with -JitterMs, -LossPercent, -DuplicatePercent, -ReorderPercent and -RateMbit. It acts on the packets
/// the interface sends; impair both ends of a link for both directions. Where the kernel has no sch_netem module,
/// -LossPercent is an nftables rule dropping that share of the interface's packets at random and -RateMbit a token
/// bucket (tbf); delay, jitter, duplication and reordering are then KernelFeatureMissing, naming the module.
/// Get-NetNsLinkImpairment shows what is set; Remove-NetNsLinkImpairment takes it off.
/// </remarks>
/// <example>
/// <code>Set-NetNsLinkImpairment -Namespace A -Name a-b -LossPercent 5 -DelayMs 20 -JitterMs 5</code>
/// <para>5 % loss and 20 ± 5 ms of delay on what A sends to B.</para>
/// </example>
[Cmdlet(VerbsCommon.Set, "NetNsLinkImpairment", SupportsShouldProcess = true)]
[OutputType(typeof(LinkImpairment))]
public sealed class SetNetNsLinkImpairmentCommand : MigrationToolsCmdlet
{
    /// <summary>The namespace.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("NetNs")]
    [ArgumentCompleter(typeof(NetNsNameCompleter))]
    public string Namespace { get; set; } = null!;

    /// <summary>The interface whose outgoing packets are impaired.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("Interface")]
    [ArgumentCompleter(typeof(InterfaceNameCompleter))]
    public string Name { get; set; } = null!;

    /// <summary>Added delay in milliseconds (needs netem).</summary>
    [Parameter]
    [ValidateRange(0, 60000)]
    public double DelayMs { get; set; }

    /// <summary>Delay variation in milliseconds (needs netem and -DelayMs).</summary>
    [Parameter]
    [ValidateRange(0, 60000)]
    public double JitterMs { get; set; }

    /// <summary>Packets dropped, in percent.</summary>
    [Parameter]
    [ValidateRange(0, 100)]
    public double LossPercent { get; set; }

    /// <summary>Packets sent twice, in percent (needs netem).</summary>
    [Parameter]
    [ValidateRange(0, 100)]
    public double DuplicatePercent { get; set; }

    /// <summary>Packets sent at once ahead of the delayed ones, in percent (needs netem and -DelayMs).</summary>
    [Parameter]
    [ValidateRange(0, 100)]
    public double ReorderPercent { get; set; }

    /// <summary>A rate limit in Mbit/s.</summary>
    [Parameter]
    [ValidateRange(1, 100000)]
    public int? RateMbit { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        Invoke(Name, () =>
        {
            if (JitterMs > 0 && DelayMs <= 0)
            {
                throw Core.Errors.ErrorCatalog.InvalidArgument("-JitterMs varies a delay: give -DelayMs too.", JitterMs);
            }

            if (ShouldProcess($"{Namespace}/{Name}", "Impair outgoing packets"))
            {
                WriteObject(ImpairmentManager.Set(Namespace, Name, new NetemSettings(DelayMs, JitterMs, LossPercent, DuplicatePercent, ReorderPercent), RateMbit, CancellationToken));
            }
        });
    }
}
