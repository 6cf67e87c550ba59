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

    private const ushort MessageType = Nl.SubsysCtnetlink << 8;

    /// <summary>A dump request for one family (AF_UNSPEC: all).</summary>
    internal static void WriteDumpRequest(ref NetlinkWriter writer, uint sequence, byte family)
    {
        writer.BeginMessage(MessageType | Ct.MsgGet, Nl.FRequest | Nl.FDump, sequence, family);
        writer.EndMessage();
    }

    /// <summary>A delete request for exactly <paramref name="entry"/> (its original tuple, zone and id).</summary>
    internal static void WriteDeleteRequest(ref NetlinkWriter writer, uint sequence, ConntrackEntry entry)
    {
        writer.BeginMessage(MessageType | Ct.MsgDelete, Nl.FRequest | Nl.FAck, sequence, FamilyByte(entry.AddressFamily));
        if (entry.OriginalEncoded.Length > 0)
        {
            writer.PutRaw(entry.OriginalEncoded);
        }
        else
        {
            WriteTuple(ref writer, Ct.TupleOrig, entry.ProtocolNumber, entry.Original);
        }

        if (entry.Zone != 0)
        {
            writer.PutBe16(Ct.Zone, entry.Zone);
        }

        if (entry.Id is { } id)
        {
            writer.PutBe32(Ct.Id, id);
        }

        writer.EndMessage();
    }

    /// <summary>Encodes a tuple attribute the way the kernel itself does.</summary>
    internal static void WriteTuple(ref NetlinkWriter writer, ushort type, byte protocol, ConntrackTuple tuple)
    {
        var outer = writer.BeginNested(type);
        var ip = writer.BeginNested(Ct.TupleIp);
        var v6 = tuple.Source.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        Span<byte> address = stackalloc byte[16];
        tuple.Source.TryWriteBytes(address, out var length);
        writer.PutBytes(v6 ? Ct.IpV6Src : Ct.IpV4Src, address[..length]);
        tuple.Destination.TryWriteBytes(address, out length);
        writer.PutBytes(v6 ? Ct.IpV6Dst : Ct.IpV4Dst, address[..length]);
        writer.EndNested(ip);
        var proto = writer.BeginNested(Ct.TupleProto);
        writer.PutU8(Ct.ProtoNum, protocol);
        if (tuple.SourcePort is { } sourcePort)
        {
            writer.PutBe16(Ct.ProtoSrcPort, sourcePort);
        }

        if (tuple.DestinationPort is { } destinationPort)
        {
            writer.PutBe16(Ct.ProtoDstPort, destinationPort);
        }

        if (tuple.IcmpId is { } icmpId)
        {
            writer.PutBe16(v6 ? Ct.ProtoIcmpv6Id : Ct.ProtoIcmpId, icmpId);
        }

        if (tuple.IcmpType is { } icmpType)
        {
            writer.PutU8(v6 ? Ct.ProtoIcmpv6Type : Ct.ProtoIcmpType, icmpType);
        }

        if (tuple.IcmpCode is { } icmpCode)
        {
            writer.PutU8(v6 ? Ct.ProtoIcmpv6Code : Ct.ProtoIcmpCode, icmpCode);
        }

        writer.EndNested(proto);
        writer.EndNested(outer);
    }

    /// <summary>Decodes an IPCTNL_MSG_CT_NEW message of a dump or an event (and, when asked, a DELETE event); null for anything that is not a complete entry.</summary>
    internal static ConntrackEntry? Decode(string @namespace, NetlinkMessage message, bool acceptDelete = false)
    {
        var isEntry = message.Type == (MessageType | Ct.MsgNew) || (acceptDelete && message.Type == (MessageType | Ct.MsgDelete));
        if (!isEntry || message.Payload.Length < Nl.NfGenLength)
        {
            return null;
        }

        var family = message.NfFamily == Nl.AfInet6 ? IpFamily.IPv6 : IpFamily.IPv4;
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
                case Ct.TupleOrig:
                    original = DecodeTuple(attribute.Nested, out protocol);
                    originalEncoded = attribute.Whole.ToArray();
                    break;
                case Ct.TupleReply:
                    reply = DecodeTuple(attribute.Nested, out _);
                    break;
                case Ct.ProtoInfo:
                    state = DecodeTcpState(attribute.Nested);
                    break;
                case Ct.Timeout:
                    timeout = attribute.Be32;
                    break;
                case Ct.Mark:
                    mark = attribute.Be32;
                    break;
                case Ct.Zone:
                    zone = attribute.Be16;
                    break;
                case Ct.Id:
                    id = attribute.Be32;
                    break;
            }
        }

        return original is null || reply is null
            ? null
            : new ConntrackEntry(@namespace, family, protocol, original, reply, state, timeout, mark, zone, id, originalEncoded);
    }

    internal static byte FamilyByte(IpFamily family) => family == IpFamily.IPv6 ? Nl.AfInet6 : Nl.AfInet;

    private static ConntrackTuple? DecodeTuple(AttributeReader attributes, out byte protocol)
    {
        protocol = 0;
        IPAddress? source = null, destination = null;
        ushort? sourcePort = null, destinationPort = null, icmpId = null;
        byte? icmpType = null, icmpCode = null;
        foreach (var attribute in attributes)
        {
            if (attribute.Type == Ct.TupleIp)
            {
                foreach (var ip in attribute.Nested)
                {
                    switch (ip.Type)
                    {
                        case Ct.IpV4Src when ip.Value.Length == 4:
                        case Ct.IpV6Src when ip.Value.Length == 16:
                            source = new IPAddress(ip.Value);
                            break;
                        case Ct.IpV4Dst when ip.Value.Length == 4:
                        case Ct.IpV6Dst when ip.Value.Length == 16:
                            destination = new IPAddress(ip.Value);
                            break;
                    }
                }
            }
            else if (attribute.Type == Ct.TupleProto)
            {
                foreach (var proto in attribute.Nested)
                {
                    switch (proto.Type)
                    {
                        case Ct.ProtoNum: protocol = proto.U8; break;
                        case Ct.ProtoSrcPort: sourcePort = proto.Be16; break;
                        case Ct.ProtoDstPort: destinationPort = proto.Be16; break;
                        case Ct.ProtoIcmpId or Ct.ProtoIcmpv6Id: icmpId = proto.Be16; break;
                        case Ct.ProtoIcmpType or Ct.ProtoIcmpv6Type: icmpType = proto.U8; break;
                        case Ct.ProtoIcmpCode or Ct.ProtoIcmpv6Code: icmpCode = proto.U8; break;
                    }
                }
            }
        }

        return source is null || destination is null
            ? null
            : new ConntrackTuple(source, destination, sourcePort, destinationPort, icmpId, icmpType, icmpCode);
    }

    private static string? DecodeTcpState(AttributeReader attributes)
    {
        foreach (var info in attributes)
        {
            if (info.Type != Ct.ProtoInfoTcp)
            {
                continue;
            }

            foreach (var tcp in info.Nested)
            {
                if (tcp.Type == Ct.ProtoInfoTcpState)
                {
                    return tcp.U8 < TcpStates.Length ? TcpStates[tcp.U8] : tcp.U8.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }

        return null;
    }
}
