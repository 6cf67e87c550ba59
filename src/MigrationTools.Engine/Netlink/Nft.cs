namespace MigrationTools.Engine.Netlink;

/// <summary>nf_tables message types and attributes (linux/netfilter/nf_tables.h), by their C names.</summary>
internal static class Nft
{
    internal const ushort NFT_MSG_NEWSETELEM = 12;
    internal const ushort NFT_MSG_GETSETELEM = 13;
    internal const ushort NFT_MSG_DELSETELEM = 14;

    internal const ushort NFTA_SET_ELEM_LIST_TABLE = 1;
    internal const ushort NFTA_SET_ELEM_LIST_SET = 2;
    internal const ushort NFTA_SET_ELEM_LIST_ELEMENTS = 3;
    internal const ushort NFTA_LIST_ELEM = 1;
    internal const ushort NFTA_SET_ELEM_KEY = 1;
    internal const ushort NFTA_SET_ELEM_DATA = 2;
    internal const ushort NFTA_DATA_VALUE = 1;
}
