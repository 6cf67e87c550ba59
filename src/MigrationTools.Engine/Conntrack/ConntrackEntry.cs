using System.Net;
using MigrationTools.Engine.Addressing;

namespace MigrationTools.Engine.Conntrack;

/// <summary>One connection tracking entry of a namespace: its original and reply tuples and state.</summary>
public sealed class ConntrackEntry
{
    internal ConntrackEntry(string @namespace, IpFamily family, byte protocolNumber, ConntrackTuple original, ConntrackTuple reply,
        string? state, uint? timeout, uint mark, ushort zone, uint? id, byte[] originalEncoded)
    {
        Namespace = @namespace;
        AddressFamily = family;
        ProtocolNumber = protocolNumber;
        Original = original;
        Reply = reply;
        State = state;
        Timeout = timeout;
        Mark = mark;
        Zone = zone;
        Id = id;
        OriginalEncoded = originalEncoded;
    }

    /// <summary>The namespace whose table holds the entry.</summary>
    public string Namespace { get; }
    /// <summary>IPv4 or IPv6.</summary>
    public IpFamily AddressFamily { get; }
    /// <summary>The protocol name: icmp, icmpv6, tcp, udp, sctp, or the number.</summary>
    public string Protocol => ProtocolName(ProtocolNumber);
    /// <summary>The IP protocol number.</summary>
    public byte ProtocolNumber { get; }
    /// <summary>The original direction, as the first packet had it (before NAT).</summary>
    public ConntrackTuple Original { get; }
    /// <summary>The reply direction, as the answer is expected (after NAT: the real peer).</summary>
    public ConntrackTuple Reply { get; }
    /// <summary>Source of the original direction.</summary>
    public IPAddress Source => Original.Source;
    /// <summary>Destination of the original direction (the virtual address for a mapped flow).</summary>
    public IPAddress Destination => Original.Destination;
    /// <summary>Where the flow really goes: the source of the reply direction.</summary>
    public IPAddress TranslatedDestination => Reply.Source;
    /// <summary>True when NAT changed the destination.</summary>
    public bool IsDestinationTranslated => !Original.Destination.Equals(Reply.Source);
    /// <summary>TCP state, when the protocol has one.</summary>
    public string? State { get; }
    /// <summary>Seconds until the entry expires.</summary>
    public uint? Timeout { get; }
    /// <summary>The connection mark.</summary>
    public uint Mark { get; }
    /// <summary>The conntrack zone.</summary>
    public ushort Zone { get; }
    /// <summary>The kernel's id of the entry.</summary>
    public uint? Id { get; }

    /// <summary>The CTA_TUPLE_ORIG attribute as the kernel sent it, to delete exactly this entry.</summary>
    internal byte[] OriginalEncoded { get; }

    internal static string ProtocolName(byte number) => number switch
    {
        1 => "icmp",
        6 => "tcp",
        17 => "udp",
        58 => "icmpv6",
        132 => "sctp",
        136 => "udplite",
        47 => "gre",
        _ => number.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    internal static byte? ProtocolNumberOf(string name) => name.ToLowerInvariant() switch
    {
        "icmp" => 1,
        "tcp" => 6,
        "udp" => 17,
        "icmpv6" or "ipv6-icmp" => 58,
        "sctp" => 132,
        "udplite" => 136,
        "gre" => 47,
        _ => byte.TryParse(name, out var n) ? n : null,
    };

    /// <inheritdoc />
    public override string ToString() => $"{Protocol} {Original} -> {Reply}";
}
