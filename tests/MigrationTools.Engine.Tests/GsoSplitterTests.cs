using System;
using System.Linq;
using MigrationTools.Analysis.Quic;
using Xunit;

namespace MigrationTools.Engine.Tests;

/// <summary>
/// Where the first short-header packet ends in a UDP payload captured before segmentation: segments built here of
/// a known size, with payload bytes that cannot be mistaken for a header unless a test means them to.
/// </summary>
public sealed class GsoSplitterTests
{
    private static readonly byte[] Dcid = { 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8 };

    /// <summary>A short-header packet of <paramref name="size"/> bytes: first byte 0x43, the DCID, then filler.</summary>
    private static byte[] Packet(int size, byte[]? dcid = null, byte filler = 0xee)
    {
        dcid ??= Dcid;
        var packet = Enumerable.Repeat(filler, size).ToArray();
        packet[0] = 0x43;
        dcid.CopyTo(packet, 1);
        return packet;
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    [Fact]
    public void EqualSegmentsEndAtTheSegmentSize()
    {
        var payload = Concat(Packet(100), Packet(100), Packet(100));
        Assert.Equal(100, GsoSplitter.SegmentLength(payload, Dcid.Length, 0));
    }

    [Fact]
    public void TheLastSegmentMayBeShorter()
    {
        var payload = Concat(Packet(120), Packet(120), Packet(40));
        Assert.Equal(120, GsoSplitter.SegmentLength(payload, Dcid.Length, 0));
    }

    [Fact]
    public void LaterSegmentsAreCutAtTheirOffsetInTheDatagram()
    {
        // The second call starts 120 bytes in: the segment size is judged from the datagram's start.
        var payload = Concat(Packet(120), Packet(120), Packet(120));
        Assert.Equal(120, GsoSplitter.SegmentLength(payload.AsSpan(120), Dcid.Length, 120));
        Assert.Equal(120, GsoSplitter.SegmentLength(payload.AsSpan(240), Dcid.Length, 240));
    }

    [Fact]
    public void ASinglePacketRunsToTheEnd()
    {
        Assert.Equal(300, GsoSplitter.SegmentLength(Packet(300), Dcid.Length, 0));
    }

    [Fact]
    public void TheDcidInsideThePayloadIsNotABoundaryWhenLaterSegmentsDoNotFit()
    {
        // The connection ID appears at 60 after a byte with the long-header bit clear, but 59 and 118 bytes later
        // there is no header (payload bytes 0x11 have that bit clear and are no DCID): a coincidence inside the
        // payload, not a segment boundary.
        var first = Packet(200, filler: 0x11);
        first[59] = 0x41;
        Dcid.CopyTo(first, 60);
        Assert.Equal(200, GsoSplitter.SegmentLength(first, Dcid.Length, 0));
    }

    [Fact]
    public void LaterSegmentsStartingWithALongHeaderFit()
    {
        // A later segment may start with a long header (its first byte has 0x80): only short headers must repeat the DCID.
        var first = Packet(200);
        first[59] = 0x41;
        Dcid.CopyTo(first, 60);
        Assert.Equal(59, GsoSplitter.SegmentLength(first, Dcid.Length, 0));
    }

    [Fact]
    public void ACandidateWithTheLongHeaderBitSetIsSkipped()
    {
        var first = Packet(100);
        first[39] = 0xc3; // long-header bit: not a short header
        Dcid.CopyTo(first, 40);
        var payload = Concat(first, Packet(100));
        Assert.Equal(100, GsoSplitter.SegmentLength(payload, Dcid.Length, 0));
    }

    [Fact]
    public void ConnectionIdsShorterThanFourBytesAreNotSplit()
    {
        var cid = new byte[] { 0xa1, 0xa2, 0xa3 };
        var payload = Concat(Packet(100, cid), Packet(100, cid));
        Assert.Equal(200, GsoSplitter.SegmentLength(payload, cid.Length, 0));
        var four = new byte[] { 0xa1, 0xa2, 0xa3, 0xa4 };
        Assert.Equal(100, GsoSplitter.SegmentLength(Concat(Packet(100, four), Packet(100, four)), four.Length, 0));
    }

    [Fact]
    public void APayloadTooShortForTwoPacketsIsOne()
    {
        // Two packets need 2 x (1 + DCID + 20) bytes at least.
        var minimum = 1 + Dcid.Length + 20;
        var justTooShort = Concat(Packet(minimum), Packet(minimum - 1));
        Assert.Equal(justTooShort.Length, GsoSplitter.SegmentLength(justTooShort, Dcid.Length, 0));
        var enough = Concat(Packet(minimum), Packet(minimum));
        Assert.Equal(minimum, GsoSplitter.SegmentLength(enough, Dcid.Length, 0));
    }

    [Fact]
    public void AHeaderTooCloseToTheStartIsNotABoundary()
    {
        // A packet is at least 1 + DCID + 20 bytes: a repeated DCID before that is payload.
        var first = Packet(200);
        first[20] = 0x43;
        Dcid.CopyTo(first, 21);
        Assert.Equal(200, GsoSplitter.SegmentLength(first, Dcid.Length, 0));
    }

    [Fact]
    public void ALaterSegmentCutShortBeforeItsDcidDoesNotFit()
    {
        // Segments of 100, and the third starts a short header at 200 but is cut after 4 bytes.
        var payload = Concat(Packet(100), Packet(100), new byte[] { 0x43, 0xd1, 0xd2, 0xd3 });
        Assert.Equal(payload.Length, GsoSplitter.SegmentLength(payload, Dcid.Length, 0));
    }
}
