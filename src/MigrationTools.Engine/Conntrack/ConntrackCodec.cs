using System;
using System.Net;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Netlink;

namespace MigrationTools.Engine.Conntrack;

/// <summary>Encodes ctnetlink requests and decodes the kernel's conntrack messages.</summary>
internal static class ConntrackCodec
{
    private static readonly string[] TcpStates =
        { "NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2" };

    private const ushort MessageType = Nfnl.NFNL_SUBSYS_CTNETLINK << 8;

    /// <summary>A dump request for one family (AF_UNSPEC: all).</summary>
    internal static void WriteDumpRequest(ref NetlinkWriter writer, uint sequence, byte family)
    {
        writer.BeginNfMessage(MessageType | Ctnl.IPCTNL_MSG_CT_GET, Nl.NLM_F_REQUEST | Nl.NLM_F_DUMP, sequence, family);
        writer.EndMessage();
    }

    /// <summary>A delete request for exactly <paramref name="entry"/> (its original tuple, zone and id).</summary>
    internal static void WriteDeleteRequest(ref NetlinkWriter writer, uint sequence, ConntrackEntry entry)
    {
        writer.BeginNfMessage(MessageType | Ctnl.IPCTNL_MSG_CT_DELETE, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK, sequence, FamilyByte(entry.AddressFamily));
        if (entry.OriginalEncoded.Length > 0)
        {
            writer.PutRaw(entry.OriginalEncoded);
        }
        else
        {
            WriteTuple(ref writer, Ctnl.CTA_TUPLE_ORIG, entry.ProtocolNumber, entry.Original);
        }

        if (entry.Zone != 0)
        {
            writer.PutBe16(Ctnl.CTA_ZONE, entry.Zone);
        }

        if (entry.Id is { } id)
        {
            writer.PutBe32(Ctnl.CTA_ID, id);
        }

        writer.EndMessage();
    }

    /// <summary>Encodes a tuple attribute the way the kernel itself does.</summary>
    internal static void WriteTuple(ref NetlinkWriter writer, ushort type, byte protocol, ConntrackTuple tuple)
    {
        var outer = writer.BeginNested(type);
        var ip = writer.BeginNested(Ctnl.CTA_TUPLE_IP);
        var v6 = tuple.Source.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        Span<byte> address = stackalloc byte[16];
        tuple.Source.TryWriteBytes(address, out var length);
        writer.PutBytes(v6 ? Ctnl.CTA_IP_V6_SRC : Ctnl.CTA_IP_V4_SRC, address[..length]);
        tuple.Destination.TryWriteBytes(address, out length);
        writer.PutBytes(v6 ? Ctnl.CTA_IP_V6_DST : Ctnl.CTA_IP_V4_DST, address[..length]);
        writer.EndNested(ip);
        var proto = writer.BeginNested(Ctnl.CTA_TUPLE_PROTO);
        writer.PutU8(Ctnl.CTA_PROTO_NUM, protocol);
        if (tuple.SourcePort is { } sourcePort)
        {
            writer.PutBe16(Ctnl.CTA_PROTO_SRC_PORT, sourcePort);
        }

        if (tuple.DestinationPort is { } destinationPort)
        {
            writer.PutBe16(Ctnl.CTA_PROTO_DST_PORT, destinationPort);
        }

        if (tuple.IcmpId is { } icmpId)
        {
            writer.PutBe16(v6 ? Ctnl.CTA_PROTO_ICMPV6_ID : Ctnl.CTA_PROTO_ICMP_ID, icmpId);
        }

        if (tuple.IcmpType is { } icmpType)
        {
            writer.PutU8(v6 ? Ctnl.CTA_PROTO_ICMPV6_TYPE : Ctnl.CTA_PROTO_ICMP_TYPE, icmpType);
        }

        if (tuple.IcmpCode is { } icmpCode)
        {
            writer.PutU8(v6 ? Ctnl.CTA_PROTO_ICMPV6_CODE : Ctnl.CTA_PROTO_ICMP_CODE, icmpCode);
        }

        writer.EndNested(proto);
        writer.EndNested(outer);
    }

    /// <summary>Decodes an IPCTNL_MSG_CT_NEW message of a dump or an event (and, when asked, a DELETE event); null for anything that is not a complete entry.</summary>
    internal static ConntrackEntry? Decode(string @namespace, NetlinkMessage message, bool acceptDelete = false)
    {
        var isEntry = message.Type == (MessageType | Ctnl.IPCTNL_MSG_CT_NEW) || (acceptDelete && message.Type == (MessageType | Ctnl.IPCTNL_MSG_CT_DELETE));
        if (!isEntry || message.Payload.Length < Nfnl.GenHeaderLength)
        {
            return null;
        }

        var family = message.NfFamily == Nfnl.NFPROTO_IPV6 ? IpFamily.IPv6 : IpFamily.IPv4;
        ConntrackTuple? original = null, reply = null;
        byte protocol = 0;
        byte[] originalEncoded = Array.Empty<byte>();
        string? state = null;
        uint? timeout = null, id = null;
        uint mark = 0;
        ushort zone = 0;
        foreach (var attribute in message.Attributes)
        {
            switch (attribute.Type)
            {
                case Ctnl.CTA_TUPLE_ORIG:
                    original = DecodeTuple(attribute.Nested, out protocol);
                    originalEncoded = attribute.Whole.ToArray();
                    break;
                case Ctnl.CTA_TUPLE_REPLY:
                    reply = DecodeTuple(attribute.Nested, out _);
                    break;
                case Ctnl.CTA_PROTOINFO:
                    state = DecodeTcpState(attribute.Nested);
                    break;
                case Ctnl.CTA_TIMEOUT:
                    timeout = attribute.Be32;
                    break;
                case Ctnl.CTA_MARK:
                    mark = attribute.Be32;
                    break;
                case Ctnl.CTA_ZONE:
                    zone = attribute.Be16;
                    break;
                case Ctnl.CTA_ID:
                    id = attribute.Be32;
                    break;
            }
        }

        return original is null || reply is null
            ? null
            : new ConntrackEntry(@namespace, family, protocol, original, reply, state, timeout, mark, zone, id, originalEncoded);
    }

    internal static byte FamilyByte(IpFamily family) => family == IpFamily.IPv6 ? Nfnl.NFPROTO_IPV6 : Nfnl.NFPROTO_IPV4;

    private static ConntrackTuple? DecodeTuple(NetlinkAttributeReader attributes, out byte protocol)
    {
        protocol = 0;
        IPAddress? source = null, destination = null;
        ushort? sourcePort = null, destinationPort = null, icmpId = null;
        byte? icmpType = null, icmpCode = null;
        foreach (var attribute in attributes)
        {
            if (attribute.Type == Ctnl.CTA_TUPLE_IP)
            {
                foreach (var ip in attribute.Nested)
                {
                    switch (ip.Type)
                    {
                        case Ctnl.CTA_IP_V4_SRC when ip.Value.Length == 4:
                        case Ctnl.CTA_IP_V6_SRC when ip.Value.Length == 16:
                            source = new IPAddress(ip.Value);
                            break;
                        case Ctnl.CTA_IP_V4_DST when ip.Value.Length == 4:
                        case Ctnl.CTA_IP_V6_DST when ip.Value.Length == 16:
                            destination = new IPAddress(ip.Value);
                            break;
                    }
                }
            }
            else if (attribute.Type == Ctnl.CTA_TUPLE_PROTO)
            {
                foreach (var proto in attribute.Nested)
                {
                    switch (proto.Type)
                    {
                        case Ctnl.CTA_PROTO_NUM: protocol = proto.U8; break;
                        case Ctnl.CTA_PROTO_SRC_PORT: sourcePort = proto.Be16; break;
                        case Ctnl.CTA_PROTO_DST_PORT: destinationPort = proto.Be16; break;
                        case Ctnl.CTA_PROTO_ICMP_ID or Ctnl.CTA_PROTO_ICMPV6_ID: icmpId = proto.Be16; break;
                        case Ctnl.CTA_PROTO_ICMP_TYPE or Ctnl.CTA_PROTO_ICMPV6_TYPE: icmpType = proto.U8; break;
                        case Ctnl.CTA_PROTO_ICMP_CODE or Ctnl.CTA_PROTO_ICMPV6_CODE: icmpCode = proto.U8; break;
                    }
                }
            }
        }

        return source is null || destination is null
            ? null
            : new ConntrackTuple(source, destination, sourcePort, destinationPort, icmpId, icmpType, icmpCode);
    }

    private static string? DecodeTcpState(NetlinkAttributeReader attributes)
    {
        foreach (var info in attributes)
        {
            if (info.Type != Ctnl.CTA_PROTOINFO_TCP)
            {
                continue;
            }

            foreach (var tcp in info.Nested)
            {
                if (tcp.Type == Ctnl.CTA_PROTOINFO_TCP_STATE)
                {
                    return tcp.U8 < TcpStates.Length ? TcpStates[tcp.U8] : tcp.U8.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }

        return null;
    }
}
