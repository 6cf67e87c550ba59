using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using MigrationTools.Core.Interop;
using MigrationTools.Engine.Netlink;
using Xunit;

namespace MigrationTools.Engine.Tests;

/// <summary>
/// NLMSG_ERROR messages laid out as netlink(7) describes them (error code, the request's header and, unless
/// capped, its payload, then extended-ack attributes), built here byte by byte.
/// </summary>
public sealed class NetlinkErrorTests
{
    private const ushort Capped = 0x100;
    private const ushort AckTlvs = 0x200;

    private static byte[] Attribute(ushort type, byte[] value) => NetlinkBytes.Attribute(type, value);

    private static byte[] Text(string text) => Encoding.UTF8.GetBytes(text + "\0");

    /// <summary>An error message for a request whose own length is <paramref name="requestLength"/> (its payload echoed unless capped).</summary>
    private static byte[] Error(int errno, ushort flags, int requestLength, params byte[][] attributes)
    {
        var request = new byte[(flags & Capped) != 0 ? 16 : (requestLength + 3) & ~3];
        BinaryPrimitives.WriteUInt32LittleEndian(request, (uint)requestLength);
        BinaryPrimitives.WriteUInt16LittleEndian(request.AsSpan(4), 16); // RTM_NEWLINK
        var payload = new byte[4].Concat(request).Concat(attributes.SelectMany(a => a)).ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(payload, errno);
        return Message(2, flags, payload);
    }

    private static byte[] Message(ushort type, ushort flags, byte[] payload) => NetlinkBytes.Message(type, flags, payload);

    private static (int Error, string? Message, ushort Type, uint Sequence) Read(byte[] bytes)
    {
        var found = new List<(int, string?, ushort, uint)>();
        foreach (var message in new NetlinkMessageReader(bytes))
        {
            found.Add((message.Error, message.ExtendedAckMessage, message.Type, message.Sequence));
        }

        return Assert.Single(found);
    }

    [Fact]
    public void ReadsTheErrnoAndTheKernelsMessageAfterACappedRequest()
    {
        var read = Read(Error(-17, Capped | AckTlvs, 40, Attribute(1, Text("File exists (veth peer)"))));

        Assert.Equal(-17, read.Error);
        Assert.Equal("File exists (veth peer)", read.Message);
        Assert.Equal(2, read.Type);
        Assert.Equal(7u, read.Sequence);
    }

    [Fact]
    public void SkipsTheEchoedRequestWhenItIsNotCapped()
    {
        // The request's payload (a 24-byte request, padded to 24) is echoed before the attributes.
        var read = Read(Error(-22, AckTlvs, 22, Attribute(1, Text("Invalid prefix"))));

        Assert.Equal(-22, read.Error);
        Assert.Equal("Invalid prefix", read.Message);
    }

    [Fact]
    public void FindsTheMessageAmongOtherAttributes()
    {
        var offset = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(offset, 20);
        var read = Read(Error(-95, Capped | AckTlvs, 32, Attribute(2, offset), Attribute(1, Text("Not supported here"))));

        Assert.Equal("Not supported here", read.Message);
    }

    [Fact]
    public void GivesNoMessageWhenTheKernelSentNone()
    {
        var offset = new byte[4];
        Assert.Null(Read(Error(-95, Capped | AckTlvs, 32, Attribute(2, offset))).Message);
        // Attributes without the ACK_TLVS flag are not an extended ack.
        Assert.Null(Read(Error(-17, Capped, 32, Attribute(1, Text("ignored")))).Message);
    }

    [Fact]
    public void AnAcknowledgementIsErrorZero()
    {
        var read = Read(Error(0, Capped, 32));

        Assert.Equal(0, read.Error);
        Assert.Null(read.Message);
    }

    [Fact]
    public void AnEchoedLengthBeyondTheMessageGivesNoMessageAndNoFault()
    {
        // Not capped, and the echoed request claims 4,000 bytes: clamped to what is there, so no attributes remain.
        var payload = new byte[4 + 16];
        BinaryPrimitives.WriteInt32LittleEndian(payload, -1);
        BinaryPrimitives.WriteUInt32LittleEndian(payload.AsSpan(4), 4000);
        var read = Read(Message(2, AckTlvs, payload));

        Assert.Equal(-1, read.Error);
        Assert.Null(read.Message);
    }

    [Fact]
    public void ACutShortErrorIsErrorZeroAndHasNoMessage()
    {
        var read = Read(Message(2, AckTlvs, new byte[] { 0xef, 0xff }));

        Assert.Equal(0, read.Error);
        Assert.Null(read.Message);
        var headerOnly = Read(Message(2, AckTlvs, new byte[] { 0xef, 0xff, 0xff, 0xff, 1, 2, 3, 4 }));
        Assert.Equal(-17, headerOnly.Error);
        Assert.Null(headerOnly.Message);
    }

    [Fact]
    public void AFamilyHeaderLongerThanThePayloadGivesNoAttributes()
    {
        var bytes = Message(0x0100, 0, new byte[] { 10, 0 });
        foreach (var message in new NetlinkMessageReader(bytes))
        {
            Assert.Equal(10, message.NfFamily);
            var count = 0;
            foreach (var attribute in message.AttributesAfter(4))
            {
                count++;
            }

            Assert.Equal(0, count);
        }

        foreach (var message in new NetlinkMessageReader(Message(0x0100, 0, Array.Empty<byte>())))
        {
            Assert.Equal(0, message.NfFamily);
        }
    }

    [Fact]
    public void AttributesStartAtTheAlignedEndOfTheFamilyHeader()
    {
        // A 1-byte family header is padded to 4 before the first attribute.
        var bytes = Message(0x0100, 0, new byte[] { 2, 0, 0, 0 }.Concat(Attribute(5, new byte[] { 9, 9, 9, 9 })).ToArray());
        foreach (var message in new NetlinkMessageReader(bytes))
        {
            var types = new List<ushort>();
            foreach (var attribute in message.AttributesAfter(1))
            {
                types.Add(attribute.Type);
            }

            Assert.Equal(new ushort[] { 5 }, types);
        }
    }

    [Fact]
    public void AnAcknowledgementSucceedsOnlyWithoutAnError()
    {
        Assert.True(new NetlinkAck(Errno.None, null).Succeeded);
        Assert.False(new NetlinkAck(Errno.ENOENT, null).Succeeded);
    }
}
