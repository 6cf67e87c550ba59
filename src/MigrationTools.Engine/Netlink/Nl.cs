namespace MigrationTools.Engine.Netlink;

/// <summary>Netlink message and attribute framing (linux/netlink.h), by their C names.</summary>
internal static class Nl
{
    internal const ushort NLMSG_NOOP = 1;
    internal const ushort NLMSG_ERROR = 2;
    internal const ushort NLMSG_DONE = 3;
    internal const ushort NLMSG_OVERRUN = 4;

    internal const ushort NLM_F_REQUEST = 0x01;
    internal const ushort NLM_F_MULTI = 0x02;
    internal const ushort NLM_F_ACK = 0x04;
    internal const ushort NLM_F_ROOT = 0x100;
    internal const ushort NLM_F_MATCH = 0x200;
    internal const ushort NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;
    internal const ushort NLM_F_REPLACE = 0x100;
    internal const ushort NLM_F_EXCL = 0x200;
    internal const ushort NLM_F_CREATE = 0x400;
    /// <summary>On an NLMSG_ERROR: the request is not echoed (NETLINK_CAP_ACK).</summary>
    internal const ushort NLM_F_CAPPED = 0x100;
    /// <summary>On an NLMSG_ERROR: extended ack attributes follow.</summary>
    internal const ushort NLM_F_ACK_TLVS = 0x200;

    internal const ushort NLA_F_NESTED = 0x8000;
    internal const ushort NLA_F_NET_BYTEORDER = 0x4000;
    internal const ushort NLA_TYPE_MASK = 0x3fff;

    /// <summary>Extended ack: the kernel's message (NLMSGERR_ATTR_MSG).</summary>
    internal const ushort NLMSGERR_ATTR_MSG = 1;

    /// <summary>sizeof(struct nlmsghdr).</summary>
    internal const int HeaderLength = 16;
}
