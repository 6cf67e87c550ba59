using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Net;

namespace MigrationTools.Engine.Netlink.Route;

/// <summary>
/// RTM_NEWLINK, RTM_DELLINK and RTM_GETLINK requests, written as iproute2 writes them (attribute for attribute, so
/// the tests compare them byte for byte with what <c>ip</c> sends), and the decoder of the kernel's link messages.
/// </summary>
internal static class LinkMessages
{
    private const ushort CreateFlags = Nl.NLM_F_REQUEST | Nl.NLM_F_ACK | Nl.NLM_F_CREATE | Nl.NLM_F_EXCL;

    /// <summary>
    /// A veth pair created in one request: this end named <paramref name="name"/> in the socket's namespace, the peer
    /// named <paramref name="peerName"/> moved at once into the namespace open as <paramref name="peerNamespaceFd"/>
    /// (-1: the same namespace), as <c>ip link add NAME mtu M type veth peer name PEER netns NS mtu M</c>.
    /// </summary>
    internal static void WriteNewVeth(ref NetlinkWriter writer, uint sequence, string name, string peerName, int peerNamespaceFd, int? mtu)
    {
        writer.BeginMessage(Rtnl.RTM_NEWLINK, CreateFlags, sequence);
        writer.ReserveHeader(Rtnl.IfInfoLength);
        if (mtu is { } m)
        {
            writer.PutU32(Ifla.IFLA_MTU, (uint)m);
        }

        writer.PutString(Ifla.IFLA_IFNAME, name);
        var linkInfo = writer.BeginNested(Ifla.IFLA_LINKINFO, flagged: false);
        writer.PutText(Ifla.IFLA_INFO_KIND, "veth");
        var data = writer.BeginNested(Ifla.IFLA_INFO_DATA, flagged: false);
        var peer = writer.BeginNested(Ifla.VETH_INFO_PEER, flagged: false);
        writer.ReserveHeader(Rtnl.IfInfoLength);
        if (peerNamespaceFd >= 0)
        {
            writer.PutU32(Ifla.IFLA_NET_NS_FD, (uint)peerNamespaceFd);
        }

        if (mtu is { } pm)
        {
            writer.PutU32(Ifla.IFLA_MTU, (uint)pm);
        }

        writer.PutString(Ifla.IFLA_IFNAME, peerName);
        writer.EndNested(peer);
        writer.EndNested(data);
        writer.EndNested(linkInfo);
        writer.EndMessage();
    }

    /// <summary>
    /// A kernel ipip device, as <c>ip link add NAME type ipip local L remote R ttl T tos S</c> writes it (TTL 0 and TOS 0
    /// mean inherit; path MTU discovery is on unless the TTL is inherited, as the kernel requires).
    /// </summary>
    internal static void WriteNewIpip(ref NetlinkWriter writer, uint sequence, string name, IPAddress local, IPAddress remote, byte ttl, byte tos, bool change = false)
    {
        writer.BeginMessage(Rtnl.RTM_NEWLINK, change ? (ushort)(Nl.NLM_F_REQUEST | Nl.NLM_F_ACK) : CreateFlags, sequence);
        writer.ReserveHeader(Rtnl.IfInfoLength);
        writer.PutString(Ifla.IFLA_IFNAME, name);
        var linkInfo = writer.BeginNested(Ifla.IFLA_LINKINFO, flagged: false);
        writer.PutText(Ifla.IFLA_INFO_KIND, "ipip");
        var data = writer.BeginNested(Ifla.IFLA_INFO_DATA, flagged: false);
        Span<byte> address = stackalloc byte[4];
        writer.PutU8(Ifla.IFLA_IPTUN_PROTO, 0);
        local.TryWriteBytes(address, out _);
        writer.PutBytes(Ifla.IFLA_IPTUN_LOCAL, address);
        remote.TryWriteBytes(address, out _);
        writer.PutBytes(Ifla.IFLA_IPTUN_REMOTE, address);
        writer.PutU8(Ifla.IFLA_IPTUN_PMTUDISC, ttl == 0 ? (byte)0 : (byte)1);
        writer.PutU8(Ifla.IFLA_IPTUN_TOS, tos);
        writer.PutU8(Ifla.IFLA_IPTUN_TTL, ttl);
        writer.PutU32(Ifla.IFLA_IPTUN_LINK, 0);
        writer.PutU32(Ifla.IFLA_IPTUN_FWMARK, 0);
        writer.PutBytes(Ifla.IFLA_IPTUN_ENCAP_TYPE, stackalloc byte[2]);
        writer.PutBytes(Ifla.IFLA_IPTUN_ENCAP_FLAGS, stackalloc byte[2]);
        writer.PutBytes(Ifla.IFLA_IPTUN_ENCAP_SPORT, stackalloc byte[2]);
        writer.PutBytes(Ifla.IFLA_IPTUN_ENCAP_DPORT, stackalloc byte[2]);
        writer.EndNested(data);
        writer.EndNested(linkInfo);
        writer.EndMessage();
    }

    /// <summary>
    /// A bridge that forwards as soon as it exists, as <c>ip link add name NAME [mtu M] type bridge stp_state 0
    /// forward_delay 0</c> writes it: spanning tree off, no listening and learning delay before a port forwards.
    /// </summary>
    internal static void WriteNewBridge(ref NetlinkWriter writer, uint sequence, string name, int? mtu)
    {
        writer.BeginMessage(Rtnl.RTM_NEWLINK, CreateFlags, sequence);
        writer.ReserveHeader(Rtnl.IfInfoLength);
        if (mtu is { } m)
        {
            writer.PutU32(Ifla.IFLA_MTU, (uint)m);
        }

        writer.PutString(Ifla.IFLA_IFNAME, name);
        var linkInfo = writer.BeginNested(Ifla.IFLA_LINKINFO, flagged: false);
        writer.PutText(Ifla.IFLA_INFO_KIND, "bridge");
        var data = writer.BeginNested(Ifla.IFLA_INFO_DATA, flagged: false);
        writer.PutU32(Ifla.IFLA_BR_STP_STATE, 0);
        writer.PutU32(Ifla.IFLA_BR_FORWARD_DELAY, 0);
        writer.EndNested(data);
        writer.EndNested(linkInfo);
        writer.EndMessage();
    }

    /// <summary>Makes link <paramref name="index"/> a port of <paramref name="masterIndex"/> (<c>ip link set dev X master BR</c>).</summary>
    internal static void WriteSetMaster(ref NetlinkWriter writer, uint sequence, int index, int masterIndex)
    {
        writer.BeginMessage(Rtnl.RTM_NEWLINK, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK, sequence);
        var header = writer.ReserveHeader(Rtnl.IfInfoLength);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], index);
        writer.PutU32(Ifla.IFLA_MASTER, (uint)masterIndex);
        writer.EndMessage();
    }

    /// <summary>
    /// Changes a link (<c>ip link set dev X [mtu M] [up|down]</c>, and a new name): flags only when
    /// <paramref name="up"/> is given, attributes only for what changes.
    /// </summary>
    internal static void WriteSetLink(ref NetlinkWriter writer, uint sequence, int index, bool? up, int? mtu, string? newName = null)
    {
        writer.BeginMessage(Rtnl.RTM_NEWLINK, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK, sequence);
        var header = writer.ReserveHeader(Rtnl.IfInfoLength);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], index);
        if (up is { } u)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(header[8..], u ? Ifla.IFF_UP : 0);
            BinaryPrimitives.WriteUInt32LittleEndian(header[12..], Ifla.IFF_UP);
        }

        if (newName is not null)
        {
            writer.PutString(Ifla.IFLA_IFNAME, newName);
        }

        if (mtu is { } m)
        {
            writer.PutU32(Ifla.IFLA_MTU, (uint)m);
        }

        writer.EndMessage();
    }

    /// <summary>Changes the link named <paramref name="name"/> (index 0: the kernel looks the name up; no dump needed).</summary>
    internal static void WriteSetLinkByName(ref NetlinkWriter writer, uint sequence, string name, bool? up, int? mtu)
    {
        writer.BeginMessage(Rtnl.RTM_NEWLINK, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK, sequence);
        var header = writer.ReserveHeader(Rtnl.IfInfoLength);
        if (up is { } u)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(header[8..], u ? Ifla.IFF_UP : 0);
            BinaryPrimitives.WriteUInt32LittleEndian(header[12..], Ifla.IFF_UP);
        }

        if (mtu is { } m)
        {
            writer.PutU32(Ifla.IFLA_MTU, (uint)m);
        }

        writer.PutString(Ifla.IFLA_IFNAME, name);
        writer.EndMessage();
    }

    /// <summary>Deletes the link named <paramref name="name"/> (index 0: the kernel looks the name up).</summary>
    internal static void WriteDelLinkByName(ref NetlinkWriter writer, uint sequence, string name)
    {
        writer.BeginMessage(Rtnl.RTM_DELLINK, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK, sequence);
        writer.ReserveHeader(Rtnl.IfInfoLength);
        writer.PutString(Ifla.IFLA_IFNAME, name);
        writer.EndMessage();
    }

    /// <summary>Deletes a link by index (<c>ip link del dev X</c>).</summary>
    internal static void WriteDelLink(ref NetlinkWriter writer, uint sequence, int index)
    {
        writer.BeginMessage(Rtnl.RTM_DELLINK, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK, sequence);
        var header = writer.ReserveHeader(Rtnl.IfInfoLength);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], index);
        writer.EndMessage();
    }

    /// <summary>A dump of every link of the namespace.</summary>
    internal static void WriteGetLinks(ref NetlinkWriter writer, uint sequence)
    {
        writer.BeginMessage(Rtnl.RTM_GETLINK, Nl.NLM_F_REQUEST | Nl.NLM_F_DUMP, sequence);
        writer.ReserveHeader(Rtnl.IfInfoLength);
        writer.PutU32(Ifla.IFLA_EXT_MASK, Ifla.RTEXT_FILTER_VF);
        writer.EndMessage();
    }

    /// <summary>A request for one link by name (not a dump): the kernel answers with its RTM_NEWLINK, or ENODEV.</summary>
    internal static void WriteGetLink(ref NetlinkWriter writer, uint sequence, string name)
    {
        writer.BeginMessage(Rtnl.RTM_GETLINK, Nl.NLM_F_REQUEST, sequence);
        writer.ReserveHeader(Rtnl.IfInfoLength);
        writer.PutU32(Ifla.IFLA_EXT_MASK, Ifla.RTEXT_FILTER_VF);
        writer.PutString(Ifla.IFLA_IFNAME, name);
        writer.EndMessage();
    }

    /// <summary>A request for one link by index (not a dump).</summary>
    internal static void WriteGetLink(ref NetlinkWriter writer, uint sequence, int index)
    {
        writer.BeginMessage(Rtnl.RTM_GETLINK, Nl.NLM_F_REQUEST, sequence);
        var header = writer.ReserveHeader(Rtnl.IfInfoLength);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], index);
        writer.PutU32(Ifla.IFLA_EXT_MASK, Ifla.RTEXT_FILTER_VF);
        writer.EndMessage();
    }

    /// <summary>Decodes an RTM_NEWLINK message; null for other messages or when it is cut short.</summary>
    internal static LinkRecord? Decode(NetlinkMessage message)
    {
        if (message.Type != Rtnl.RTM_NEWLINK || message.Payload.Length < Rtnl.IfInfoLength)
        {
            return null;
        }

        var header = message.Payload;
        var deviceType = BinaryPrimitives.ReadUInt16LittleEndian(header[2..]);
        var index = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
        var flags = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        string? name = null, kind = null, mac = null;
        var mtu = 0;
        byte operState = 0;
        int? peerIndex = null, peerNsId = null, master = null;
        IpipLinkData? ipip = null;
        foreach (var attribute in message.AttributesAfter(Rtnl.IfInfoLength))
        {
            switch (attribute.Type)
            {
                case Ifla.IFLA_IFNAME:
                    name = attribute.String;
                    break;
                case Ifla.IFLA_MTU:
                    mtu = (int)attribute.U32;
                    break;
                case Ifla.IFLA_OPERSTATE:
                    operState = attribute.U8;
                    break;
                case Ifla.IFLA_ADDRESS when attribute.Value.Length > 0:
                    mac = FormatHardwareAddress(attribute.Value);
                    break;
                case Ifla.IFLA_LINK:
                    peerIndex = attribute.S32;
                    break;
                case Ifla.IFLA_LINK_NETNSID:
                    peerNsId = attribute.S32;
                    break;
                case Ifla.IFLA_MASTER:
                    master = attribute.S32;
                    break;
                case Ifla.IFLA_LINKINFO:
                    (kind, ipip) = DecodeLinkInfo(attribute.Nested);
                    break;
            }
        }

        if (name is null)
        {
            return null;
        }

        kind ??= deviceType switch
        {
            Ifla.ARPHRD_LOOPBACK => "loopback",
            Ifla.ARPHRD_ETHER => "ether",
            Ifla.ARPHRD_NONE => "none",
            _ => deviceType.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        return new LinkRecord(index, name, kind, deviceType, flags, OperationalStateName(operState), mtu, mac, peerIndex, peerNsId, ipip)
        {
            MasterIndex = master,
        };
    }

    private static (string? Kind, IpipLinkData? Ipip) DecodeLinkInfo(NetlinkAttributeReader attributes)
    {
        string? kind = null;
        IpipLinkData? ipip = null;
        foreach (var info in attributes)
        {
            if (info.Type == Ifla.IFLA_INFO_KIND)
            {
                kind = info.String;
            }
            else if (info.Type == Ifla.IFLA_INFO_DATA && kind == "ipip")
            {
                IPAddress? local = null, remote = null;
                byte ttl = 0, tos = 0;
                foreach (var data in info.Nested)
                {
                    switch (data.Type)
                    {
                        case Ifla.IFLA_IPTUN_LOCAL when data.Value.Length == 4: local = new IPAddress(data.Value); break;
                        case Ifla.IFLA_IPTUN_REMOTE when data.Value.Length == 4: remote = new IPAddress(data.Value); break;
                        case Ifla.IFLA_IPTUN_TTL: ttl = data.U8; break;
                        case Ifla.IFLA_IPTUN_TOS: tos = data.U8; break;
                    }
                }

                ipip = new IpipLinkData(local, remote, ttl, tos);
            }
        }

        return (kind, ipip);
    }

    /// <summary>RFC 2863 operational states as iproute2 names them.</summary>
    internal static string OperationalStateName(byte state) => state switch
    {
        1 => "NOTPRESENT",
        2 => "DOWN",
        3 => "LOWERLAYERDOWN",
        4 => "TESTING",
        5 => "DORMANT",
        6 => "UP",
        _ => "UNKNOWN",
    };

    private static readonly (uint Flag, string Name)[] FlagTable =
    {
        (Ifla.IFF_LOOPBACK, "LOOPBACK"), (Ifla.IFF_BROADCAST, "BROADCAST"), (Ifla.IFF_POINTOPOINT, "POINTOPOINT"),
        (Ifla.IFF_MULTICAST, "MULTICAST"), (Ifla.IFF_NOARP, "NOARP"), (Ifla.IFF_PROMISC, "PROMISC"),
        (Ifla.IFF_UP, "UP"), (Ifla.IFF_LOWER_UP, "LOWER_UP"), (Ifla.IFF_DORMANT, "DORMANT"),
    };

    /// <summary>The names of the set flags, in the order iproute2 prints them.</summary>
    internal static IReadOnlyList<string> FlagNames(uint flags)
    {
        var names = new List<string>();
        foreach (var (flag, name) in FlagTable)
        {
            if ((flags & flag) != 0)
            {
                names.Add(name);
            }
        }

        return names;
    }

    private static string FormatHardwareAddress(ReadOnlySpan<byte> bytes)
    {
        var hex = Convert.ToHexString(bytes).ToLowerInvariant();
        return string.Create((bytes.Length * 3) - 1, hex, static (span, source) =>
        {
            for (var i = 0; i < source.Length / 2; i++)
            {
                if (i > 0)
                {
                    span[(i * 3) - 1] = ':';
                }

                span[i * 3] = source[i * 2];
                span[(i * 3) + 1] = source[(i * 2) + 1];
            }
        });
    }
}
