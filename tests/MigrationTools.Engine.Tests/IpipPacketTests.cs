using System;
using System.Buffers.Binary;
using System.Net;
using MigrationTools.Agent.Relay;
using Xunit;

namespace MigrationTools.Engine.Tests;

public class IpipPacketTests
{
    private static readonly uint Router = Address("10.220.0.254");
    private static readonly uint Server = Address("10.220.0.2");

    private static uint Address(string text) => BinaryPrimitives.ReadUInt32BigEndian(IPAddress.Parse(text).GetAddressBytes());

    /// <summary>An ICMP echo request 10.200.0.2 -> 10.250.1.1 with a valid IPv4 header, DF set.</summary>
    private static byte[] InnerPing(int payload = 56)
    {
        var packet = new byte[20 + 8 + payload];
        packet[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        packet[6] = 0x40;
        packet[8] = 64;
        packet[9] = 1;
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(12), Address("10.200.0.2"));
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(16), Address("10.250.1.1"));
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(10), IpipPacket.HeaderChecksum(packet.AsSpan(0, 20)));
        packet[20] = 8;
        return packet;
    }

    [Fact]
    public void ChecksumMatchesTheTextbookHeader()
    {
        // 192.168.0.1 -> 192.168.0.199, UDP, total length 115: checksum 0xb861.
        var header = Convert.FromHexString("450000730000400040110000c0a80001c0a800c7");
        Assert.Equal(0xb861, IpipPacket.HeaderChecksum(header));
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(10), 0xb861);
        Assert.Equal(0, IpipPacket.HeaderChecksum(header));
    }

    [Fact]
    public void EncapsulatesAsTheKernelDoes()
    {
        var inner = InnerPing();
        var output = new byte[inner.Length + 20];
        var length = IpipPacket.Encapsulate(inner, Router, Server, 64, 0, 7, output);

        Assert.Equal(inner.Length + 20, length);
        Assert.Equal(0x45, output[0]);
        Assert.Equal(length, BinaryPrimitives.ReadUInt16BigEndian(output.AsSpan(2)));
        Assert.Equal(0x4000, BinaryPrimitives.ReadUInt16BigEndian(output.AsSpan(6)));
        Assert.Equal(64, output[8]);
        Assert.Equal(IpipPacket.ProtocolIpip, output[9]);
        Assert.Equal(Router, BinaryPrimitives.ReadUInt32BigEndian(output.AsSpan(12)));
        Assert.Equal(Server, BinaryPrimitives.ReadUInt32BigEndian(output.AsSpan(16)));
        Assert.Equal(0, IpipPacket.HeaderChecksum(output.AsSpan(0, 20)));
        Assert.True(output.AsSpan(20).SequenceEqual(inner));
    }

    [Fact]
    public void CopiesDontFragmentFromTheInnerHeader()
    {
        var inner = InnerPing();
        inner[6] = 0;
        var output = new byte[inner.Length + 20];
        IpipPacket.Encapsulate(inner, Router, Server, 64, 0, 0, output);
        Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(output.AsSpan(6)));
        Assert.False(IpipPacket.DontFragment(inner));
        Assert.True(IpipPacket.DontFragment(InnerPing()));
    }

    [Fact]
    public void WritesFragmentationNeededBackToTheSender()
    {
        var inner = InnerPing(1400);
        var output = new byte[64];
        var length = IpipPacket.FragmentationNeeded(inner, Router, 1480, output);

        Assert.Equal(20 + 8 + 28, length);
        Assert.Equal(0, IpipPacket.HeaderChecksum(output.AsSpan(0, 20)));
        Assert.Equal(1, output[9]);
        Assert.Equal(Router, BinaryPrimitives.ReadUInt32BigEndian(output.AsSpan(12)));
        Assert.True(output.AsSpan(16, 4).SequenceEqual(inner.AsSpan(12, 4)));
        Assert.Equal(3, output[20]);
        Assert.Equal(4, output[21]);
        Assert.Equal(1480, BinaryPrimitives.ReadUInt16BigEndian(output.AsSpan(26)));
        Assert.Equal(0, IpipPacket.HeaderChecksum(output.AsSpan(20, length - 20)));
        Assert.True(output.AsSpan(28, 28).SequenceEqual(inner.AsSpan(0, 28)));
    }

    [Fact]
    public void DecapsulatesWhatItEncapsulated()
    {
        var inner = InnerPing(1200);
        var output = new byte[inner.Length + 20];
        var length = IpipPacket.Encapsulate(inner, Router, Server, 64, 0, 1, output);

        Assert.Equal(IpipDrop.None, IpipPacket.TryDecapsulate(output.AsSpan(0, length), Router, out var offset, out var innerLength));
        Assert.Equal(20, offset);
        Assert.True(output.AsSpan(offset, innerLength).SequenceEqual(inner));
        Assert.Equal(IpipDrop.None, IpipPacket.TryDecapsulate(output.AsSpan(0, length), 0, out _, out _));
    }

    [Fact]
    public void HonoursOuterOptionsAndTrailingPadding()
    {
        var inner = InnerPing();
        var output = new byte[24 + inner.Length + 6];
        IpipPacket.Encapsulate(inner, Router, Server, 64, 0, 1, output.AsSpan(4));
        // Rebuild the outer header with one 4-byte option (IHL 6), then ethernet-style padding behind the packet.
        output.AsSpan(4, 20).CopyTo(output);
        output[0] = 0x46;
        BinaryPrimitives.WriteUInt16BigEndian(output.AsSpan(2), (ushort)(24 + inner.Length));
        output.AsSpan(20, 4).Fill(1);
        inner.CopyTo(output.AsSpan(24));

        Assert.Equal(IpipDrop.None, IpipPacket.TryDecapsulate(output, Router, out var offset, out var innerLength));
        Assert.Equal(24, offset);
        Assert.Equal(inner.Length, innerLength);
    }

    [Fact]
    public void DropsForeignPackets()
    {
        var inner = InnerPing();
        var output = new byte[inner.Length + 20];
        var length = IpipPacket.Encapsulate(inner, Router, Server, 64, 0, 1, output);

        Assert.Equal(IpipDrop.WrongSource, IpipPacket.TryDecapsulate(output.AsSpan(0, length), Server, out _, out _));

        var gre = (byte[])output.Clone();
        gre[9] = 47;
        Assert.Equal(IpipDrop.NotIpip, IpipPacket.TryDecapsulate(gre, Router, out _, out _));

        var sixInFour = (byte[])output.Clone();
        sixInFour[20] = 0x60;
        Assert.Equal(IpipDrop.InnerNotIPv4, IpipPacket.TryDecapsulate(sixInFour, Router, out _, out _));
        Assert.Equal(IpipDrop.InnerNotIPv4, IpipPacket.CheckInner(new byte[] { 0x60, 0, 0, 0 }));
        Assert.Equal(IpipDrop.InnerNotIPv4, IpipPacket.CheckInner(ReadOnlySpan<byte>.Empty));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(19)]
    [InlineData(39)]
    public void DropsTruncatedPackets(int keep)
    {
        var inner = InnerPing();
        var output = new byte[inner.Length + 20];
        IpipPacket.Encapsulate(inner, Router, Server, 64, 0, 1, output);

        Assert.Equal(IpipDrop.Malformed, IpipPacket.TryDecapsulate(output.AsSpan(0, keep), Router, out _, out _));
        Assert.NotEqual(IpipDrop.None, IpipPacket.CheckInner(inner.AsSpan(0, keep)));
    }

    [Fact]
    public void DropsBadLengthsAndHeaderLengths()
    {
        var inner = InnerPing();
        var output = new byte[inner.Length + 20];
        IpipPacket.Encapsulate(inner, Router, Server, 64, 0, 1, output);

        var shortIhl = (byte[])output.Clone();
        shortIhl[0] = 0x44;
        Assert.Equal(IpipDrop.Malformed, IpipPacket.TryDecapsulate(shortIhl, Router, out _, out _));

        var overlong = (byte[])output.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(overlong.AsSpan(2), (ushort)(output.Length + 1));
        Assert.Equal(IpipDrop.Malformed, IpipPacket.TryDecapsulate(overlong, Router, out _, out _));

        var innerOverlong = (byte[])output.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(innerOverlong.AsSpan(22), (ushort)(inner.Length + 1));
        Assert.Equal(IpipDrop.Malformed, IpipPacket.TryDecapsulate(innerOverlong, Router, out _, out _));

        var trailing = new byte[inner.Length + 3];
        inner.CopyTo(trailing, 0);
        Assert.Equal(IpipDrop.Malformed, IpipPacket.CheckInner(trailing));
    }

    [Fact]
    public void RandomAndMutatedPacketsNeverThrowOrEscapeTheBuffer()
    {
        var random = new Random(2003);
        var inner = InnerPing(100);
        var valid = new byte[inner.Length + 20];
        IpipPacket.Encapsulate(inner, Router, Server, 64, 0, 1, valid);
        var buffer = new byte[valid.Length + 64];
        for (var i = 0; i < 50_000; i++)
        {
            int length;
            if (i % 2 == 0)
            {
                length = random.Next(0, buffer.Length + 1);
                random.NextBytes(buffer.AsSpan(0, length));
            }
            else
            {
                valid.CopyTo(buffer, 0);
                length = random.Next(0, buffer.Length + 1);
                for (var flips = random.Next(1, 6); flips > 0; flips--)
                {
                    buffer[random.Next(buffer.Length)] ^= (byte)random.Next(1, 256);
                }
            }

            var packet = buffer.AsSpan(0, length);
            var verdict = IpipPacket.TryDecapsulate(packet, i % 3 == 0 ? 0 : Router, out var offset, out var innerLength);
            if (verdict == IpipDrop.None)
            {
                Assert.InRange(offset, 20, 60);
                Assert.InRange(offset + innerLength, offset + 20, length);
                Assert.Equal(IpipDrop.None, IpipPacket.CheckInner(packet.Slice(offset, innerLength)));
            }

            IpipPacket.CheckInner(packet);
        }
    }
}
