using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using MigrationTools.Core.Interop;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Namespaces;
using MigrationTools.Engine.Netlink.Route;

namespace MigrationTools.Engine.Netlink;

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

    /// <summary>Keeps <paramref name="socket"/>, opened in the namespace of <paramref name="identity"/>, as that namespace's socket.</summary>
    internal static void Adopt(string @namespace, NetNsIdentity identity, NetlinkSocket socket) => Sockets.Adopt(@namespace, identity, socket);

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

    /// <summary>One link by name, asked for alone (no dump); null when there is none.</summary>
    internal static LinkRecord? Link(string @namespace, string name) => Sockets.Use(@namespace, socket => Link(socket, name));

    /// <summary>One link by name on <paramref name="socket"/>; null when there is none.</summary>
    internal static LinkRecord? Link(NetlinkSocket socket, string name)
    {
        LinkRecord? result = null;
        var ack = TryDump(socket, (ref NetlinkWriter w, uint s) => LinkMessages.WriteGetLink(ref w, s, name), message => result ??= LinkMessages.Decode(message), "read the link " + name);
        return ack.Error is MigrationTools.Core.Interop.Errno.ENODEV or MigrationTools.Core.Interop.Errno.None ? result : throw NetlinkSocket.Failure("read the link " + name, ack);
    }

    /// <summary>The names of the links with the given indexes (gets for a few, one dump for many).</summary>
    internal static Dictionary<int, string> LinkNames(NetlinkSocket socket, IReadOnlyCollection<int> indexes)
    {
        var result = new Dictionary<int, string>();
        if (indexes.Count > 8)
        {
            foreach (var link in Links(socket))
            {
                result[link.Index] = link.Name;
            }

            return result;
        }

        foreach (var index in indexes)
        {
            LinkRecord? found = null;
            var ack = TryDump(socket, (ref NetlinkWriter w, uint s) => LinkMessages.WriteGetLink(ref w, s, index), message => found ??= LinkMessages.Decode(message), "read a link");
            if (ack.Succeeded && found is not null)
            {
                result[index] = found.Name;
            }
        }

        return result;
    }

    /// <summary>
    /// The id the namespace of <paramref name="socket"/> gives the namespace open as <paramref name="namespaceFd"/>
    /// (RTM_GETNSID), as veth ends name their peer's namespace; null when it has none.
    /// </summary>
    internal static int? NamespaceId(NetlinkSocket socket, int namespaceFd)
    {
        int? result = null;
        var ack = TryDump(socket, (ref NetlinkWriter w, uint s) =>
        {
            w.BeginMessage(Rtnl.RTM_GETNSID, Nl.NLM_F_REQUEST, s);
            w.ReserveHeader(Rtnl.RtGenLength);
            w.PutU32(Rtnl.NETNSA_FD, (uint)namespaceFd);
            w.EndMessage();
        }, message =>
        {
            if (message.Type == Rtnl.RTM_NEWNSID)
            {
                foreach (var attribute in message.AttributesAfter(Rtnl.RtGenLength))
                {
                    if (attribute.Type == Rtnl.NETNSA_NSID && attribute.S32 >= 0)
                    {
                        result = attribute.S32;
                    }
                }
            }
        }, "read a namespace id");
        return ack.Succeeded ? result : null;
    }

    /// <summary>Runs <paramref name="action"/> with the socket of <paramref name="namespace"/>.</summary>
    internal static T Use<T>(string @namespace, Func<NetlinkSocket, T> action) => Sockets.Use(@namespace, action);

    /// <summary>Every address of the namespace (of one family, of one interface index when given).</summary>
    internal static List<AddressRecord> Addresses(string @namespace, IpFamily? family = null, int index = 0) =>
        Sockets.Use(@namespace, socket => Addresses(socket, family, index));

    /// <summary>Every address, dumped on <paramref name="socket"/> (of one interface index when not 0).</summary>
    internal static List<AddressRecord> Addresses(NetlinkSocket socket, IpFamily? family, int index = 0)
    {
        var result = new List<AddressRecord>();
        Dump(socket, (ref NetlinkWriter w, uint s) => AddressMessages.WriteGetAddresses(ref w, s, family, index), message =>
        {
            if (AddressMessages.Decode(message) is { } address && (index == 0 || address.InterfaceIndex == index))
            {
                result.Add(address);
            }
        }, "list the addresses");
        return result;
    }

    /// <summary>The links and addresses of the namespace, read in one visit.</summary>
    internal static (List<LinkRecord> Links, List<AddressRecord> Addresses) LinksAndAddresses(string @namespace) =>
        Sockets.Use(@namespace, socket => (Links(socket), Addresses(socket, null)));

    /// <summary>The routes of the main table of the given families, with the names of their output interfaces.</summary>
    internal static (List<RouteRecord> Routes, Dictionary<int, string> InterfaceNames) Routes(string @namespace, IReadOnlyList<IpFamily> families) =>
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

            var indexes = routes.Where(r => r.OutputInterface is not null).Select(r => r.OutputInterface!.Value).Distinct().ToArray();
            return (routes, LinkNames(socket, indexes));
        });

    /// <summary>
    /// True when the kernel of <paramref name="namespace"/> has a route to <paramref name="destination"/> (its own
    /// lookup, policy rules included); false when it answers that the network is unreachable.
    /// </summary>
    internal static bool HasRouteTo(string @namespace, IPAddress destination, NetNsIdentity? identity = null) =>
        Sockets.Use(@namespace, identity, socket =>
        {
            var answered = false;
            var ack = TryDump(socket, (ref NetlinkWriter w, uint s) => RouteMessages.WriteGetRouteTo(ref w, s, destination), message => answered |= message.Type == Rtnl.RTM_NEWROUTE, "look up the route to " + destination);
            if (!ack.Succeeded && ack.Error is not (Errno.ENETUNREACH or Errno.EHOSTUNREACH or Errno.EACCES))
            {
                throw NetlinkSocket.Failure("look up the route to " + destination, ack);
            }

            return ack.Succeeded && answered;
        });

    /// <summary>
    /// The device the kernel of <paramref name="socket"/>'s namespace would send to <paramref name="destination"/>
    /// through (as <c>ip route get</c> names it); null when the network is unreachable.
    /// </summary>
    internal static int? OutputInterfaceTo(NetlinkSocket socket, IPAddress destination)
    {
        int? result = null;
        var ack = TryDump(socket, (ref NetlinkWriter w, uint s) => RouteMessages.WriteGetRouteTo(ref w, s, destination), message => result ??= RouteMessages.OutputInterface(message), "look up the route to " + destination);
        return ack.Succeeded || ack.Error is Errno.ENETUNREACH or Errno.EHOSTUNREACH or Errno.EACCES ? result : throw NetlinkSocket.Failure("look up the route to " + destination, ack);
    }

    private static void Dump(NetlinkSocket socket, NetlinkRequestWriter write, NetlinkMessageHandler handler, string what)
    {
        var ack = TryDump(socket, write, handler, what);
        if (!ack.Succeeded)
        {
            throw NetlinkSocket.Failure(what, ack);
        }
    }

    /// <summary>
    /// Sends a request answered by messages (a dump, or a get whose answer is one message and no NLMSG_DONE) and
    /// hands them to <paramref name="handler"/>.
    /// </summary>
    private static NetlinkAck TryDump(NetlinkSocket socket, NetlinkRequestWriter write, NetlinkMessageHandler handler, string what)
    {
        Span<byte> buffer = stackalloc byte[128];
        var writer = new NetlinkWriter(buffer);
        var sequence = socket.NextSequence();
        write(ref writer, sequence);
        return socket.TryDump(writer.Written, sequence, handler, what);
    }
}
