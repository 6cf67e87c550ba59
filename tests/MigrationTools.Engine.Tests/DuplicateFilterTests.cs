using System;
using System.Linq;
using System.Net;
using MigrationTools.Analysis.Capture;
using MigrationTools.Analysis.Quic;
using Xunit;

namespace MigrationTools.Engine.Tests;

/// <summary>A datagram captured twice within 50 ms counts once; after that, or with other bytes or addresses, it is new.</summary>
public sealed class DuplicateFilterTests
{
    private static readonly NetEndpoint Client = NetEndpoint.From(new IPEndPoint(IPAddress.Parse("10.200.0.2"), 40000));
    private static readonly NetEndpoint Server = NetEndpoint.From(new IPEndPoint(IPAddress.Parse("10.250.1.1"), 443));

    private static byte[] Datagram(int length, byte tag) => Enumerable.Repeat((byte)0, length - 16).Concat(Enumerable.Repeat(tag, 16)).ToArray();

    private static bool Seen(DuplicateFilter filter, long micros, byte[] datagram) => filter.IsDuplicate(micros, Client, Server, datagram);

    [Fact]
    public void TheSameDatagramWithinTheWindowIsADuplicate()
    {
        var filter = new DuplicateFilter();
        Assert.False(Seen(filter, 1_000_000, Datagram(100, 1)));
        Assert.True(Seen(filter, 1_000_010, Datagram(100, 1)));
        Assert.True(Seen(filter, 1_049_999, Datagram(100, 1)));
        Assert.True(Seen(filter, 1_050_000, Datagram(100, 1)), "exactly 50 ms later is still inside the window");
    }

    [Fact]
    public void AfterTheWindowTheSameBytesAreANewDatagram()
    {
        var filter = new DuplicateFilter();
        Assert.False(Seen(filter, 1_000_000, Datagram(100, 1)));
        Assert.False(Seen(filter, 1_050_001, Datagram(100, 1)));
        // ... and that one opens a window of its own.
        Assert.True(Seen(filter, 1_090_000, Datagram(100, 1)));
    }

    [Fact]
    public void AnotherTagOrAnotherLengthIsAnotherDatagram()
    {
        var filter = new DuplicateFilter();
        Assert.False(Seen(filter, 1_000_000, Datagram(100, 1)));
        Assert.False(Seen(filter, 1_000_001, Datagram(100, 2)));
        Assert.False(Seen(filter, 1_000_002, Datagram(101, 1)));
        Assert.True(Seen(filter, 1_000_003, Datagram(101, 1)));
    }

    [Fact]
    public void TwoDatagramsThatEndAlikeButDifferEarlierAreBothKept()
    {
        // Two different Initials padded with zeros to 1200 bytes (an ACK-only one, then the ServerHello), 3 ms apart.
        var ackOnly = new byte[1200];
        var serverHello = new byte[1200];
        new byte[] { 0xc0, 0, 0, 0, 1, 2 }.CopyTo(ackOnly, 0);
        new byte[] { 0xc0, 0, 0, 0, 1, 3 }.CopyTo(serverHello, 0);
        var filter = new DuplicateFilter();
        Assert.False(Seen(filter, 1_000_000, ackOnly));
        Assert.False(Seen(filter, 1_003_000, serverHello));
        Assert.True(Seen(filter, 1_003_100, serverHello));
    }

    [Fact]
    public void TheSameBytesBetweenOtherAddressesAreAnotherDatagram()
    {
        var filter = new DuplicateFilter();
        var other = NetEndpoint.From(new IPEndPoint(IPAddress.Parse("10.210.0.2"), 40000));
        Assert.False(filter.IsDuplicate(1_000_000, Client, Server, Datagram(100, 1)));
        Assert.False(filter.IsDuplicate(1_000_001, other, Server, Datagram(100, 1)));
        Assert.False(filter.IsDuplicate(1_000_002, Server, Client, Datagram(100, 1)));
        Assert.True(filter.IsDuplicate(1_000_003, other, Server, Datagram(100, 1)));
    }

    [Fact]
    public void RemembersAtMost65536DatagramsAtATime()
    {
        var filter = new DuplicateFilter();
        for (var i = 0; i < 65537; i++)
        {
            var datagram = new byte[32];
            BitConverter.GetBytes(i).CopyTo(datagram, 20);
            Assert.False(Seen(filter, 1_000_000, datagram));
        }

        // All within one microsecond: the oldest were forgotten for room, the newest are still known.
        var first = new byte[32];
        var last = new byte[32];
        BitConverter.GetBytes(65536).CopyTo(last, 20);
        Assert.True(Seen(filter, 1_000_000, last));
        Assert.False(Seen(filter, 1_000_000, first));
    }
}
