using System;
using System.Collections.Generic;
using MigrationTools.Analysis.Quic;
using Xunit;

namespace MigrationTools.Engine.Tests;

/// <summary>Every frame type read from its RFC 9000 section 19 encoding, written out byte by byte here.</summary>
public sealed class QuicFrameReaderTests
{
    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty));

    /// <summary>Reads the single frame of <paramref name="hex"/>, and checks that nothing is left and nothing is malformed.</summary>
    private static T One<T>(string hex, Func<QuicFrame, T> take)
    {
        var reader = new QuicFrameReader(Hex(hex));
        Assert.True(reader.TryNext(out var frame));
        var value = take(frame);
        Assert.False(reader.TryNext(out _));
        Assert.False(reader.Malformed);
        return value;
    }

    private static bool Malformed(string hex)
    {
        var reader = new QuicFrameReader(Hex(hex));
        while (reader.TryNext(out _))
        {
        }

        return reader.Malformed;
    }

    [Fact]
    public void AnAckWithTwoRangesIsWalkedLargestFirst()
    {
        // Largest 100, delay 5, 2 more ranges, first range 2 (98-100); gap 3, range 4 (89-93); gap 0, range 0 (87): RFC 9000 section 19.3.1.
        var ranges = One("02 40 64 05 02 02 03 04 00 00", f =>
        {
            Assert.Equal(QuicFrameType.Ack, f.Type);
            Assert.Equal(100UL, f.LargestAcknowledged);
            Assert.Equal(5UL, f.AckDelay);
            Assert.Equal(2UL, f.AckRangeCount);
            var list = new List<(ulong, ulong)>();
            foreach (var r in f.AckRanges)
            {
                list.Add(r);
            }

            return list;
        });

        Assert.Equal(new[] { (98UL, 100UL), (89UL, 93UL), (87UL, 87UL) }, ranges);
    }

    [Fact]
    public void AnAckWithEcnCountsReadsThemToo()
    {
        Assert.Equal(QuicFrameType.AckEcn, One("03 0a 00 00 01 07 08 09", f => f.Type));
        Assert.True(Malformed("03 0a 00 00 01 07 08"));
    }

    [Fact]
    public void AnAckRangeBelowZeroEndsTheWalk()
    {
        // Largest 3, first range 1 (2-3), then a gap of 5: nothing fits below, so the walk stops there.
        var count = One("02 03 00 01 01 05 00", f =>
        {
            var n = 0;
            foreach (var _ in f.AckRanges)
            {
                n++;
            }

            return n;
        });
        Assert.Equal(1, count);
    }

    [Fact]
    public void NewConnectionIdCarriesSequenceRetireCidAndToken()
    {
        var (sequence, retire, cid, token) = One("18 05 02 04 a1 b2 c3 d4 " + new string('e', 32),
            f => (f.Sequence, f.RetirePriorTo, Convert.ToHexString(f.Data), Convert.ToHexString(f.ResetToken)));

        Assert.Equal(5UL, sequence);
        Assert.Equal(2UL, retire);
        Assert.Equal("A1B2C3D4", cid);
        Assert.Equal(new string('E', 32), token);
    }

    [Theory]
    [InlineData("18 01 02 04 a1b2c3d4 eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", "retire prior to above the sequence")]
    [InlineData("18 01 00 00 eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", "an empty connection ID")]
    [InlineData("18 01 00 15 " + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" + "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", "a 21-byte connection ID")]
    [InlineData("18 01 00 04 a1b2c3d4 eeee", "a short token")]
    public void ANewConnectionIdThatBreaksTheRulesIsMalformed(string hex, string what)
    {
        Assert.True(Malformed(hex), what);
    }

    [Fact]
    public void RetireConnectionIdCarriesItsSequence()
    {
        Assert.Equal((QuicFrameType.RetireConnectionId, 63UL), One("19 3f", f => (f.Type, f.Sequence)));
        Assert.True(Malformed("19"));
    }

    [Fact]
    public void ConnectionCloseCarriesErrorFrameTypeAndReason()
    {
        var transport = One("1c 0a 08 03 616263", f => (f.Type, f.ErrorCode, f.TriggerFrameType, System.Text.Encoding.ASCII.GetString(f.Data)));
        Assert.Equal((QuicFrameType.ConnectionClose, 10UL, 8UL, "abc"), transport);
        var application = One("1d 07 02 6869", f => (f.Type, f.ErrorCode, f.TriggerFrameType, System.Text.Encoding.ASCII.GetString(f.Data)));
        Assert.Equal((QuicFrameType.ApplicationClose, 7UL, 0UL, "hi"), application);
        Assert.True(Malformed("1c 0a 08 05 6162"));
    }

    [Theory]
    [InlineData("04 01 02 03", nameof(QuicFrameType.ResetStream), 1UL, 2UL, 3UL)]
    [InlineData("05 01 02", nameof(QuicFrameType.StopSending), 1UL, 2UL, 0UL)]
    [InlineData("10 4400", nameof(QuicFrameType.MaxData), 0UL, 0UL, 1024UL)]
    [InlineData("11 04 4400", nameof(QuicFrameType.MaxStreamData), 4UL, 0UL, 1024UL)]
    [InlineData("12 09", nameof(QuicFrameType.MaxStreamsBidi), 0UL, 0UL, 9UL)]
    [InlineData("13 0a", nameof(QuicFrameType.MaxStreamsUni), 0UL, 0UL, 10UL)]
    [InlineData("14 0b", nameof(QuicFrameType.DataBlocked), 0UL, 0UL, 11UL)]
    [InlineData("15 08 0c", nameof(QuicFrameType.StreamDataBlocked), 8UL, 0UL, 12UL)]
    [InlineData("16 0d", nameof(QuicFrameType.StreamsBlockedBidi), 0UL, 0UL, 13UL)]
    [InlineData("17 0e", nameof(QuicFrameType.StreamsBlockedUni), 0UL, 0UL, 14UL)]
    public void FlowControlFramesCarryTheirNumbers(string hex, string typeName, ulong stream, ulong error, ulong value)
    {
        var type = Enum.Parse<QuicFrameType>(typeName);
        Assert.Equal((type, stream, error, value), One(hex, f => (f.Type, f.StreamId, f.ErrorCode, f.Value)));
    }

    [Theory]
    [InlineData("04 01 02")]
    [InlineData("05 01")]
    [InlineData("11 04")]
    [InlineData("10")]
    public void AFlowControlFrameCutShortIsMalformed(string hex)
    {
        Assert.True(Malformed(hex));
    }

    [Fact]
    public void NewTokenCarriesItsToken()
    {
        Assert.Equal("0A0B0C", One("07 03 0a0b0c", f => Convert.ToHexString(f.Data)));
        Assert.True(Malformed("07 00"));
        Assert.True(Malformed("07 05 0a0b"));
    }

    [Fact]
    public void HandshakeDoneAndPingHaveNoFields()
    {
        var reader = new QuicFrameReader(Hex("1e 01"));
        Assert.True(reader.TryNext(out var first));
        Assert.Equal(QuicFrameType.HandshakeDone, first.Type);
        Assert.True(reader.TryNext(out var second));
        Assert.Equal(QuicFrameType.Ping, second.Type);
        Assert.False(reader.TryNext(out _));
    }

    [Fact]
    public void AnUnknownFrameTypeStopsTheReadAsMalformed()
    {
        Assert.True(Malformed("01 21 00"));
    }
}
