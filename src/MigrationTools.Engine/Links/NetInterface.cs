using System.Collections.Generic;
using MigrationTools.Engine.Addressing;

namespace MigrationTools.Engine.Links;

/// <summary>A network interface inside a namespace.</summary>
public sealed class NetInterface
{
    internal NetInterface(string @namespace, string name, int index, string kind, string state, int mtu, string? macAddress, IReadOnlyList<string> flags, IReadOnlyList<IpPrefix> addresses)
    {
        Namespace = @namespace;
        Name = name;
        Index = index;
        Kind = kind;
        State = state;
        Mtu = mtu;
        MacAddress = macAddress;
        Flags = flags;
        Addresses = addresses;
    }

    /// <summary>The namespace the interface is in.</summary>
    public string Namespace { get; }
    /// <summary>The interface name.</summary>
    public string Name { get; }
    /// <summary>The interface index inside its namespace.</summary>
    public int Index { get; }

    /// <summary>The name again, under the parameter name address and route cmdlets take, so an interface pipes into them.</summary>
    public string Interface => Name;
    /// <summary>The link kind: veth, loopback, tun, ipip, bridge, ...</summary>
    public string Kind { get; }
    /// <summary>Operational state: UP, DOWN, UNKNOWN, LOWERLAYERDOWN.</summary>
    public string State { get; }
    /// <summary>Administratively up (the UP flag is set).</summary>
    public bool IsUp => System.Linq.Enumerable.Contains(Flags, "UP");
    /// <summary>The MTU.</summary>
    public int Mtu { get; }
    /// <summary>The link-layer address, when there is one.</summary>
    public string? MacAddress { get; }
    /// <summary>Interface flags (UP, LOWER_UP, POINTOPOINT, ...).</summary>
    public IReadOnlyList<string> Flags { get; }
    /// <summary>Addresses on the interface.</summary>
    public IReadOnlyList<IpPrefix> Addresses { get; }

    /// <summary>For a veth end: the peer's interface index (in the peer's namespace).</summary>
    public int? PeerIndex { get; init; }

    /// <summary>For a veth end whose peer is in another namespace: that namespace's id as this namespace knows it.</summary>
    public int? PeerNetNsId { get; init; }

    /// <summary>The device this interface is a port of (a bridge), if any.</summary>
    public string? Master { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Namespace}/{Name}";
}
