using System.Linq;
using MigrationTools.Analysis.Quic;
using Xunit;

namespace MigrationTools.Engine.Tests;

/// <summary>The limits of NEW_CONNECTION_ID and the PATH frames (RFC 9000 sections 19.15, 19.17, 19.18).</summary>
public sealed class FrameBoundsTests
{
    /// <summary>Whether the first frame reads, with its Retire Prior To and data length.</summary>
    private static (bool Read, ulong RetirePriorTo, int DataLength) One(byte[] bytes)
    {
        var reader = new QuicFrameReader(bytes);
        return reader.TryNext(out var frame) ? (true, frame.RetirePriorTo, frame.Data.Length) : (false, 0, 0);
    }

    private static byte[] NewConnectionId(byte sequence, byte retirePriorTo, int length) =>
        new byte[] { 0x18, sequence, retirePriorTo, (byte)length }.Concat(Enumerable.Repeat((byte)0xc1, length)).Concat(new byte[16]).ToArray();

    [Fact]
    public void RetirePriorToMayEqualTheSequenceButNotExceedIt()
    {
        var frame = One(NewConnectionId(3, 3, 8));
        Assert.True(frame.Read);
        Assert.Equal(3UL, frame.RetirePriorTo);
        Assert.False(One(NewConnectionId(3, 4, 8)).Read);
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(20, true)]
    [InlineData(0, false)]
    [InlineData(21, false)]
    public void ConnectionIdsAreOneToTwentyBytes(int length, bool read)
    {
        var frame = One(NewConnectionId(1, 0, length));
        Assert.Equal(read, frame.Read);
        if (read)
        {
            Assert.Equal(length, frame.DataLength);
        }
    }

    [Theory]
    [InlineData(0x1a)]
    [InlineData(0x1b)]
    public void APathFrameNeedsAllEightBytes(byte type)
    {
        Assert.True(One(new byte[] { type, 1, 2, 3, 4, 5, 6, 7, 8 }).Read);
        Assert.False(One(new byte[] { type, 1, 2, 3, 4, 5, 6, 7 }).Read);
    }
}
