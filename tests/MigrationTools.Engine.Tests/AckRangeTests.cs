using System.Collections.Generic;
using MigrationTools.Analysis.Quic;
using Xunit;

namespace MigrationTools.Engine.Tests;

/// <summary>ACK ranges (RFC 9000 section 19.3.1): gaps and lengths after the first range, their bounds and their count.</summary>
public sealed class AckRangeTests
{
    private static List<(ulong, ulong)> Ranges(ulong largest, ulong first, ulong count, params byte[] pairs)
    {
        var ranges = new List<(ulong, ulong)>();
        var enumerator = new AckRangeEnumerator(largest, first, pairs, count);
        while (enumerator.MoveNext())
        {
            ranges.Add(enumerator.Current);
        }

        Assert.False(enumerator.MoveNext()); // and it stays ended
        return ranges;
    }

    [Fact]
    public void EachGapAndLengthGivesTheNextRangeBelow()
    {
        // Largest 20, first range 2 (18..20); gap 1 -> next largest 15, length 3 (12..15); gap 0 -> 10, length 0.
        Assert.Equal(new[] { (18UL, 20UL), (12UL, 15UL), (10UL, 10UL) }, Ranges(20, 2, 2, 1, 3, 0, 0));
    }

    [Fact]
    public void OnlyTheAnnouncedNumberOfRangesIsRead()
    {
        Assert.Equal(new[] { (18UL, 20UL), (12UL, 15UL) }, Ranges(20, 2, 1, 1, 3, 0, 0));
        Assert.Equal(new[] { (18UL, 20UL) }, Ranges(20, 2, 0, 1, 3));
    }

    [Fact]
    public void ARangeMayReachPacketZero()
    {
        // Smallest 8, gap 6: the next largest is 8 - 6 - 2 = 0, a range of one packet.
        Assert.Equal(new[] { (8UL, 10UL), (0UL, 0UL) }, Ranges(10, 2, 1, 6, 0));
        // The first range may cover everything down to 0.
        Assert.Equal(new[] { (0UL, 10UL) }, Ranges(10, 10, 0));
    }

    [Fact]
    public void AGapOrLengthBelowZeroEndsTheRanges()
    {
        Assert.Equal(new[] { (8UL, 10UL) }, Ranges(10, 2, 1, 7, 0));   // 8 - 7 - 2 < 0
        Assert.Equal(new[] { (8UL, 10UL) }, Ranges(10, 2, 1, 0, 7));   // next largest 6, length 7
        Assert.Empty(Ranges(10, 11, 0));                               // a first range longer than the largest
    }

    [Fact]
    public void MissingBytesEndTheRanges()
    {
        Assert.Equal(new[] { (18UL, 20UL) }, Ranges(20, 2, 1, 1));
        Assert.Equal(new[] { (18UL, 20UL) }, Ranges(20, 2, 1));
    }
}
