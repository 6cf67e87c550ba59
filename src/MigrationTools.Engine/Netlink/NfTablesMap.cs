using System;
using System.Collections.Generic;
using MigrationTools.Engine.Errors;

namespace MigrationTools.Engine.Netlink;

/// <summary>
/// Reads and changes the elements of an nf_tables map over netlink. A change is one batch, which the kernel
/// commits as one transaction: packets see the old element or the new one, never neither.
/// </summary>
internal static class NfTablesMap
{
    private const ushort NewSetElem = (Nl.SubsysNftables << 8) | Nft.MsgNewSetElem;
    private const ushort GetSetElem = (Nl.SubsysNftables << 8) | Nft.MsgGetSetElem;
    private const ushort DelSetElem = (Nl.SubsysNftables << 8) | Nft.MsgDelSetElem;

    /// <summary>Every key and value of map <paramref name="set"/> in table <paramref name="table"/> (family inet).</summary>
    internal static List<(byte[] Key, byte[] Value)> ReadElements(NetlinkSocket socket, string table, string set)
    {
        Span<byte> request = stackalloc byte[256];
        var writer = new NetlinkWriter(request);
        WriteGetRequest(ref writer, socket.NextSequence(), table, set);
        var result = new List<(byte[], byte[])>();
        socket.Dump(writer.Written, message => DecodeElements(message, result), $"read the map {table}/{set}");
        return result;
    }

    /// <summary>Atomically replaces the value of <paramref name="key"/> (which must exist) with <paramref name="value"/>.</summary>
    internal static void ReplaceElement(NetlinkSocket socket, string table, string set, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        Span<byte> request = stackalloc byte[512];
        var writer = new NetlinkWriter(request);
        var last = WriteReplaceBatch(ref writer, socket.NextSequence(), table, set, key, value);
        socket.AdvanceSequence(last);
        var errno = socket.Execute(writer.Written, last - 1, $"replace an element of the map {table}/{set}");
        if (errno != 0)
        {
            throw errno == 2
                ? new MigrationToolsException("FlowMappingNotFound", FailureKind.ObjectNotFound, $"The map {table}/{set} or its element is gone (removed outside MigrationTools?).")
                : NetlinkSocket.Failure($"replace an element of the map {table}/{set}", errno);
        }
    }

    /// <summary>
    /// Writes BATCH_BEGIN, DELSETELEM key, NEWSETELEM key:value, BATCH_END with consecutive sequence numbers
    /// starting at <paramref name="sequence"/>; returns the sequence of BATCH_END.
    /// </summary>
    internal static uint WriteReplaceBatch(ref NetlinkWriter writer, uint sequence, string table, string set, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        writer.BeginMessage(Nl.BatchBegin, Nl.FRequest, sequence, 0, Nl.SubsysNftables);
        writer.EndMessage();

        writer.BeginMessage(DelSetElem, Nl.FRequest | Nl.FAck, sequence + 1, Nl.NfProtoInet);
        WriteElementList(ref writer, table, set, key, ReadOnlySpan<byte>.Empty);
        writer.EndMessage();

        writer.BeginMessage(NewSetElem, Nl.FRequest | Nl.FCreate | Nl.FAck, sequence + 2, Nl.NfProtoInet);
        WriteElementList(ref writer, table, set, key, value);
        writer.EndMessage();

        writer.BeginMessage(Nl.BatchEnd, Nl.FRequest, sequence + 3, 0, Nl.SubsysNftables);
        writer.EndMessage();
        return sequence + 3;
    }

    internal static void WriteGetRequest(ref NetlinkWriter writer, uint sequence, string table, string set)
    {
        writer.BeginMessage(GetSetElem, Nl.FRequest | Nl.FDump, sequence, Nl.NfProtoInet);
        writer.PutString(Nft.SetElemListTable, table);
        writer.PutString(Nft.SetElemListSet, set);
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
            if (attribute.Type != Nft.SetElemListElements)
            {
                continue;
            }

            foreach (var element in attribute.Nested)
            {
                byte[]? key = null, value = null;
                foreach (var part in element.Nested)
                {
                    if (part.Type is Nft.SetElemKey or Nft.SetElemData)
                    {
                        foreach (var data in part.Nested)
                        {
                            if (data.Type == Nft.DataValue)
                            {
                                if (part.Type == Nft.SetElemKey)
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
        writer.PutString(Nft.SetElemListTable, table);
        writer.PutString(Nft.SetElemListSet, set);
        var elements = writer.BeginNested(Nft.SetElemListElements);
        var element = writer.BeginNested(Nft.ListElem);
        var keyAttribute = writer.BeginNested(Nft.SetElemKey);
        writer.PutBytes(Nft.DataValue, key);
        writer.EndNested(keyAttribute);
        if (!value.IsEmpty)
        {
            var data = writer.BeginNested(Nft.SetElemData);
            writer.PutBytes(Nft.DataValue, value);
            writer.EndNested(data);
        }

        writer.EndNested(element);
        writer.EndNested(elements);
    }
}
