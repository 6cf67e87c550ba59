using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Conntrack;
using MigrationTools.Engine.Netlink;
using MigrationTools.Engine.Netlink.Route;
using Xunit;

namespace MigrationTools.Engine.Tests;

public class NetlinkCodecTests
{
    // One IPCTNL_MSG_CT_NEW message as Linux 6.18 sent it for `ping fe00::2` from fd00:ab::a, translated to
    // fc02::2 (recorded with strace from `conntrack -L` in the lab; conntrack printed id=12067 timeout 16).
    private const string KernelConntrackMessage =
        "e400000000012200f57a066b582f00000a000000540001802c00018014000300fd0000ab00000000000000000000000a14000400fe" +
        "00000000000000000000000000000224000280050001003a000000060007002f23000005000800800000000500090000000000540002" +
        "802c00018014000300fc02000000000000000000000000000214000400fd0000ab00000000000000000000000a240002800500010" +
        "03a000000060007002f2300000500080081000000050009000000000008000300000001aa080008000000000008000c00279fc69708" +
        "000b00000000010800070000000010";

    // What nft 1.0.6 sent for "delete element inet migrationtools flows6 { fe00::2 }" and
    // "add element inet migrationtools flows6 { fe00::2 : fc01::1 }" in one file (one transaction).
    private const string NftDelSetElem =
        "540000000e0a0100010000000000000001000000130001006d6967726174696f6e746f6f6c7300000b000200666c6f77733600002000" +
        "03801c0001801800018014000100fe000000000000000000000000000002";
    private const string NftNewSetElem =
        "740000000c0a0104020000000000000001000000130001006d6967726174696f6e746f6f6c7300000b000200666c6f77733600000800" +
        "04000000000138000380340001801800018014000100fe0000000000000000000000000000021800028014000100fc01000000000000" +
        "0000000000000001";

    private static byte[] Hex(string text) => Convert.FromHexString(text);

    private static ConntrackEntry DecodeKernelMessage()
    {
        var bytes = Hex(KernelConntrackMessage);
        ConntrackEntry? entry = null;
        foreach (var message in new NetlinkMessageReader(bytes))
        {
            entry = ConntrackCodec.Decode("A", message);
        }

        return entry!;
    }

    [Fact]
    public void DecodesAKernelConntrackEntry()
    {
        var entry = DecodeKernelMessage();
        Assert.Equal(IpFamily.IPv6, entry.AddressFamily);
        Assert.Equal("icmpv6", entry.Protocol);
        Assert.Equal(IPAddress.Parse("fd00:ab::a"), entry.Original.Source);
        Assert.Equal(IPAddress.Parse("fe00::2"), entry.Original.Destination);
        Assert.Equal((ushort)12067, entry.Original.IcmpId);
        Assert.Equal((byte)128, entry.Original.IcmpType);
        Assert.Equal(IPAddress.Parse("fc02::2"), entry.Reply.Source);
        Assert.Equal((byte)129, entry.Reply.IcmpType);
        Assert.Equal(IPAddress.Parse("fc02::2"), entry.TranslatedDestination);
        Assert.True(entry.IsDestinationTranslated);
        Assert.Equal(16u, entry.Timeout);
        Assert.Equal(0x279fc697u, entry.Id);
        Assert.Equal(0u, entry.Mark);
        Assert.Null(entry.State);
    }

    [Fact]
    public void EncodesATupleExactlyAsTheKernelDoes()
    {
        var entry = DecodeKernelMessage();
        var kernelTuple = Hex(KernelConntrackMessage).AsSpan(20, 84).ToArray();
        Assert.Equal(kernelTuple, entry.OriginalEncoded);

        Span<byte> buffer = stackalloc byte[256];
        var writer = new NetlinkWriter(buffer);
        ConntrackCodec.WriteTuple(ref writer, Ctnl.CTA_TUPLE_ORIG, entry.ProtocolNumber, entry.Original);
        Assert.Equal(Convert.ToHexString(kernelTuple), Convert.ToHexString(writer.Written));
    }

    [Fact]
    public void EncodesADeleteRequestByTupleAndId()
    {
        var entry = DecodeKernelMessage();
        Span<byte> buffer = stackalloc byte[256];
        var writer = new NetlinkWriter(buffer);
        ConntrackCodec.WriteDeleteRequest(ref writer, 7, entry);
        var expected =
            "70000000" + "0201" + "0500" + "07000000" + "00000000" + // nlmsghdr: len 112, CT_DELETE, REQUEST|ACK, seq 7
            "0a000000" +                                               // nfgenmsg: AF_INET6, v0, res_id 0
            KernelConntrackMessage.Substring(40, 84 * 2) +              // CTA_TUPLE_ORIG as the kernel sent it
            "08000c00279fc697";                                        // CTA_ID
        Assert.Equal(expected.ToUpperInvariant(), Convert.ToHexString(writer.Written));
    }

    [Fact]
    public void EncodesADumpRequest()
    {
        Span<byte> buffer = stackalloc byte[64];
        var writer = new NetlinkWriter(buffer);
        ConntrackCodec.WriteDumpRequest(ref writer, 1, 10);
        Assert.Equal("140000000101010301000000000000000A000000", Convert.ToHexString(writer.Written));
    }

    [Fact]
    public void EncodesTheMapReplaceBatchAsNftDoesWithAcks()
    {
        Span<byte> buffer = stackalloc byte[512];
        var writer = new NetlinkWriter(buffer);
        var last = NfTablesMap.WriteReplaceBatch(ref writer, 0, "migrationtools", "flows6",
            IPAddress.Parse("fe00::2").GetAddressBytes(), IPAddress.Parse("fc01::1").GetAddressBytes());
        Assert.Equal(3u, last);

        var messages = new List<string>();
        foreach (var message in new NetlinkMessageReader(writer.Written.ToArray()))
        {
            messages.Add(Convert.ToHexString(message.Whole));
        }

        Assert.Equal(4, messages.Count);
        Assert.Equal("140000001000010000000000000000000000000A", messages[0]);
        Assert.Equal("140000001100010003000000000000000000000A", messages[3]);

        // Differences from nft, on purpose: every change asks for an acknowledgement (NLM_F_ACK), so a failure is
        // reported for the message that caused it, and the set is named, not referred to by a batch-local id.
        var del = Hex(NftDelSetElem);
        del[6] |= 0x04;
        Assert.Equal(Convert.ToHexString(del), messages[1]);

        var add = Hex(NftNewSetElem).ToList();
        add.RemoveRange(52, 8);                       // NFTA_SET_ELEM_LIST_SET_ID, after header, table and set
        add[6] |= 0x04;
        var addBytes = add.ToArray();
        BitConverter.TryWriteBytes(addBytes.AsSpan(0, 4), (uint)addBytes.Length);
        Assert.Equal(Convert.ToHexString(addBytes), messages[2]);
    }

    [Fact]
    public void DecodesMapElements()
    {
        // A GETSETELEM dump answers with NEWSETELEM messages of the same layout nft sends.
        var elements = new List<(byte[] Key, byte[] Value)>();
        foreach (var message in new NetlinkMessageReader(Hex(NftNewSetElem)))
        {
            NfTablesMap.DecodeElements(message, elements);
        }

        var (key, value) = Assert.Single(elements);
        Assert.Equal(IPAddress.Parse("fe00::2"), new IPAddress(key));
        Assert.Equal(IPAddress.Parse("fc01::1"), new IPAddress(value));
    }

    [Fact]
    public void ReadersStopAtMalformedLengthsWithoutThrowing()
    {
        var bytes = Hex(KernelConntrackMessage);
        var random = new Random(1234);
        for (var i = 0; i < 20000; i++)
        {
            var mutated = bytes.ToArray();
            var length = random.Next(0, mutated.Length + 1);
            for (var j = 0; j < 1 + random.Next(8); j++)
            {
                mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            }

            foreach (var message in new NetlinkMessageReader(mutated.AsSpan(0, length)))
            {
                _ = ConntrackCodec.Decode("A", message);
                var elements = new List<(byte[], byte[])>();
                NfTablesMap.DecodeElements(message, elements);
            }
        }
    }

    [Fact]
    public void WriterRejectsOverflowInsteadOfCorrupting()
    {
        var buffer = new byte[24];
        Assert.Throws<InvalidOperationException>(() =>
        {
            var writer = new NetlinkWriter(buffer);
            writer.BeginNfMessage(1, 1, 1, 2);
            writer.PutString(1, "much too long for the buffer");
        });
    }

    [Fact]
    public void AWriterOverABufferThatHeldOtherBytesWritesTheSameMessage()
    {
        // Headers, padding and reserved family headers are written in full, not left to a zeroed buffer.
        var clean = new byte[256];
        var dirty = Enumerable.Repeat((byte)0xff, 256).ToArray();
        foreach (var buffer in new[] { clean, dirty })
        {
            var writer = new NetlinkWriter(buffer);
            LinkMessages.WriteNewVeth(ref writer, 9, "abc", "de", 4, 1400);
            NfTablesMap.WriteGetRequest(ref writer, 10, "t", "m");
            Array.Fill(buffer, (byte)0xee, writer.Length, buffer.Length - writer.Length);
        }

        Assert.Equal(Convert.ToHexString(clean), Convert.ToHexString(dirty));
    }

    [Fact]
    public void AWriterFillsItsBufferExactlyAndRefusesOneByteMore()
    {
        // A 16-byte header and an 8-byte attribute.
        var buffer = new byte[24];
        var writer = new NetlinkWriter(buffer);
        writer.BeginMessage(1, 1, 1);
        writer.PutU32(1, 5);
        writer.EndMessage();
        Assert.Equal(24, writer.Length);

        var small = new byte[23];
        var error = Assert.Throws<InvalidOperationException>(() =>
        {
            var w = new NetlinkWriter(small);
            w.BeginMessage(1, 1, 1);
            w.PutU32(1, 5);
        });
        Assert.Equal("Netlink message buffer is too small.", error.Message);
    }

    [Fact]
    public void EndingAMessageThatIsNotOpenIsAnError()
    {
        var buffer = new byte[64];
        Assert.Throws<InvalidOperationException>(() => new NetlinkWriter(buffer).EndMessage());
        Assert.Throws<InvalidOperationException>(() =>
        {
            var writer = new NetlinkWriter(buffer);
            writer.BeginMessage(1, 1, 1);
            writer.EndMessage();
            writer.EndMessage();
        });
    }

    [Fact]
    public void TheMapDumpRequestNamesTableAndSetForTheInetFamily()
    {
        Span<byte> buffer = stackalloc byte[64];
        var writer = new NetlinkWriter(buffer);
        NfTablesMap.WriteGetRequest(ref writer, 5, "migrationtools", "flows6");

        // nlmsghdr: length 52, type NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_GETSETELEM (0x0a0d), REQUEST|DUMP, seq 5;
        // nfgenmsg: NFPROTO_INET (1), version 0, res_id 0; NFTA_SET_ELEM_LIST_TABLE (1) and _SET (2), NUL-terminated.
        Assert.Equal("340000000D0A010305000000000000000100000013000100" + Convert.ToHexString("migrationtools\0"u8.ToArray()) + "00" +
            "0B000200" + Convert.ToHexString("flows6\0"u8.ToArray()) + "00", Convert.ToHexString(writer.Written));
    }

    [Fact]
    public void OnlyNewSetElementMessagesWithKeyAndValueGiveElements()
    {
        // The same elements in a message of another type, and an element with a key but no value (a set, not a map).
        var bytes = Hex(NftNewSetElem);
        var otherType = bytes.ToArray();
        otherType[4] = 0x0d;
        var elements = new List<(byte[] Key, byte[] Value)>();
        foreach (var message in new NetlinkMessageReader(otherType))
        {
            NfTablesMap.DecodeElements(message, elements);
        }

        Assert.Empty(elements);

        Span<byte> buffer = stackalloc byte[256];
        var writer = new NetlinkWriter(buffer);
        writer.BeginNfMessage((Nfnl.NFNL_SUBSYS_NFTABLES << 8) | Nft.NFT_MSG_NEWSETELEM, 0, 1, Nfnl.NFPROTO_INET);
        var list = writer.BeginNested(Nft.NFTA_SET_ELEM_LIST_ELEMENTS);
        var element = writer.BeginNested(Nft.NFTA_LIST_ELEM);
        var key = writer.BeginNested(Nft.NFTA_SET_ELEM_KEY);
        writer.PutBytes(Nft.NFTA_DATA_VALUE, new byte[] { 10, 0, 0, 1 });
        writer.EndNested(key);
        writer.EndNested(element);
        writer.EndNested(list);
        writer.EndMessage();
        foreach (var message in new NetlinkMessageReader(writer.Written.ToArray()))
        {
            NfTablesMap.DecodeElements(message, elements);
        }

        Assert.Empty(elements);
    }

    [Fact]
    public void AttributeNumbersShorterThanTheirTypeReadAsZero()
    {
        var bytes = NetlinkBytes.Attribute(1, 0x12, 0x34, 0x56).Concat(NetlinkBytes.Attribute(2)).Concat(NetlinkBytes.Attribute(3, 0x61, 0x62)).ToArray();
        var values = new List<string>();
        foreach (var attribute in new NetlinkAttributeReader(bytes))
        {
            values.Add($"{attribute.U8} {attribute.Be16} {attribute.Be32} {attribute.U32} {attribute.S32} '{attribute.String}'");
        }

        // Three bytes: U8 and Be16 read, the 32-bit ones are 0; no bytes: all 0; a string without its NUL is whole.
        Assert.Equal(new[] { "18 4660 0 0 0 '\u00124V'", "0 0 0 0 0 ''", "97 24930 0 0 0 'ab'" }, values);
    }
}
