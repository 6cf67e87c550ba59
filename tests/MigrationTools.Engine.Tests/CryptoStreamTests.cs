using System;
using System.Linq;
using MigrationTools.Analysis.Quic;
using Xunit;

namespace MigrationTools.Engine.Tests;

/// <summary>CRYPTO frame data put back in order: out of order, repeated, overlapping, split, and bounded.</summary>
public sealed class CryptoStreamTests
{
    private static readonly byte[] Message = Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray();

    private static void Add(CryptoStream stream, int start, int end) => stream.Add((ulong)start, Message.AsSpan(start, end - start));

    [Fact]
    public void InOrderFramesAreContiguous()
    {
        var stream = new CryptoStream();
        Add(stream, 0, 1000);
        Add(stream, 1000, 2500);

        Assert.Equal(2500, stream.Contiguous);
        Assert.Equal(Message[..2500], stream.Data.ToArray());
    }

    [Fact]
    public void NothingIsContiguousUntilTheStartArrives()
    {
        var stream = new CryptoStream();
        Add(stream, 1200, 2400);
        Assert.Equal(0, stream.Contiguous);
        Assert.True(stream.Data.IsEmpty);

        Add(stream, 0, 1200);
        Assert.Equal(2400, stream.Contiguous);
        Assert.Equal(Message[..2400], stream.Data.ToArray());
    }

    [Fact]
    public void AGapKeepsLaterDataOutUntilItIsFilled()
    {
        var stream = new CryptoStream();
        Add(stream, 0, 100);
        Add(stream, 300, 400);
        Add(stream, 500, 600);
        Assert.Equal(100, stream.Contiguous);

        Add(stream, 100, 300);
        Assert.Equal(400, stream.Contiguous);
        Add(stream, 400, 500);
        Assert.Equal(600, stream.Contiguous);
        Assert.Equal(Message[..600], stream.Data.ToArray());
    }

    [Fact]
    public void RepeatedAndOverlappingFramesMerge()
    {
        var stream = new CryptoStream();
        Add(stream, 200, 400);
        Add(stream, 100, 300);
        Add(stream, 350, 450);
        Add(stream, 200, 400);
        Add(stream, 0, 150);

        Assert.Equal(450, stream.Contiguous);
        Assert.Equal(Message[..450], stream.Data.ToArray());
    }

    [Fact]
    public void RangesThatTouchJoin()
    {
        var stream = new CryptoStream();
        Add(stream, 10, 20);
        Add(stream, 30, 40);
        Add(stream, 20, 30);
        Add(stream, 0, 10);

        Assert.Equal(40, stream.Contiguous);
    }

    [Fact]
    public void ALargeMessageGrowsTheBuffer()
    {
        var stream = new CryptoStream();
        Add(stream, 3000, 5000);
        Add(stream, 0, 3000);

        Assert.Equal(5000, stream.Contiguous);
        Assert.Equal(Message, stream.Data.ToArray());
    }

    [Fact]
    public void EmptyFramesAndDataBeyond64KiBAreLeftOut()
    {
        var stream = new CryptoStream();
        stream.Add(0, ReadOnlySpan<byte>.Empty);
        Assert.Equal(0, stream.Contiguous);

        stream.Add(65536, new byte[10]);
        stream.Add(ulong.MaxValue, new byte[10]);
        stream.Add(0, new byte[65530]);
        stream.Add(65530, new byte[100]); // only 6 bytes fit under the bound
        Assert.Equal(65536, stream.Contiguous);
    }

    [Fact]
    public void AStreamCutIntoMoreGapsThanTheBoundKeepsTheBoundAndCountsTheRest()
    {
        var stream = new CryptoStream();
        // One byte at every other offset from 2 on: each frame would open a gap of its own.
        for (var i = 1; i <= 10_000; i++)
        {
            stream.Add((ulong)(2 * i), new[] { (byte)i });
        }

        Assert.Equal(10_000 - CryptoStream.MaxRanges, stream.Dropped);
        Assert.Equal(0, stream.Contiguous);
        // Frames that touch kept pieces still join them: the first 2 * 256 + 1 bytes become contiguous.
        stream.Add(0, new byte[2]);
        for (var i = 1; i < CryptoStream.MaxRanges; i++)
        {
            stream.Add((ulong)((2 * i) + 1), new byte[1]);
        }

        Assert.Equal((2 * CryptoStream.MaxRanges) + 1, stream.Contiguous);
        Assert.Equal(10_000 - CryptoStream.MaxRanges, stream.Dropped);
    }
}
