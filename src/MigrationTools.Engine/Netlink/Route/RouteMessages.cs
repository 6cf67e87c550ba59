using System;
using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using MigrationTools.Core.Interop;
using MigrationTools.Engine.Addressing;

namespace MigrationTools.Engine.Netlink.Route;

/// <summary>RTM_NEWROUTE, RTM_DELROUTE and RTM_GETROUTE requests as iproute2 writes them, and the decoder of route messages.</summary>
internal static class RouteMessages
{
    private const uint RTM_F_CLONED = 0x200;

    /// <summary>How a route request treats an existing route to the same destination.</summary>
    internal enum Mode
    {
        /// <summary><c>ip route add</c>: NLM_F_CREATE | NLM_F_EXCL, EEXIST when there is one.</summary>
        Add,
        /// <summary><c>ip route replace</c>: NLM_F_CREATE | NLM_F_REPLACE.</summary>
        Replace,
        /// <summary><c>ip route delete</c>.</summary>
        Delete,
    }

    /// <summary>
    /// A route of the main table, as <c>ip -4|-6 route add|replace|delete DST [via GW] [src S] [metric M] [dev X]</c>
    /// writes it: RTA_DST always (also for default), then gateway, preferred source, priority and output interface.
    /// Added routes are protocol boot, scope link without a gateway and universe with one, like iproute2's.
    /// </summary>
    internal static void WriteRoute(ref NetlinkWriter writer, uint sequence, Mode mode, IpFamily family, IpPrefix? destination,
        IPAddress? gateway, IPAddress? preferredSource, uint? priority, int? outputInterface)
    {
        var (type, flags) = mode switch
        {
            Mode.Add => (Rtnl.RTM_NEWROUTE, (ushort)(Nl.NLM_F_REQUEST | Nl.NLM_F_ACK | Nl.NLM_F_CREATE | Nl.NLM_F_EXCL)),
            Mode.Replace => (Rtnl.RTM_NEWROUTE, (ushort)(Nl.NLM_F_REQUEST | Nl.NLM_F_ACK | Nl.NLM_F_CREATE | Nl.NLM_F_REPLACE)),
            _ => (Rtnl.RTM_DELROUTE, (ushort)(Nl.NLM_F_REQUEST | Nl.NLM_F_ACK)),
        };
        writer.BeginMessage(type, flags, sequence);
        var header = writer.ReserveHeader(Rtnl.RtMsgLength);
        header[0] = FamilyByte(family);
        header[1] = (byte)(destination?.PrefixLength ?? 0);
        header[4] = Rtnl.RT_TABLE_MAIN;
        if (mode == Mode.Delete)
        {
            header[6] = Rtnl.RT_SCOPE_NOWHERE;
        }
        else
        {
            header[5] = Rtnl.RTPROT_BOOT;
            header[6] = gateway is null ? Rtnl.RT_SCOPE_LINK : Rtnl.RT_SCOPE_UNIVERSE;
            header[7] = Rtnl.RTN_UNICAST;
        }

        Span<byte> address = stackalloc byte[16]; // zeroed: the destination of a default route
        var addressLength = family == IpFamily.IPv6 ? 16 : 4;
        destination?.Address.TryWriteBytes(address, out _);
        writer.PutBytes(Rtnl.RTA_DST, address[..addressLength]);
        if (gateway is not null)
        {
            gateway.TryWriteBytes(address, out _);
            writer.PutBytes(Rtnl.RTA_GATEWAY, address[..addressLength]);
        }

        if (preferredSource is not null)
        {
            preferredSource.TryWriteBytes(address, out _);
            writer.PutBytes(Rtnl.RTA_PREFSRC, address[..addressLength]);
        }

        if (priority is { } p)
        {
            writer.PutU32(Rtnl.RTA_PRIORITY, p);
        }

        if (outputInterface is { } index)
        {
            writer.PutU32(Rtnl.RTA_OIF, (uint)index);
        }

        writer.EndMessage();
    }

    /// <summary>A dump of the routes of one family.</summary>
    internal static void WriteGetRoutes(ref NetlinkWriter writer, uint sequence, IpFamily family)
    {
        writer.BeginMessage(Rtnl.RTM_GETROUTE, Nl.NLM_F_REQUEST | Nl.NLM_F_DUMP, sequence);
        var header = writer.ReserveHeader(Rtnl.RtMsgLength);
        header[0] = FamilyByte(family);
        writer.EndMessage();
    }

    /// <summary>
    /// The kernel's route lookup for one destination, as <c>ip route get ADDRESS</c> asks it: RTM_GETROUTE without
    /// NLM_F_DUMP, the destination as a host prefix. Answered by the route it would use, or an error (ENETUNREACH).
    /// </summary>
    internal static void WriteGetRouteTo(ref NetlinkWriter writer, uint sequence, IPAddress destination)
    {
        var family = destination.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? IpFamily.IPv6 : IpFamily.IPv4;
        writer.BeginMessage(Rtnl.RTM_GETROUTE, Nl.NLM_F_REQUEST, sequence);
        var header = writer.ReserveHeader(Rtnl.RtMsgLength);
        header[0] = FamilyByte(family);
        header[1] = (byte)(family == IpFamily.IPv6 ? 128 : 32);
        // rtm_flags RTM_F_LOOKUP_TABLE (0x1000) for IPv4, as iproute2 sends it (the answer names the route's table).
        // The module's sockets ask for strict checking (NETLINK_GET_STRICT_CHK), under which IPv6 accepts no flag but
        // RTM_F_FIB_MATCH and refuses the request with EINVAL; iproute2's socket is not strict, so it sends the flag
        // for both families. The module does not read the table, so IPv6 goes without it.
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], family == IpFamily.IPv4 ? 0x1000u : 0u);
        Span<byte> address = stackalloc byte[16];
        destination.TryWriteBytes(address, out var length);
        writer.PutBytes(Rtnl.RTA_DST, address[..length]);
        writer.EndMessage();
    }

    /// <summary>Decodes an RTM_NEWROUTE message; null for other messages, cached clones and malformed ones.</summary>
    internal static RouteRecord? Decode(NetlinkMessage message)
    {
        if (message.Type != Rtnl.RTM_NEWROUTE || message.Payload.Length < Rtnl.RtMsgLength)
        {
            return null;
        }

        var header = message.Payload;
        var family = header[0] switch { Sock.AF_INET => IpFamily.IPv4, Sock.AF_INET6 => IpFamily.IPv6, _ => (IpFamily?)null };
        var flags = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        if (family is null || (flags & RTM_F_CLONED) != 0)
        {
            return null;
        }

        var addressLength = family == IpFamily.IPv6 ? 16 : 4;
        var destinationLength = header[1];
        if (destinationLength > addressLength * 8)
        {
            return null;
        }

        uint table = header[4];
        IPAddress? destination = null, gateway = null, source = null;
        int? outputInterface = null;
        uint? priority = null;
        foreach (var attribute in message.AttributesAfter(Rtnl.RtMsgLength))
        {
            switch (attribute.Type)
            {
                case Rtnl.RTA_DST when attribute.Value.Length == addressLength: destination = new IPAddress(attribute.Value); break;
                case Rtnl.RTA_GATEWAY when attribute.Value.Length == addressLength: gateway = new IPAddress(attribute.Value); break;
                case Rtnl.RTA_PREFSRC when attribute.Value.Length == addressLength: source = new IPAddress(attribute.Value); break;
                case Rtnl.RTA_OIF: outputInterface = attribute.S32; break;
                case Rtnl.RTA_PRIORITY: priority = attribute.U32; break;
                case Rtnl.RTA_TABLE: table = attribute.U32; break;
            }
        }

        IpPrefix? prefix = destinationLength == 0 && (destination is null || IsZero(destination))
            ? null
            : new IpPrefix(destination ?? (family == IpFamily.IPv6 ? IPAddress.IPv6Any : IPAddress.Any), destinationLength);
        return new RouteRecord(family.Value, prefix, table, header[5], header[6], header[7], flags, gateway, outputInterface, priority, source);
    }

    /// <summary>The output device (RTA_OIF) of a route message, lookup answers (which the kernel marks cloned) included.</summary>
    internal static int? OutputInterface(NetlinkMessage message)
    {
        if (message.Type != Rtnl.RTM_NEWROUTE || message.Payload.Length < Rtnl.RtMsgLength)
        {
            return null;
        }

        foreach (var attribute in message.AttributesAfter(Rtnl.RtMsgLength))
        {
            if (attribute.Type == Rtnl.RTA_OIF)
            {
                return attribute.S32;
            }
        }

        return null;
    }

    private static bool IsZero(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var length);
        return bytes[..length].IndexOfAnyExcept((byte)0) < 0;
    }

    internal static byte FamilyByte(IpFamily family) => family == IpFamily.IPv6 ? (byte)Sock.AF_INET6 : (byte)Sock.AF_INET;

    /// <summary>The protocol as iproute2 names it (its rt_protos file).</summary>
    internal static string ProtocolName(byte protocol) => protocol switch
    {
        Rtnl.RTPROT_UNSPEC => "unspec",
        1 => "redirect",
        Rtnl.RTPROT_KERNEL => "kernel",
        Rtnl.RTPROT_BOOT => "boot",
        Rtnl.RTPROT_STATIC => "static",
        8 => "gated",
        9 => "ra",
        10 => "mrt",
        11 => "zebra",
        12 => "bird",
        13 => "dnrouted",
        14 => "xorp",
        15 => "ntk",
        16 => "dhcp",
        18 => "keepalived",
        42 => "babel",
        99 => "openr",
        186 => "bgp",
        187 => "isis",
        188 => "ospf",
        189 => "rip",
        192 => "eigrp",
        _ => protocol.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The route type as iproute2 names it.</summary>
    internal static string TypeName(byte type) => type switch
    {
        0 => "none",
        Rtnl.RTN_UNICAST => "unicast",
        Rtnl.RTN_LOCAL => "local",
        Rtnl.RTN_BROADCAST => "broadcast",
        Rtnl.RTN_ANYCAST => "anycast",
        Rtnl.RTN_MULTICAST => "multicast",
        Rtnl.RTN_BLACKHOLE => "blackhole",
        Rtnl.RTN_UNREACHABLE => "unreachable",
        Rtnl.RTN_PROHIBIT => "prohibit",
        9 => "throw",
        10 => "nat",
        11 => "xresolve",
        _ => type.ToString(CultureInfo.InvariantCulture),
    };
}
