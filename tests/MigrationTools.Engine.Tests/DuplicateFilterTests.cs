using System;
using System.Linq;
using MigrationTools.Engine.Quic;
using Xunit;

namespace MigrationTools.Engine.Tests;

/// <summary>A datagram captured twice within 50 ms counts once; after that, or with other bytes, it is new.</summary>
public sealed class DuplicateFilterTests
{
    private static byte[] Datagram(int length, byte tag) => Enumerable.Repeat((byte)0, length - 16).Concat(Enumerable.Repeat(tag, 16)).ToArray();

    [Fact]
    public void TheSameDatagramWithinTheWindowIsADuplicate()
    {
        var filter = new DuplicateFilter();
        Assert.False(filter.IsDuplicate(1_000_000, Datagram(100, 1)));
        Assert.True(filter.IsDuplicate(1_000_010, Datagram(100, 1)));
        Assert.True(filter.IsDuplicate(1_049_999, Datagram(100, 1)));
        Assert.True(filter.IsDuplicate(1_050_000, Datagram(100, 1)), "exactly 50 ms later is still inside the window");
    }

    [Fact]
    public void AfterTheWindowTheSameBytesAreANewDatagram()
    {
        var filter = new DuplicateFilter();
        Assert.False(filter.IsDuplicate(1_000_000, Datagram(100, 1)));
        Assert.False(filter.IsDuplicate(1_050_001, Datagram(100, 1)));
        // ... and that one opens a window of its own.
        Assert.True(filter.IsDuplicate(1_090_000, Datagram(100, 1)));
    }

    [Fact]
    public void AnotherTagOrAnotherLengthIsAnotherDatagram()
    {
        var filter = new DuplicateFilter();
        Assert.False(filter.IsDuplicate(1_000_000, Datagram(100, 1)));
        Assert.False(filter.IsDuplicate(1_000_001, Datagram(100, 2)));
        Assert.False(filter.IsDuplicate(1_000_002, Datagram(101, 1)));
        Assert.True(filter.IsDuplicate(1_000_003, Datagram(101, 1)));
    }

    [Fact]
    public void DatagramsShorterThanATagAreNeverDuplicates()
    {
        var filter = new DuplicateFilter();
        var small = new byte[15];
        Assert.False(filter.IsDuplicate(1_000_000, small));
        Assert.False(filter.IsDuplicate(1_000_001, small));
        var sixteen = new byte[16];
        Assert.False(filter.IsDuplicate(1_000_002, sixteen));
        Assert.True(filter.IsDuplicate(1_000_003, sixteen));
    }

    [Fact]
    public void RemembersAtMost65536DatagramsAtATime()
    {
        var filter = new DuplicateFilter();
        for (var i = 0; i < 65537; i++)
        {
            var datagram = new byte[32];
            BitConverter.GetBytes(i).CopyTo(datagram, 20);
            Assert.False(filter.IsDuplicate(1_000_000, datagram));
        }

        // All within one microsecond: the oldest were forgotten for room, the newest are still known.
        var first = new byte[32];
        var last = new byte[32];
        BitConverter.GetBytes(65536).CopyTo(last, 20);
        Assert.True(filter.IsDuplicate(1_000_000, last));
        Assert.False(filter.IsDuplicate(1_000_000, first));
    }
}
