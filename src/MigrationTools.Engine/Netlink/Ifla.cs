namespace MigrationTools.Engine.Netlink;

/// <summary>Link attributes (linux/if_link.h, linux/veth.h, linux/if_tunnel.h), by their C names.</summary>
internal static class Ifla
{
    internal const ushort IFLA_ADDRESS = 1;
    internal const ushort IFLA_IFNAME = 3;
    internal const ushort IFLA_MTU = 4;
    internal const ushort IFLA_LINK = 5;
    internal const ushort IFLA_MASTER = 10;
    internal const ushort IFLA_OPERSTATE = 16;
    internal const ushort IFLA_LINKINFO = 18;
    internal const ushort IFLA_NET_NS_FD = 28;
    internal const ushort IFLA_EXT_MASK = 29;
    internal const ushort IFLA_LINK_NETNSID = 37;

    internal const ushort IFLA_INFO_KIND = 1;
    internal const ushort IFLA_INFO_DATA = 2;

    internal const ushort VETH_INFO_PEER = 1;

    internal const ushort IFLA_BR_FORWARD_DELAY = 1;
    internal const ushort IFLA_BR_STP_STATE = 5;

    internal const ushort IFLA_IPTUN_LINK = 1;
    internal const ushort IFLA_IPTUN_LOCAL = 2;
    internal const ushort IFLA_IPTUN_REMOTE = 3;
    internal const ushort IFLA_IPTUN_TTL = 4;
    internal const ushort IFLA_IPTUN_TOS = 5;
    internal const ushort IFLA_IPTUN_PROTO = 9;
    internal const ushort IFLA_IPTUN_PMTUDISC = 10;
    internal const ushort IFLA_IPTUN_ENCAP_TYPE = 15;
    internal const ushort IFLA_IPTUN_ENCAP_FLAGS = 16;
    internal const ushort IFLA_IPTUN_ENCAP_SPORT = 17;
    internal const ushort IFLA_IPTUN_ENCAP_DPORT = 18;
    internal const ushort IFLA_IPTUN_FWMARK = 20;

    internal const uint RTEXT_FILTER_VF = 1;

    internal const uint IFF_UP = 0x1;
    internal const uint IFF_BROADCAST = 0x2;
    internal const uint IFF_LOOPBACK = 0x8;
    internal const uint IFF_POINTOPOINT = 0x10;
    internal const uint IFF_NOARP = 0x80;
    internal const uint IFF_PROMISC = 0x100;
    internal const uint IFF_MULTICAST = 0x1000;
    internal const uint IFF_LOWER_UP = 0x10000;
    internal const uint IFF_DORMANT = 0x20000;

    internal const ushort ARPHRD_ETHER = 1;
    internal const ushort ARPHRD_TUNNEL = 768;
    internal const ushort ARPHRD_LOOPBACK = 772;
    internal const ushort ARPHRD_NONE = 0xfffe;
}
