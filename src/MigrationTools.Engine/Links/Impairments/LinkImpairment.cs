namespace MigrationTools.Engine.Links.Impairments;

/// <summary>What is done to the packets an interface sends (Get-NetNsLinkImpairment).</summary>
public sealed class LinkImpairment
{
    internal LinkImpairment(string @namespace, string @interface, double delayMs, double jitterMs, double lossPercent, double duplicatePercent,
        double reorderPercent, int? rateMbit, string method, bool present)
    {
        Namespace = @namespace;
        Interface = @interface;
        DelayMs = delayMs;
        JitterMs = jitterMs;
        LossPercent = lossPercent;
        DuplicatePercent = duplicatePercent;
        ReorderPercent = reorderPercent;
        RateMbit = rateMbit;
        Method = method;
        Present = present;
    }

    /// <summary>The namespace.</summary>
    public string Namespace { get; }

    /// <summary>The interface whose outgoing packets are impaired.</summary>
    public string Interface { get; }

    /// <summary>Added delay in milliseconds.</summary>
    public double DelayMs { get; }

    /// <summary>Delay variation in milliseconds.</summary>
    public double JitterMs { get; }

    /// <summary>Packets dropped, in percent.</summary>
    public double LossPercent { get; }

    /// <summary>Packets sent twice, in percent.</summary>
    public double DuplicatePercent { get; }

    /// <summary>Packets sent ahead of the delayed ones, in percent.</summary>
    public double ReorderPercent { get; }

    /// <summary>A rate limit in Mbit/s.</summary>
    public int? RateMbit { get; }

    /// <summary>How it is done: netem (the kernel's network emulator), or nftables (loss) and tbf (rate) where the kernel has no netem.</summary>
    public string Method { get; }

    /// <summary>False when what was set is no longer in the kernel (removed by hand).</summary>
    public bool Present { get; }

    /// <summary>The netem settings this impairment stands for.</summary>
    internal Netlink.Route.NetemSettings Settings => new(DelayMs, JitterMs, LossPercent, DuplicatePercent, ReorderPercent);

    /// <inheritdoc />
    public override string ToString() => $"{Namespace}/{Interface}: delay {DelayMs} ms ±{JitterMs}, loss {LossPercent} %, {Method}";
}
