using MigrationTools.Engine.Addressing;

namespace MigrationTools.Engine.Netlink.Route;

/// <summary>One address as an RTM_NEWADDR message describes it.</summary>
internal sealed record AddressRecord(int InterfaceIndex, IpPrefix Prefix, byte Scope, uint Flags);
