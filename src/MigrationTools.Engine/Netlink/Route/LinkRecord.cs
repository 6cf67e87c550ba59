using System.Collections.Generic;

namespace MigrationTools.Engine.Netlink.Route;

/// <summary>One link as an RTM_NEWLINK message describes it.</summary>
internal sealed record LinkRecord(
    int Index, string Name, string Kind, ushort DeviceType, uint Flags, string OperationalState, int Mtu, string? MacAddress,
    int? PeerIndex, int? PeerNetNsId, IpipLinkData? Ipip)
{
    /// <summary>The index of the device this one is a port of (a bridge), if any.</summary>
    internal int? MasterIndex { get; init; }

    /// <summary>The flag names, in the order iproute2 prints them.</summary>
    internal IReadOnlyList<string> FlagNames => LinkMessages.FlagNames(Flags);
}
