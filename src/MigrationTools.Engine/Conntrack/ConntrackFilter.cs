using System.Linq;
using System.Net;
using MigrationTools.Core.Errors;
using MigrationTools.Engine.Addressing;

namespace MigrationTools.Engine.Conntrack;

/// <summary>Which entries to act on; null members match anything.</summary>
internal sealed record ConntrackFilter(IPAddress? Destination = null, IPAddress? Source = null, byte? Protocol = null, IpFamily? Family = null)
{
    /// <summary>True when <paramref name="entry"/> matches.</summary>
    public bool Matches(ConntrackEntry entry) =>
        (Family is null || entry.AddressFamily == Family)
        && (Protocol is null || entry.ProtocolNumber == Protocol)
        && (Destination is null || entry.Original.Destination.Equals(Destination))
        && (Source is null || entry.Original.Source.Equals(Source));

    /// <summary>
    /// A filter from what a user typed: addresses as text, a protocol by name (icmp, icmpv6, tcp, udp, sctp) or
    /// number; null arguments match anything. InvalidAddress or InvalidProtocol for text that is neither.
    /// </summary>
    public static ConntrackFilter Parse(string? destination, string? source, string? protocol, IpFamily? family)
    {
        byte? number = null;
        if (protocol is not null)
        {
            number = ConntrackEntry.ProtocolNumberOf(protocol)
                ?? throw ErrorCatalog.InvalidProtocol($"'{protocol}' is not a protocol name (icmp, icmpv6, tcp, udp, sctp) or number.", protocol);
        }

        return new ConntrackFilter(
            destination is null ? null : IpPrefix.ParseAddress(destination, "destination"),
            source is null ? null : IpPrefix.ParseAddress(source, "source"),
            number,
            family);
    }

    /// <summary>What the filter matches, for messages: "dst 10.0.0.1 udp", or "(all)".</summary>
    public override string ToString() =>
        string.Join(" ", new[] { Destination is null ? null : "dst " + Destination, Source is null ? null : "src " + Source, Protocol?.ToString(System.Globalization.CultureInfo.InvariantCulture), Family?.ToString() }
            .Where(s => s is not null).DefaultIfEmpty("(all)"));
}
