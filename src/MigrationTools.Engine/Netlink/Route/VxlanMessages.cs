using System;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace MigrationTools.Engine.Netlink.Route;

/// <summary>
/// VXLAN devices and their forwarding entries, written as iproute2 writes them (<c>ip link add ... type vxlan</c>,
/// <c>bridge fdb append</c>), attribute for attribute, so the tests compare them byte for byte with what ip sends.
/// </summary>
internal static class VxlanMessages
{
    private const ushort IFLA_VXLAN_ID = 1;
    private const ushort IFLA_VXLAN_GROUP = 2;
    private const ushort IFLA_VXLAN_LOCAL = 4;
    private const ushort IFLA_VXLAN_LEARNING = 7;
    private const ushort IFLA_VXLAN_PORT = 15;
    private const ushort IFLA_VXLAN_GROUP6 = 16;
    private const ushort IFLA_VXLAN_LOCAL6 = 17;
    private const ushort RTM_NEWNEIGH = 28;
    private const ushort NDA_DST = 1;
    private const ushort NDA_LLADDR = 2;
    private const byte AF_BRIDGE = 7;
    private const ushort NUD_NOARP = 0x40;
    private const ushort NUD_PERMANENT = 0x80;
    private const byte NTF_SELF = 0x02;
    private const ushort NLM_F_APPEND = 0x800;

    /// <summary>
    /// A VXLAN device, as <c>ip link add NAME [mtu M] [netns NS] type vxlan id VNI local L [remote R] dstport P
    /// [nolearning]</c> writes it: made in the socket's namespace (whose underlay it uses) and, with a namespace file
    /// descriptor (not -1), moved at once into that namespace. Without a remote it learns nothing: its remotes are
    /// all-zeros forwarding entries (head-end replication).
    /// </summary>
    internal static void WriteNewVxlan(ref NetlinkWriter writer, uint sequence, string name, int namespaceFd, int vni, IPAddress local, IPAddress? remote, int port, int? mtu)
    {
        writer.BeginMessage(Rtnl.RTM_NEWLINK, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK | Nl.NLM_F_CREATE | Nl.NLM_F_EXCL, sequence);
        writer.ReserveHeader(Rtnl.IfInfoLength);
        if (mtu is { } m)
        {
            writer.PutU32(Ifla.IFLA_MTU, (uint)m);
        }

        if (namespaceFd >= 0)
        {
            writer.PutU32(Ifla.IFLA_NET_NS_FD, (uint)namespaceFd);
        }

        writer.PutString(Ifla.IFLA_IFNAME, name);
        var linkInfo = writer.BeginNested(Ifla.IFLA_LINKINFO, flagged: false);
        writer.PutText(Ifla.IFLA_INFO_KIND, "vxlan");
        var data = writer.BeginNested(Ifla.IFLA_INFO_DATA, flagged: false);
        writer.PutU32(IFLA_VXLAN_ID, (uint)vni);
        var six = local.AddressFamily == AddressFamily.InterNetworkV6;
        Span<byte> address = stackalloc byte[six ? 16 : 4];
        local.TryWriteBytes(address, out _);
        writer.PutBytes(six ? IFLA_VXLAN_LOCAL6 : IFLA_VXLAN_LOCAL, address);
        if (remote is not null)
        {
            remote.TryWriteBytes(address, out _);
            writer.PutBytes(six ? IFLA_VXLAN_GROUP6 : IFLA_VXLAN_GROUP, address);
        }

        writer.PutU8(IFLA_VXLAN_LEARNING, remote is null ? (byte)0 : (byte)1);
        writer.PutBe16(IFLA_VXLAN_PORT, (ushort)port);
        writer.EndNested(data);
        writer.EndNested(linkInfo);
        writer.EndMessage();
    }

    /// <summary>
    /// An all-zeros forwarding entry to <paramref name="remote"/> on VXLAN device <paramref name="index"/>, as
    /// <c>bridge fdb append 00:00:00:00:00:00 dev VX dst R</c> writes it: broadcast, unknown and multicast frames
    /// are sent to every such remote.
    /// </summary>
    internal static void WriteAppendFlood(ref NetlinkWriter writer, uint sequence, int index, IPAddress remote)
    {
        writer.BeginMessage(RTM_NEWNEIGH, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK | Nl.NLM_F_CREATE | NLM_F_APPEND, sequence);
        var header = writer.ReserveHeader(12);
        header[0] = AF_BRIDGE;
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], index);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], NUD_NOARP | NUD_PERMANENT);
        header[10] = NTF_SELF;
        writer.PutBytes(NDA_LLADDR, stackalloc byte[6]);
        Span<byte> address = stackalloc byte[remote.AddressFamily == AddressFamily.InterNetworkV6 ? 16 : 4];
        remote.TryWriteBytes(address, out _);
        writer.PutBytes(NDA_DST, address);
        writer.EndMessage();
    }
}
