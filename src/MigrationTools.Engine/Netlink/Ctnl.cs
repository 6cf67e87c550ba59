namespace MigrationTools.Engine.Netlink;

/// <summary>ctnetlink message types and attributes (linux/netfilter/nfnetlink_conntrack.h), by their C names.</summary>
internal static class Ctnl
{
    internal const ushort IPCTNL_MSG_CT_NEW = 0;
    internal const ushort IPCTNL_MSG_CT_GET = 1;
    internal const ushort IPCTNL_MSG_CT_DELETE = 2;

    internal const ushort CTA_TUPLE_ORIG = 1;
    internal const ushort CTA_TUPLE_REPLY = 2;
    internal const ushort CTA_STATUS = 3;
    internal const ushort CTA_PROTOINFO = 4;
    internal const ushort CTA_TIMEOUT = 7;
    internal const ushort CTA_MARK = 8;
    internal const ushort CTA_USE = 11;
    internal const ushort CTA_ID = 12;
    internal const ushort CTA_ZONE = 18;

    internal const ushort CTA_TUPLE_IP = 1;
    internal const ushort CTA_TUPLE_PROTO = 2;
    internal const ushort CTA_TUPLE_ZONE = 3;

    internal const ushort CTA_IP_V4_SRC = 1;
    internal const ushort CTA_IP_V4_DST = 2;
    internal const ushort CTA_IP_V6_SRC = 3;
    internal const ushort CTA_IP_V6_DST = 4;

    internal const ushort CTA_PROTO_NUM = 1;
    internal const ushort CTA_PROTO_SRC_PORT = 2;
    internal const ushort CTA_PROTO_DST_PORT = 3;
    internal const ushort CTA_PROTO_ICMP_ID = 4;
    internal const ushort CTA_PROTO_ICMP_TYPE = 5;
    internal const ushort CTA_PROTO_ICMP_CODE = 6;
    internal const ushort CTA_PROTO_ICMPV6_ID = 7;
    internal const ushort CTA_PROTO_ICMPV6_TYPE = 8;
    internal const ushort CTA_PROTO_ICMPV6_CODE = 9;

    internal const ushort CTA_PROTOINFO_TCP = 1;
    internal const ushort CTA_PROTOINFO_TCP_STATE = 1;
}
