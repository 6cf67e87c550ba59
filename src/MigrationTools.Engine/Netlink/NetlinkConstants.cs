namespace MigrationTools.Engine.Netlink;

/// <summary>Netlink, nfnetlink, ctnetlink and nf_tables numbers (linux/netlink.h, linux/netfilter/*.h).</summary>
internal static class Nl
{
    internal const int AfNetlink = 16;
    internal const int NetlinkNetfilter = 12;

    internal const ushort MsgError = 2;
    internal const ushort MsgDone = 3;

    internal const ushort FRequest = 0x01;
    internal const ushort FMulti = 0x02;
    internal const ushort FAck = 0x04;
    internal const ushort FRoot = 0x100;
    internal const ushort FMatch = 0x200;
    internal const ushort FDump = FRoot | FMatch;
    internal const ushort FExcl = 0x200;
    internal const ushort FCreate = 0x400;

    internal const ushort AttrNested = 0x8000;
    internal const ushort AttrNetByteOrder = 0x4000;
    internal const ushort AttrTypeMask = 0x3fff;

    internal const int HeaderLength = 16;
    internal const int NfGenLength = 4;

    internal const byte SubsysCtnetlink = 1;
    internal const byte SubsysNftables = 10;
    internal const ushort BatchBegin = 0x10;
    internal const ushort BatchEnd = 0x11;

    internal const byte AfInet = 2;
    internal const byte AfInet6 = 10;
    internal const byte NfProtoInet = 1;
}

/// <summary>ctnetlink message types and attributes (linux/netfilter/nfnetlink_conntrack.h).</summary>
internal static class Ct
{
    internal const ushort MsgNew = 0;
    internal const ushort MsgGet = 1;
    internal const ushort MsgDelete = 2;

    internal const ushort TupleOrig = 1;
    internal const ushort TupleReply = 2;
    internal const ushort Status = 3;
    internal const ushort ProtoInfo = 4;
    internal const ushort Timeout = 7;
    internal const ushort Mark = 8;
    internal const ushort Use = 11;
    internal const ushort Id = 12;
    internal const ushort Zone = 18;

    internal const ushort TupleIp = 1;
    internal const ushort TupleProto = 2;
    internal const ushort TupleZone = 3;

    internal const ushort IpV4Src = 1;
    internal const ushort IpV4Dst = 2;
    internal const ushort IpV6Src = 3;
    internal const ushort IpV6Dst = 4;

    internal const ushort ProtoNum = 1;
    internal const ushort ProtoSrcPort = 2;
    internal const ushort ProtoDstPort = 3;
    internal const ushort ProtoIcmpId = 4;
    internal const ushort ProtoIcmpType = 5;
    internal const ushort ProtoIcmpCode = 6;
    internal const ushort ProtoIcmpv6Id = 7;
    internal const ushort ProtoIcmpv6Type = 8;
    internal const ushort ProtoIcmpv6Code = 9;

    internal const ushort ProtoInfoTcp = 1;
    internal const ushort ProtoInfoTcpState = 1;
}

/// <summary>nf_tables message types and attributes (linux/netfilter/nf_tables.h).</summary>
internal static class Nft
{
    internal const ushort MsgNewSetElem = 12;
    internal const ushort MsgGetSetElem = 13;
    internal const ushort MsgDelSetElem = 14;

    internal const ushort SetElemListTable = 1;
    internal const ushort SetElemListSet = 2;
    internal const ushort SetElemListElements = 3;
    internal const ushort ListElem = 1;
    internal const ushort SetElemKey = 1;
    internal const ushort SetElemData = 2;
    internal const ushort DataValue = 1;
}
