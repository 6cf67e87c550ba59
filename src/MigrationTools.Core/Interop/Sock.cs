namespace MigrationTools.Core.Interop;

/// <summary>Socket constants (sys/socket.h, linux/in.h, linux/netlink.h), by their C names.</summary>
internal static class Sock
{
    internal const int AF_INET = 2;
    internal const int AF_INET6 = 10;
    internal const int AF_NETLINK = 16;
    internal const int AF_PACKET = 17;

    internal const int SOCK_DGRAM = 2;
    internal const int SOCK_RAW = 3;
    internal const int SOCK_CLOEXEC = 0x80000;

    internal const int SOL_SOCKET = 1;
    internal const int SOL_PACKET = 263;
    internal const int SOL_NETLINK = 270;

    internal const int SO_SNDBUF = 7;
    internal const int SO_RCVBUF = 8;
    internal const int SO_RCVTIMEO = 20;
    internal const int SO_SNDBUFFORCE = 32;
    internal const int SO_RCVBUFFORCE = 33;
    internal const int SO_ATTACH_BPF = 50;

    /// <summary>AF_PACKET: a virtio-net header (GSO type and size, checksum state) before every packet read.</summary>
    internal const int PACKET_VNET_HDR = 15;
    /// <summary>The IPv4 ethertype, as socket(AF_PACKET) and sockaddr_ll take it (host order; htons it).</summary>
    internal const ushort ETH_P_IP = 0x0800;
    internal const ushort ARPHRD_ETHER = 1;
    internal const ushort ARPHRD_LOOPBACK = 772;

    internal const int IPPROTO_IP = 0;
    internal const int IPPROTO_IPIP = 4;
    internal const int IPPROTO_TCP = 6;
    internal const int IPPROTO_UDP = 17;
    internal const int IPPROTO_RAW = 255;
    internal const int IP_MTU = 14;

    internal const int MSG_TRUNC = 0x20;
    internal const int MSG_DONTWAIT = 0x40;
    internal const int MSG_WAITFORONE = 0x10000;

    internal const int NETLINK_ROUTE = 0;
    internal const int NETLINK_NETFILTER = 12;
    internal const int NETLINK_ADD_MEMBERSHIP = 1;
    internal const int NETLINK_CAP_ACK = 10;
    internal const int NETLINK_EXT_ACK = 11;
    internal const int NETLINK_GET_STRICT_CHK = 12;
}
