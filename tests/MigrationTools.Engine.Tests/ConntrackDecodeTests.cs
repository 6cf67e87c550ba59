using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Conntrack;
using MigrationTools.Engine.Netlink;
using Xunit;

namespace MigrationTools.Engine.Tests;

/// <summary>
/// ctnetlink messages built here attribute by attribute, laid out as the kernel sends them
/// (include/uapi/linux/netfilter/nfnetlink_conntrack.h), and decoded into entries.
/// </summary>
public sealed class ConntrackDecodeTests
{
    private static byte[] Attr(ushort type, params byte[] value) => NetlinkBytes.Attribute(type, value);

    private static byte[] Nested(ushort type, params byte[][] children) => Attr((ushort)(type | 0x8000), children.SelectMany(c => c).ToArray());

    private static byte[] Be16(ushort value) => new[] { (byte)(value >> 8), (byte)value };

    private static byte[] Be32(uint value) => new[] { (byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value };

    /// <summary>A tuple: addresses (4 or 16 bytes each), protocol, then protocol attributes.</summary>
    private static byte[] Tuple(ushort type, byte[] source, byte[] destination, byte protocol, params byte[][] proto) =>
        Nested(type,
            Nested(1, Attr(source.Length == 4 ? (ushort)1 : (ushort)3, source), Attr(source.Length == 4 ? (ushort)2 : (ushort)4, destination)),
            Nested(2, new[] { Attr(1, protocol) }.Concat(proto).ToArray()));

    /// <summary>A ctnetlink message: nfgenmsg (family, version 0, resource 0), then the attributes.</summary>
    private static byte[] Message(ushort messageType, byte family, params byte[][] attributes) =>
        NetlinkBytes.Message((ushort)((1 << 8) | messageType), 0, new byte[] { family, 0, 0, 0 }.Concat(attributes.SelectMany(a => a)).ToArray());

    private static List<ConntrackEntry?> Decode(byte[] bytes, bool acceptDelete = false)
    {
        var entries = new List<ConntrackEntry?>();
        foreach (var message in new NetlinkMessageReader(bytes))
        {
            entries.Add(ConntrackCodec.Decode("ns", message, acceptDelete));
        }

        return entries;
    }

    private static readonly byte[] A = { 10, 0, 0, 1 };
    private static readonly byte[] B = { 10, 0, 0, 2 };
    private static readonly byte[] C = { 10, 0, 0, 3 };

    [Fact]
    public void ATcpEntryWithItsStateTimeoutMarkZoneAndId()
    {
        var bytes = Message(0, 2,
            Tuple(1, A, B, 6, Attr(2, Be16(40000)), Attr(3, Be16(80))),
            Tuple(2, C, A, 6, Attr(2, Be16(80)), Attr(3, Be16(40000))),
            Nested(4, Nested(1, Attr(1, 3))), // protoinfo: TCP state ESTABLISHED
            Attr(7, Be32(431999)),
            Attr(8, Be32(0x2a)),
            Attr(18, Be16(7)),
            Attr(12, Be32(123456)));

        var entry = Assert.Single(Decode(bytes))!;

        Assert.Equal("ns", entry.Namespace);
        Assert.Equal(IpFamily.IPv4, entry.AddressFamily);
        Assert.Equal("tcp", entry.Protocol);
        Assert.Equal("10.0.0.1", entry.Source.ToString());
        Assert.Equal("10.0.0.2", entry.Destination.ToString());
        Assert.Equal((ushort)40000, entry.Original.SourcePort);
        Assert.Equal((ushort)80, entry.Original.DestinationPort);
        Assert.Equal("10.0.0.3", entry.TranslatedDestination.ToString());
        Assert.True(entry.IsDestinationTranslated);
        Assert.Equal("ESTABLISHED", entry.State);
        Assert.Equal(431999u, entry.Timeout);
        Assert.Equal(0x2au, entry.Mark);
        Assert.Equal((ushort)7, entry.Zone);
        Assert.Equal(123456u, entry.Id);
    }

    [Theory]
    [InlineData(0, "NONE")]
    [InlineData(1, "SYN_SENT")]
    [InlineData(2, "SYN_RECV")]
    [InlineData(3, "ESTABLISHED")]
    [InlineData(4, "FIN_WAIT")]
    [InlineData(5, "CLOSE_WAIT")]
    [InlineData(6, "LAST_ACK")]
    [InlineData(7, "TIME_WAIT")]
    [InlineData(8, "CLOSE")]
    [InlineData(9, "SYN_SENT2")]
    [InlineData(10, "10")]
    [InlineData(12, "12")]
    public void TcpStatesAreNamedAndUnknownOnesGivenAsNumbers(byte state, string name)
    {
        var bytes = Message(0, 2, Tuple(1, A, B, 6), Tuple(2, B, A, 6), Nested(4, Nested(2, Attr(1, 1)), Nested(1, Attr(2, 0), Attr(1, state))));

        Assert.Equal(name, Assert.Single(Decode(bytes))!.State);
    }

    [Fact]
    public void AnIcmpv6EntryWithoutTranslation()
    {
        var v6a = Convert.FromHexString("fd000000000000000000000000000001");
        var v6b = Convert.FromHexString("fe000000000000000000000000000002");
        var bytes = Message(0, 10,
            Tuple(1, v6a, v6b, 58, Attr(7, Be16(77)), Attr(8, 128), Attr(9, 0)),
            Tuple(2, v6b, v6a, 58, Attr(7, Be16(77)), Attr(8, 129), Attr(9, 0)));

        var entry = Assert.Single(Decode(bytes))!;

        Assert.Equal(IpFamily.IPv6, entry.AddressFamily);
        Assert.Equal("icmpv6", entry.Protocol);
        Assert.Equal((ushort)77, entry.Original.IcmpId);
        Assert.Equal((byte)128, entry.Original.IcmpType);
        Assert.Equal((byte)0, entry.Original.IcmpCode);
        Assert.Equal((byte)129, entry.Reply.IcmpType);
        Assert.False(entry.IsDestinationTranslated);
        Assert.Null(entry.State);
        Assert.Null(entry.Timeout);
        Assert.Null(entry.Id);
        Assert.Equal(0u, entry.Mark);
        Assert.Equal((ushort)0, entry.Zone);
    }

    [Fact]
    public void AnIcmpEntryUsesTheIPv4Attributes()
    {
        var bytes = Message(0, 2, Tuple(1, A, B, 1, Attr(4, Be16(9)), Attr(5, 8), Attr(6, 0)), Tuple(2, B, A, 1, Attr(4, Be16(9)), Attr(5, 0), Attr(6, 0)));

        var entry = Assert.Single(Decode(bytes))!;

        Assert.Equal("icmp", entry.Protocol);
        Assert.Equal((ushort)9, entry.Original.IcmpId);
        Assert.Equal((byte)8, entry.Original.IcmpType);
    }

    [Fact]
    public void ADeleteEventIsAnEntryOnlyWhenAsked()
    {
        var bytes = Message(2, 2, Tuple(1, A, B, 17, Attr(2, Be16(1)), Attr(3, Be16(2))), Tuple(2, B, A, 17, Attr(2, Be16(2)), Attr(3, Be16(1))));

        Assert.Null(Assert.Single(Decode(bytes)));
        Assert.Equal("udp", Assert.Single(Decode(bytes, acceptDelete: true))!.Protocol);
        // A GET is never an entry.
        Assert.Null(Assert.Single(Decode(Message(1, 2, Tuple(1, A, B, 17), Tuple(2, B, A, 17)), acceptDelete: true)));
    }

    [Fact]
    public void IncompleteMessagesAreNoEntry()
    {
        Assert.Null(Assert.Single(Decode(Message(0, 2, Tuple(1, A, B, 17)))));                          // no reply tuple
        Assert.Null(Assert.Single(Decode(Message(0, 2, Tuple(2, B, A, 17)))));                          // no original
        Assert.Null(Assert.Single(Decode(Message(0, 2, Nested(1, Nested(1, Attr(1, A))), Tuple(2, B, A, 17))))); // no destination
        Assert.Null(Assert.Single(Decode(Message(0, 2, Tuple(1, new byte[] { 1, 2, 3 }, B, 17), Tuple(2, B, A, 17))))); // a 3-byte address
        var shortPayload = Message(0, 2);
        BinaryPrimitives.WriteUInt32LittleEndian(shortPayload, 18);
        Assert.Null(Assert.Single(Decode(shortPayload[..18])));                                        // no nfgenmsg header
    }

    private static byte[] Encode(byte protocol, ConntrackTuple tuple)
    {
        var buffer = new byte[256];
        var writer = new NetlinkWriter(buffer);
        ConntrackCodec.WriteTuple(ref writer, 1, protocol, tuple);
        return writer.Written.ToArray();
    }

    [Fact]
    public void TuplesAreEncodedAsTheKernelLaysThemOut()
    {
        var a = new System.Net.IPAddress(A);
        var b = new System.Net.IPAddress(B);
        Assert.Equal(Tuple(1, A, B, 17, Attr(2, Be16(1000)), Attr(3, Be16(53))), Encode(17, new ConntrackTuple(a, b, 1000, 53, null, null, null)));
        Assert.Equal(Tuple(1, A, B, 1, Attr(4, Be16(9)), Attr(5, 8), Attr(6, 0)), Encode(1, new ConntrackTuple(a, b, null, null, 9, 8, 0)));
        var v6a = Convert.FromHexString("fd000000000000000000000000000001");
        var v6b = Convert.FromHexString("fe000000000000000000000000000002");
        Assert.Equal(Tuple(1, v6a, v6b, 58, Attr(7, Be16(9)), Attr(8, 128), Attr(9, 0)),
            Encode(58, new ConntrackTuple(new System.Net.IPAddress(v6a), new System.Net.IPAddress(v6b), null, null, 9, 128, 0)));
        Assert.Equal(Nfnl.NFPROTO_IPV4, ConntrackCodec.FamilyByte(IpFamily.IPv4));
        Assert.Equal(Nfnl.NFPROTO_IPV6, ConntrackCodec.FamilyByte(IpFamily.IPv6));
    }

    [Fact]
    public void ADeleteRequestCarriesTheTupleAsReceivedTheZoneAndTheId()
    {
        var original = Tuple(1, A, B, 17, Attr(2, Be16(1)), Attr(3, Be16(2)));
        var entry = Assert.Single(Decode(Message(0, 2, original, Tuple(2, B, A, 17), Attr(18, Be16(4)), Attr(12, Be32(99)))))!;
        var buffer = new byte[512];
        var writer = new NetlinkWriter(buffer);
        ConntrackCodec.WriteDeleteRequest(ref writer, 5, entry);

        var request = writer.Written.ToArray();
        var expected = Message(2, 2, original, Attr(18, Be16(4)), Attr(12, Be32(99)));
        Assert.Equal(expected[4..6], request[4..6]);    // IPCTNL_MSG_CT_DELETE
        Assert.Equal(expected[16..], request[16..]);     // family, tuple, zone, id
    }

    [Fact]
    public void TheOriginalTupleIsKeptAsSentForExactDeletes()
    {
        var original = Tuple(1, A, B, 17, Attr(2, Be16(1)), Attr(3, Be16(2)));
        var entry = Assert.Single(Decode(Message(0, 2, original, Tuple(2, B, A, 17))))!;

        Assert.Equal(original, entry.OriginalEncoded);
    }
}
