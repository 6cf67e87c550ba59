using System.Net;
using MigrationTools.Engine.Addressing;

namespace MigrationTools.Engine.Netlink.Route;

/// <summary>One route as an RTM_NEWROUTE message describes it.</summary>
internal sealed record RouteRecord(
    IpFamily Family, IpPrefix? Destination, uint Table, byte Protocol, byte Scope, byte Type, uint Flags,
    IPAddress? Gateway, int? OutputInterface, uint? Priority, IPAddress? PreferredSource);
