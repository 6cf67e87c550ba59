using System;
using System.Collections.Generic;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Namespaces;
using MigrationTools.Engine.Netlink.Route;

namespace MigrationTools.Engine.Netlink;

/// <summary>Writes one request into <paramref name="writer"/> with sequence number <paramref name="sequence"/>.</summary>
internal delegate void NetlinkRequestWriter(ref NetlinkWriter writer, uint sequence);

/// <summary>
/// rtnetlink requests inside a namespace, over one socket per namespace kept open in this process (opened on a thread
/// inside the namespace, re-checked against the namespace's identity before each use, closed when it goes).
/// </summary>
internal static class Rtnetlink
{
    private static readonly NamespaceSessionCache<NetlinkSocket> Sockets = new(NetlinkSocket.OpenRoute);

    /// <summary>How many namespaces have a socket open (for tests).</summary>
    internal static int OpenSockets => Sockets.Count;

    /// <summary>Closes the socket of <paramref name="namespace"/> (before it is removed).</summary>
    internal static void Close(string @namespace) => Sockets.Close(@namespace);

    /// <summary>Sends one request and returns the kernel's answer.</summary>
    internal static NetlinkAck Execute(string @namespace, NetlinkRequestWriter write, string what) =>
        Sockets.Use(@namespace, socket => Execute(socket, write, what));

    /// <summary>Sends one request on <paramref name="socket"/> and returns the kernel's answer.</summary>
    internal static NetlinkAck Execute(NetlinkSocket socket, NetlinkRequestWriter write, string what)
    {
        Span<byte> buffer = stackalloc byte[1024];
        var writer = new NetlinkWriter(buffer);
        var sequence = socket.NextSequence();
        write(ref writer, sequence);
        return socket.Execute(writer.Written, sequence, what);
    }

    /// <summary>Every link of the namespace.</summary>
    internal static List<LinkRecord> Links(string @namespace) => Sockets.Use(@namespace, Links);

    /// <summary>Every link, dumped on <paramref name="socket"/>.</summary>
    internal static List<LinkRecord> Links(NetlinkSocket socket)
    {
        var result = new List<LinkRecord>();
        Dump(socket, (ref NetlinkWriter w, uint s) => LinkMessages.WriteGetLinks(ref w, s), message =>
        {
            if (LinkMessages.Decode(message) is { } link)
            {
                result.Add(link);
            }
        }, "list the links");
        return result;
    }

    /// <summary>Every address of the namespace (of one family when given).</summary>
    internal static List<AddressRecord> Addresses(string @namespace, IpFamily? family = null) => Sockets.Use(@namespace, socket => Addresses(socket, family));

    /// <summary>Every address, dumped on <paramref name="socket"/>.</summary>
    internal static List<AddressRecord> Addresses(NetlinkSocket socket, IpFamily? family)
    {
        var result = new List<AddressRecord>();
        Dump(socket, (ref NetlinkWriter w, uint s) => AddressMessages.WriteGetAddresses(ref w, s, family), message =>
        {
            if (AddressMessages.Decode(message) is { } address)
            {
                result.Add(address);
            }
        }, "list the addresses");
        return result;
    }

    /// <summary>The links and addresses of the namespace, read in one visit.</summary>
    internal static (List<LinkRecord> Links, List<AddressRecord> Addresses) LinksAndAddresses(string @namespace) =>
        Sockets.Use(@namespace, socket => (Links(socket), Addresses(socket, null)));

    /// <summary>The routes of the main table of one family, with the links (to name output interfaces).</summary>
    internal static (List<RouteRecord> Routes, List<LinkRecord> Links) Routes(string @namespace, IReadOnlyList<IpFamily> families) =>
        Sockets.Use(@namespace, socket =>
        {
            var routes = new List<RouteRecord>();
            foreach (var family in families)
            {
                Dump(socket, (ref NetlinkWriter w, uint s) => RouteMessages.WriteGetRoutes(ref w, s, family), message =>
                {
                    if (RouteMessages.Decode(message) is { Table: Rtnl.RT_TABLE_MAIN } route)
                    {
                        routes.Add(route);
                    }
                }, "list the routes");
            }

            return (routes, Links(socket));
        });

    private static void Dump(NetlinkSocket socket, NetlinkRequestWriter write, NetlinkMessageHandler handler, string what)
    {
        Span<byte> buffer = stackalloc byte[128];
        var writer = new NetlinkWriter(buffer);
        var sequence = socket.NextSequence();
        write(ref writer, sequence);
        socket.Dump(writer.Written, sequence, handler, what);
    }
}
