using System.Collections.Generic;

namespace MigrationTools.Engine.Labs;

/// <summary>A veth pair between two lab nodes.</summary>
/// <param name="A">The first end.</param>
/// <param name="B">The second end.</param>
/// <param name="AddressesA">Addresses of the first end.</param>
/// <param name="AddressesB">Addresses of the second end.</param>
/// <param name="Mtu">The MTU of both ends.</param>
/// <param name="RateMbit">A rate limit in Mbit/s on both ends (tc tbf).</param>
internal sealed record LabLink(LabEndpoint A, LabEndpoint B, IReadOnlyList<string> AddressesA, IReadOnlyList<string> AddressesB, int? Mtu, int? RateMbit)
{
    /// <summary>What the first end's outgoing packets are done to (netem), if anything.</summary>
    public Netlink.Route.NetemSettings? ImpairmentA { get; init; }

    /// <summary>What the second end's outgoing packets are done to (netem), if anything.</summary>
    public Netlink.Route.NetemSettings? ImpairmentB { get; init; }

    /// <summary>For a member link of a segment: the segment (its second end is a port of the segment's bridge).</summary>
    public string? Segment { get; init; }

    /// <summary>True for an uplink: one end is in the namespace the lab is built from (the second, by the parser's order).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsUplink => A.IsHere || B.IsHere;
}
