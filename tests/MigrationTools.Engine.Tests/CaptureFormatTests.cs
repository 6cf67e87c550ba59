using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using MigrationTools.Analysis.Capture;
using MigrationTools.Core.Errors;
using Xunit;

namespace MigrationTools.Engine.Tests;

/// <summary>
/// The capture formats field by field, from bytes laid out here as the pcap (draft-ietf-opsawg-pcap) and pcapng
/// (draft-ietf-opsawg-pcapng) documents describe them: both byte orders, both pcap resolutions, the limits of every
/// length and timestamp, each way a file can be unreadable, and the writer's blocks byte for byte.
/// </summary>
public sealed class CaptureFormatTests
{
    private static readonly byte[] FrameA = Enumerable.Range(1, 40).Select(i => (byte)i).ToArray();
    private static readonly byte[] FrameB = Enumerable.Range(100, 7).Select(i => (byte)i).ToArray();

    private static List<(long Micros, int LinkType, byte[] Data)> ReadAll(byte[] capture, out long damaged, out int secretsBlocks, List<(uint, byte[])>? secrets = null)
    {
        using var reader = new CaptureReader(new MemoryStream(capture), "t.cap", onSecrets: (type, data) => secrets?.Add((type, data.ToArray())));
        var frames = new List<(long, int, byte[])>();
        while (reader.TryRead(out var record))
        {
            frames.Add((record.TimestampMicroseconds, record.LinkType, record.Data.ToArray()));
        }

        damaged = reader.Damaged;
        secretsBlocks = reader.SecretsBlocks;
        return frames;
    }

    private static MigrationToolsException Unreadable(byte[] capture) =>
        Assert.Throws<MigrationToolsException>(() => new CaptureReader(new MemoryStream(capture), "lab.cap"));

    [Theory]
    [InlineData(false, 0xa1b2c3d4u, 250_000u, 250_000L)]
    [InlineData(true, 0xa1b2c3d4u, 250_000u, 250_000L)]
    [InlineData(false, 0xa1b23c4du, 250_000_000u, 250_000L)]
    [InlineData(true, 0xa1b23c4du, 250_000_999u, 250_000L)]
    public void PcapRecordsReadInBothByteOrdersAndResolutions(bool bigEndian, uint magic, uint fraction, long micros)
    {
        var capture = new CaptureBytes(bigEndian).PcapHeader(magic, 0x1000_0000 | 101).Record(7, fraction, FrameA).Record(8, 0, FrameB).ToArray();

        var frames = ReadAll(capture, out var damaged, out _);

        // The link type's upper bits are the FCS flags, not part of the type (LINKTYPE_RAW is 101).
        Assert.Equal(new[] { (7_000_000 + micros, 101), (8_000_000L, 101) }, frames.Select(f => (f.Micros, f.LinkType)));
        Assert.Equal(FrameA, frames[0].Data);
        Assert.Equal(FrameB, frames[1].Data);
        Assert.Equal(0, damaged);
    }

    [Theory]
    [InlineData(0xa1b2c3d4u, 999_999u, true)]
    [InlineData(0xa1b2c3d4u, 1_000_000u, false)]
    [InlineData(0xa1b23c4du, 999_999_999u, true)]
    [InlineData(0xa1b23c4du, 1_000_000_000u, false)]
    public void APcapFractionOfAWholeSecondOrMoreIsDamagedAndSkipped(uint magic, uint fraction, bool read)
    {
        var capture = new CaptureBytes().PcapHeader(magic, 101).Record(1, fraction, FrameA).Record(2, 0, FrameB).ToArray();

        var frames = ReadAll(capture, out var damaged, out _);

        Assert.Equal(read ? 2 : 1, frames.Count);
        Assert.Equal(read ? 0 : 1, damaged);
        Assert.Equal(FrameB, frames[^1].Data);
    }

    [Fact]
    public void APcapRecordOfSixteenMebibytesIsReadAndOneByteMoreEndsTheCapture()
    {
        var big = new byte[16 << 20];
        big[^1] = 0x5a;
        var frames = ReadAll(new CaptureBytes().PcapHeader(0xa1b2c3d4, 101).Record(1, 0, big).Record(2, 0, FrameB).ToArray(), out var damaged, out _);
        Assert.Equal(2, frames.Count);
        Assert.Equal(0x5a, frames[0].Data[^1]);
        Assert.Equal(0, damaged);

        // The length is all that says where the next record starts: nothing after it can be found.
        frames = ReadAll(new CaptureBytes().PcapHeader(0xa1b2c3d4, 101).Record(1, 0, FrameA).U32(2).U32(0).U32((16 << 20) + 1).U32(0).ToArray(), out damaged, out _);
        Assert.Single(frames);
        Assert.Equal(1, damaged);
    }

    [Fact]
    public void APcapRecordCutShortIsDamagedAndEndsTheCapture()
    {
        var whole = new CaptureBytes().PcapHeader(0xa1b2c3d4, 101).Record(1, 0, FrameA).Record(2, 0, FrameB).ToArray();

        var frames = ReadAll(whole[..^1], out var damaged, out _);

        Assert.Single(frames);
        Assert.Equal(1, damaged);
        // A record header cut short is the end of the capture, not damage.
        frames = ReadAll(whole[..(24 + 16 + FrameA.Length + 10)], out damaged, out _);
        Assert.Single(frames);
        Assert.Equal(0, damaged);
    }

    [Theory]
    [InlineData(new byte[0], "it is empty")]
    [InlineData(new byte[] { 0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0 }, "its pcap header is cut short")]
    [InlineData(new byte[] { 0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0 }, "it is neither pcap nor pcapng")]
    [InlineData(new byte[] { 0x0a, 0x0d, 0x0d, 0x0a, 28, 0 }, "its pcapng section header is cut short")]
    [InlineData(new byte[] { 0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c }, "its pcapng section header is cut short")]
    public void AFileThatIsNoCaptureSaysWhy(byte[] capture, string why)
    {
        var error = Unreadable(capture);

        Assert.Equal("CaptureUnreadable", error.ErrorId);
        Assert.Equal(FailureKind.InvalidArgument, error.Kind);
        Assert.Equal($"The capture 'lab.cap' cannot be read: {why}.", error.Message);
    }

    [Theory]
    [InlineData(24u, "its pcapng section header has a bad length")]
    [InlineData(30u, "its pcapng section header has a bad length")]
    [InlineData((16u << 20) + 4, "its pcapng section header has a bad length")]
    [InlineData(32u, "its pcapng section header is cut short")]
    public void ASectionHeaderWithABadLengthSaysWhy(uint total, string why)
    {
        // The section header block written with a wrong total length (it is 28 bytes).
        var capture = new CaptureBytes().Section(total).ToArray();

        Assert.Equal($"The capture 'lab.cap' cannot be read: {why}.", Unreadable(capture).Message);
    }

    [Fact]
    public void ASectionHeaderWithAnUnknownByteOrderMagicSaysWhy()
    {
        Assert.Equal("The capture 'lab.cap' cannot be read: its pcapng byte-order magic is wrong.", Unreadable(new CaptureBytes().Section(magic: 0x12345678).ToArray()).Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PcapngBlocksReadInBothByteOrders(bool bigEndian)
    {
        var secrets = new List<(uint, byte[])>();
        var capture = new CaptureBytes(bigEndian).Section().Interface(101).Interface(1)
            .Secrets(0x544c534b, Encoding.ASCII.GetBytes("CLIENT_RANDOM x y\n"))
            .Enhanced(1, 0x1_0000_0001, FrameA).Enhanced(0, 5, FrameB).Simple((uint)FrameB.Length, FrameB).ToArray();

        var frames = ReadAll(capture, out var damaged, out var secretsBlocks, secrets);

        Assert.Equal(new[] { (0x1_0000_0001L, 1), (5L, 101), (0L, 101) }, frames.Select(f => (f.Micros, f.LinkType)));
        Assert.Equal(new[] { FrameA, FrameB, FrameB }, frames.Select(f => f.Data));
        Assert.Equal(0, damaged);
        Assert.Equal(1, secretsBlocks);
        var (type, data) = Assert.Single(secrets);
        Assert.Equal(0x544c534bu, type);
        Assert.Equal("CLIENT_RANDOM x y\n", Encoding.ASCII.GetString(data));
    }

    [Fact]
    public void ANewSectionForgetsTheInterfacesOfTheOneBefore()
    {
        var capture = new CaptureBytes().Section().Interface(101).Enhanced(0, 1, FrameA)
            .Section().Enhanced(0, 2, FrameB).Interface(1).Enhanced(0, 3, FrameB).ToArray();

        var frames = ReadAll(capture, out var damaged, out _);

        Assert.Equal(new[] { (1L, 101), (3L, 1) }, frames.Select(f => (f.Micros, f.LinkType)));
        Assert.Equal(1, damaged);
    }

    [Fact]
    public void ASecondSectionThatCannotBeReadEndsTheCaptureAsDamage()
    {
        var capture = new CaptureBytes().Section().Interface(101).Enhanced(0, 1, FrameA).Section(magic: 0x01020304).Interface(101).Enhanced(0, 2, FrameB).ToArray();

        var frames = ReadAll(capture, out var damaged, out _);

        Assert.Single(frames);
        Assert.Equal(1, damaged);
    }

    [Theory]
    [InlineData(8u)]
    [InlineData(14u)]
    [InlineData((16u << 20) + 4)]
    public void ABlockLengthThatCannotBeFollowedEndsTheCapture(uint total)
    {
        var capture = new CaptureBytes().Section().Interface(101).Enhanced(0, 1, FrameA).Block(6, new byte[20], total).Enhanced(0, 2, FrameB).ToArray();

        var frames = ReadAll(capture, out var damaged, out _);

        Assert.Single(frames);
        Assert.Equal(1, damaged);
    }

    [Fact]
    public void ABlockOfSixteenMebibytesIsRead()
    {
        var frame = new byte[(16 << 20) - 32];
        frame[^1] = 0x5a;
        var capture = new CaptureBytes().Section().Interface(101).Enhanced(0, 1, frame).Enhanced(0, 2, FrameB).ToArray();

        var frames = ReadAll(capture, out var damaged, out _);

        Assert.Equal(2, frames.Count);
        Assert.Equal(0x5a, frames[0].Data[^1]);
        Assert.Equal(0, damaged);
    }

    [Fact]
    public void ABlockCutShortIsDamagedAndEndsTheCapture()
    {
        var capture = new CaptureBytes().Section().Interface(101).Enhanced(0, 1, FrameA).Enhanced(0, 2, FrameB).ToArray();

        var frames = ReadAll(capture[..^2], out var damaged, out _);

        Assert.Single(frames);
        Assert.Equal(1, damaged);
    }

    [Fact]
    public void PacketBlocksAtTheirShortestAreReadAndShorterOnesAreDamaged()
    {
        var capture = new CaptureBytes().Section().Interface(101)
            .Block(6, new byte[16]) // 16 bytes: shorter than an enhanced packet's fixed part
            .Enhanced(0, 4, Array.Empty<byte>()) // exactly the fixed part, an empty frame
            .Block(3, Array.Empty<byte>()) // no original length
            .Simple(0, Array.Empty<byte>()) // exactly the original length
            .Simple(3, FrameB) // the original length is shorter than the data: the data past it is padding
            .Secrets(0x544c534b, Array.Empty<byte>()) // an empty key log
            .Block(10, new byte[4]) // no secrets length
            .Enhanced(0, 9, FrameA).ToArray();

        var frames = ReadAll(capture, out var damaged, out var secretsBlocks);

        Assert.Equal(new[] { 0, 0, 3, FrameA.Length }, frames.Select(f => f.Data.Length));
        Assert.Equal(FrameB[..3], frames[2].Data);
        Assert.Equal(3, damaged);
        Assert.Equal(1, secretsBlocks);
    }

    [Fact]
    public void ASimplePacketBeforeAnyInterfaceIsDamaged()
    {
        var capture = new CaptureBytes().Section().Simple((uint)FrameB.Length, FrameB).Interface(101).Simple((uint)FrameB.Length, FrameB).ToArray();

        var frames = ReadAll(capture, out var damaged, out _);

        Assert.Single(frames);
        Assert.Equal(1, damaged);
    }

    [Theory]
    [InlineData(new byte[] { 9, 0, 1, 0, 6, 0, 0, 0 }, 7_000_000UL, 7_000_000L)]
    [InlineData(new byte[] { 9, 0, 1, 0, 3, 0, 0, 0 }, 7_000UL, 7_000_000L)]
    [InlineData(new byte[] { 9, 0, 1, 0, 18, 0, 0, 0 }, 7_000_000_000_000_000_000UL, 7_000_000L)]
    [InlineData(new byte[] { 9, 0, 1, 0, 0x80 | 62, 0, 0, 0 }, 1UL << 62, 1_000_000L)]
    [InlineData(new byte[] { 2, 0, 3, 0, 0x61, 0x62, 0x63, 0, 9, 0, 1, 0, 3, 0, 0, 0 }, 7_000UL, 7_000_000L)] // if_name first
    [InlineData(new byte[] { 0, 0, 0, 0, 9, 0, 1, 0, 3, 0, 0, 0 }, 7_000UL, 7_000UL)] // opt_endofopt ends the options
    [InlineData(new byte[] { 9, 0, 0, 0, 3, 0, 0, 0 }, 7_000UL, 7_000L)] // an empty if_tsresol is ignored
    [InlineData(new byte[] { 9, 0, 9, 0, 3, 0, 0, 0 }, 7_000UL, 7_000L)] // an option longer than the block ends them
    [InlineData(new byte[] { 9, 0, 1 }, 7_000UL, 7_000L)] // three bytes are no option
    public void InterfaceOptionsSetTheTimestampResolution(byte[] options, ulong ticks, long micros)
    {
        var capture = new CaptureBytes().Section().Interface(101, options).Enhanced(0, ticks, FrameA).ToArray();

        var frames = ReadAll(capture, out var damaged, out _);

        Assert.Equal(micros, Assert.Single(frames).Micros);
        Assert.Equal(0, damaged);
    }

    [Theory]
    [InlineData(0x80 | 63)]
    [InlineData(19)]
    public void AResolutionBeyondWhatFitsMakesTheInterfacesPacketsDamaged(byte tsresol)
    {
        var capture = new CaptureBytes().Section().Interface(101, 9, 0, 1, 0, tsresol, 0, 0, 0).Enhanced(0, 1, FrameA).Interface(101).Enhanced(1, 2, FrameB).ToArray();

        var frames = ReadAll(capture, out var damaged, out _);

        Assert.Equal(FrameB, Assert.Single(frames).Data);
        Assert.Equal(1, damaged);
    }

    [Fact]
    public void TheLastMicrosecondADateTimeHoldsIsReadAndTheNextIsDamaged()
    {
        const ulong last = 253_402_300_799_999_999;
        var capture = new CaptureBytes().Section().Interface(101).Enhanced(0, last, FrameA).Enhanced(0, last + 1, FrameB).ToArray();

        var frames = ReadAll(capture, out var damaged, out _);

        Assert.Equal((long)last, Assert.Single(frames).Micros);
        Assert.Equal(1, damaged);
    }

    [Fact]
    public void AnInterfaceBlockTooShortKeepsItsIdButItsPacketsAreDamaged()
    {
        var capture = new CaptureBytes().Section().Block(1, new byte[4]).Interface(101).Enhanced(0, 1, FrameA).Enhanced(1, 2, FrameB).Enhanced(2, 3, FrameB).ToArray();

        var frames = ReadAll(capture, out var damaged, out _);

        Assert.Equal(FrameB, Assert.Single(frames).Data);
        // The short block itself, its packet, and the packet of interface 2, which no block described.
        Assert.Equal(3, damaged);
    }

    [Fact]
    public void PositionFollowsASeekableStreamAndIsZeroOtherwise()
    {
        var capture = new CaptureBytes().PcapHeader(0xa1b2c3d4, 101).Record(1, 0, FrameA).ToArray();
        var stream = new MemoryStream(capture);
        var reader = new CaptureReader(stream, "t", ownsStream: false);
        Assert.Equal(24, reader.Position);
        Assert.True(reader.TryRead(out _));
        Assert.Equal(capture.Length, reader.Position);
        reader.Dispose();
        // Not the reader's stream: still open.
        Assert.True(stream.CanRead);

        using var unseekable = new CaptureReader(new UnseekableStream(capture), "t");
        Assert.Equal(0, unseekable.Position);

        var owned = new MemoryStream(capture);
        new CaptureReader(owned, "t").Dispose();
        Assert.False(owned.CanRead);
    }

    /// <summary>A stream that reads but cannot seek, as a pipe.</summary>
    private sealed class UnseekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }

    [Fact]
    public void TheWriterLaysOutEachBlockAsThePcapngDocumentDoes()
    {
        var stream = new MemoryStream();
        var buffered = new BufferedStream(stream, 1 << 20);
        var writer = new PcapngWriter(buffered, ownsStream: false);
        writer.WriteSecrets("CLIENT_RANDOM a b\n");
        writer.WritePacket(0x1_0000_0002, 101, FrameB);
        writer.WritePacket(-5, 1, FrameA[..2]);
        writer.WritePacket(3, 101, FrameB[..1]);
        Assert.Equal(0, stream.Length);
        writer.Flush();

        var expected = new CaptureBytes()
            .Section()
            .Secrets(0x544c534b, Encoding.UTF8.GetBytes("CLIENT_RANDOM a b\n"))
            .Interface(101)
            .Enhanced(0, 0x1_0000_0002, FrameB)
            .Interface(1)
            .Enhanced(1, 0, FrameA[..2]) // a time before 1970 is written as 0
            .Enhanced(0, 3, FrameB[..1]) // padded with zeros, whatever the block before left in the buffer
            .ToArray();
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(stream.ToArray()));
        Assert.Equal(3, writer.Packets);
        writer.Dispose();
        Assert.True(stream.CanRead);
    }

    [Fact]
    public void TheWriterWritesFramesLargerThanItsBuffer()
    {
        var big = Enumerable.Range(0, 200_000).Select(i => (byte)i).ToArray();
        var stream = new MemoryStream();
        using (var writer = new PcapngWriter(stream, ownsStream: false))
        {
            writer.WritePacket(1, 101, big);
            writer.WritePacket(2, 101, FrameB);
        }

        var frames = ReadAll(stream.ToArray(), out var damaged, out _);

        Assert.Equal(new[] { big, FrameB }, frames.Select(f => f.Data));
        Assert.Equal(0, damaged);
    }
}
