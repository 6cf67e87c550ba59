namespace MigrationTools.Engine.Netlink;

/// <summary>rtnetlink message types, route attributes and values (linux/rtnetlink.h), by their C names.</summary>
internal static class Rtnl
{
    internal const ushort RTM_NEWLINK = 16;
    internal const ushort RTM_DELLINK = 17;
    internal const ushort RTM_GETLINK = 18;
    internal const ushort RTM_NEWADDR = 20;
    internal const ushort RTM_DELADDR = 21;
    internal const ushort RTM_GETADDR = 22;
    internal const ushort RTM_NEWROUTE = 24;
    internal const ushort RTM_DELROUTE = 25;
    internal const ushort RTM_GETROUTE = 26;
    internal const ushort RTM_NEWNSID = 88;
    internal const ushort RTM_GETNSID = 90;

    internal const ushort RTA_DST = 1;
    internal const ushort RTA_SRC = 2;
    internal const ushort RTA_IIF = 3;
    internal const ushort RTA_OIF = 4;
    internal const ushort RTA_GATEWAY = 5;
    internal const ushort RTA_PRIORITY = 6;
    internal const ushort RTA_PREFSRC = 7;
    internal const ushort RTA_TABLE = 15;

    internal const byte RT_TABLE_UNSPEC = 0;
    internal const byte RT_TABLE_MAIN = 254;
    internal const byte RT_TABLE_LOCAL = 255;

    internal const byte RTPROT_UNSPEC = 0;
    internal const byte RTPROT_KERNEL = 2;
    internal const byte RTPROT_BOOT = 3;
    internal const byte RTPROT_STATIC = 4;

    internal const byte RT_SCOPE_UNIVERSE = 0;
    internal const byte RT_SCOPE_SITE = 200;
    internal const byte RT_SCOPE_LINK = 253;
    internal const byte RT_SCOPE_HOST = 254;
    internal const byte RT_SCOPE_NOWHERE = 255;

    internal const byte RTN_UNSPEC = 0;
    internal const byte RTN_UNICAST = 1;
    internal const byte RTN_LOCAL = 2;
    internal const byte RTN_BROADCAST = 3;
    internal const byte RTN_ANYCAST = 4;
    internal const byte RTN_MULTICAST = 5;
    internal const byte RTN_BLACKHOLE = 6;
    internal const byte RTN_UNREACHABLE = 7;
    internal const byte RTN_PROHIBIT = 8;

    internal const ushort NETNSA_NSID = 1;
    internal const ushort NETNSA_FD = 3;

    /// <summary>sizeof(struct ifinfomsg).</summary>
    internal const int IfInfoLength = 16;
    /// <summary>sizeof(struct ifaddrmsg).</summary>
    internal const int IfAddrLength = 8;
    /// <summary>sizeof(struct rtmsg).</summary>
    internal const int RtMsgLength = 12;
    /// <summary>sizeof(struct rtgenmsg), padded.</summary>
    internal const int RtGenLength = 4;
}
