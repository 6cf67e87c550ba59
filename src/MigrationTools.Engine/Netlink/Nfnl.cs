namespace MigrationTools.Engine.Netlink;

/// <summary>nfnetlink framing (linux/netfilter/nfnetlink.h), by their C names.</summary>
internal static class Nfnl
{
    internal const byte NFNL_SUBSYS_CTNETLINK = 1;
    internal const byte NFNL_SUBSYS_NFTABLES = 10;
    internal const ushort NFNL_MSG_BATCH_BEGIN = 0x10;
    internal const ushort NFNL_MSG_BATCH_END = 0x11;

    internal const byte NFPROTO_UNSPEC = 0;
    internal const byte NFPROTO_INET = 1;
    internal const byte NFPROTO_IPV4 = 2;
    internal const byte NFPROTO_IPV6 = 10;

    internal const int NFNLGRP_CONNTRACK_NEW = 1;
    internal const int NFNLGRP_CONNTRACK_DESTROY = 3;

    /// <summary>sizeof(struct nfgenmsg).</summary>
    internal const int GenHeaderLength = 4;
}
