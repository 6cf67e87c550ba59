using System;
using System.Collections.Generic;

namespace MigrationTools.Engine.Netlink;

/// <summary>
/// The nf_tables messages that read and change the elements of a map: a dump request, the element list of its
/// answer, and the batch that replaces one element, which the kernel commits as one transaction (packets see the old
/// element or the new one, never neither). The flow backend sends them (<see cref="Flows.NftablesFlowBackend"/>).
/// </summary>
internal static class NfTablesMap
{
    private const ushort NewSetElem = (Nfnl.NFNL_SUBSYS_NFTABLES << 8) | Nft.NFT_MSG_NEWSETELEM;
    private const ushort GetSetElem = (Nfnl.NFNL_SUBSYS_NFTABLES << 8) | Nft.NFT_MSG_GETSETELEM;
    private const ushort DelSetElem = (Nfnl.NFNL_SUBSYS_NFTABLES << 8) | Nft.NFT_MSG_DELSETELEM;

    /// <summary>
    /// Writes BATCH_BEGIN, DELSETELEM key, NEWSETELEM key:value, BATCH_END with consecutive sequence numbers
    /// starting at <paramref name="sequence"/>; returns the sequence of BATCH_END.
    /// </summary>
    internal static uint WriteReplaceBatch(ref NetlinkWriter writer, uint sequence, string table, string set, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        writer.BeginNfMessage(Nfnl.NFNL_MSG_BATCH_BEGIN, Nl.NLM_F_REQUEST, sequence, 0, Nfnl.NFNL_SUBSYS_NFTABLES);
        writer.EndMessage();

        writer.BeginNfMessage(DelSetElem, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK, sequence + 1, Nfnl.NFPROTO_INET);
        WriteElementList(ref writer, table, set, key, ReadOnlySpan<byte>.Empty);
        writer.EndMessage();

        writer.BeginNfMessage(NewSetElem, Nl.NLM_F_REQUEST | Nl.NLM_F_CREATE | Nl.NLM_F_ACK, sequence + 2, Nfnl.NFPROTO_INET);
        WriteElementList(ref writer, table, set, key, value);
        writer.EndMessage();

        writer.BeginNfMessage(Nfnl.NFNL_MSG_BATCH_END, Nl.NLM_F_REQUEST, sequence + 3, 0, Nfnl.NFNL_SUBSYS_NFTABLES);
        writer.EndMessage();
        return sequence + 3;
    }

    internal static void WriteGetRequest(ref NetlinkWriter writer, uint sequence, string table, string set)
    {
        writer.BeginNfMessage(GetSetElem, Nl.NLM_F_REQUEST | Nl.NLM_F_DUMP, sequence, Nfnl.NFPROTO_INET);
        writer.PutString(Nft.NFTA_SET_ELEM_LIST_TABLE, table);
        writer.PutString(Nft.NFTA_SET_ELEM_LIST_SET, set);
        writer.EndMessage();
    }

    internal static void DecodeElements(NetlinkMessage message, List<(byte[] Key, byte[] Value)> into)
    {
        if (message.Type != NewSetElem)
        {
            return;
        }

        foreach (var attribute in message.Attributes)
        {
            if (attribute.Type != Nft.NFTA_SET_ELEM_LIST_ELEMENTS)
            {
                continue;
            }

            foreach (var element in attribute.Nested)
            {
                byte[]? key = null, value = null;
                foreach (var part in element.Nested)
                {
                    if (part.Type is Nft.NFTA_SET_ELEM_KEY or Nft.NFTA_SET_ELEM_DATA)
                    {
                        foreach (var data in part.Nested)
                        {
                            if (data.Type == Nft.NFTA_DATA_VALUE)
                            {
                                if (part.Type == Nft.NFTA_SET_ELEM_KEY)
                                {
                                    key = data.Value.ToArray();
                                }
                                else
                                {
                                    value = data.Value.ToArray();
                                }
                            }
                        }
                    }
                }

                if (key is not null && value is not null)
                {
                    into.Add((key, value));
                }
            }
        }
    }

    private static void WriteElementList(ref NetlinkWriter writer, string table, string set, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        writer.PutString(Nft.NFTA_SET_ELEM_LIST_TABLE, table);
        writer.PutString(Nft.NFTA_SET_ELEM_LIST_SET, set);
        var elements = writer.BeginNested(Nft.NFTA_SET_ELEM_LIST_ELEMENTS);
        var element = writer.BeginNested(Nft.NFTA_LIST_ELEM);
        var keyAttribute = writer.BeginNested(Nft.NFTA_SET_ELEM_KEY);
        writer.PutBytes(Nft.NFTA_DATA_VALUE, key);
        writer.EndNested(keyAttribute);
        if (!value.IsEmpty)
        {
            var data = writer.BeginNested(Nft.NFTA_SET_ELEM_DATA);
            writer.PutBytes(Nft.NFTA_DATA_VALUE, value);
            writer.EndNested(data);
        }

        writer.EndNested(element);
        writer.EndNested(elements);
    }
}
