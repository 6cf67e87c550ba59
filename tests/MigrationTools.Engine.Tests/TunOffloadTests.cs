using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using MigrationTools.Agent.Relay;
using Xunit;

namespace MigrationTools.Engine.Tests;

/// <summary>
/// Segmentation (TSO/USO) and coalescing (GRO) of the userspace tunnel's TUN offloads, against crafted packets;
/// checksums are verified with a byte-by-byte RFC 1071 sum written here, not the code under test.
/// </summary>
public sealed class TunOffloadTests
{
    private const int Stride = 2048;
    private const int Headroom = 20;

    /// <summary>RFC 1071, the slow and obvious way.</summary>
    internal static ushort NaiveSum(IEnumerable<byte> bytes)
    {
        var data = bytes.ToArray();
        uint sum = 0;
        for (var i = 0; i < data.Length; i += 2)
        {
            sum += (uint)((data[i] << 8) | (i + 1 < data.Length ? data[i + 1] : 0));
            sum = (sum & 0xffff) + (sum >> 16);
        }

        return (ushort)sum;
    }

    internal static bool IPv4HeaderValid(byte[] packet) => NaiveSum(packet.Take((packet[0] & 0x0f) * 4)) == 0xffff;

    internal static byte[] Pseudo(byte[] packet, byte protocol, int length)
    {
        var v6 = packet[0] >> 4 == 6;
        var addresses = v6 ? packet.Skip(8).Take(32) : packet.Skip(12).Take(8);
        return addresses.Concat(new byte[] { 0, protocol, (byte)(length >> 8), (byte)length }).ToArray();
    }

    internal static bool TransportValid(byte[] packet, byte protocol)
    {
        var ipLength = packet[0] >> 4 == 6 ? 40 : (packet[0] & 0x0f) * 4;
        var transport = packet.Skip(ipLength).ToArray();
        return NaiveSum(Pseudo(packet, protocol, transport.Length).Concat(transport)) == 0xffff;
    }

    /// <summary>A TCP packet: IPv4 (id 0x1234, DF) or IPv6, TCP with 12 bytes of options, the given flags and payload.</summary>
    internal static byte[] TcpPacket(bool ipv6, int payloadLength, byte flags = 0x18, uint sequence = 1000, ushort id = 0x1234, ushort sourcePort = 40000, int seed = 1)
    {
        var ipLength = ipv6 ? 40 : 20;
        var packet = new byte[ipLength + 32 + payloadLength];
        if (ipv6)
        {
            packet[0] = 0x60;
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)(32 + payloadLength));
            packet[6] = 6;
            packet[7] = 64;
            packet[23] = 1;
            packet[39] = 2;
            packet[8] = packet[24] = 0xfd;
        }
        else
        {
            packet[0] = 0x45;
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), id);
            packet[6] = 0x40;
            packet[8] = 64;
            packet[9] = 6;
            new byte[] { 192, 168, 77, 1, 192, 168, 77, 2 }.CopyTo(packet, 12);
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(10), (ushort)~NaiveSum(packet.Take(20)));
        }

        var tcp = packet.AsSpan(ipLength);
        BinaryPrimitives.WriteUInt16BigEndian(tcp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], 5201);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], sequence);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[8..], 777);
        tcp[12] = 8 << 4;
        tcp[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], 500);
        new byte[] { 1, 1, 8, 10, 0, 0, 0, 9, 0, 0, 0, 7 }.CopyTo(tcp[20..]);
        new Random(seed).NextBytes(tcp[32..]);
        var sum = (ushort)~NaiveSum(Pseudo(packet, 6, 32 + payloadLength).Concat(packet.Skip(ipLength)));
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], sum);
        return packet;
    }

    internal static byte[] UdpPacket(int payloadLength)
    {
        var packet = new byte[28 + payloadLength];
        packet[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        packet[8] = 64;
        packet[9] = 17;
        new byte[] { 192, 168, 77, 1, 192, 168, 77, 2 }.CopyTo(packet, 12);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(20), 5000);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(22), 5001);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(24), (ushort)(8 + payloadLength));
        new Random(3).NextBytes(packet.AsSpan(28));
        return packet;
    }

    internal static List<byte[]> Run(byte[] packet, VirtioNetHeader header, out int result)
    {
        var output = new byte[64 * Stride];
        var lengths = new int[64];
        result = GsoSegmenter.Segment(packet, header, output, Stride, Headroom, lengths);
        var segments = new List<byte[]>();
        for (var i = 0; i < result; i++)
        {
            segments.Add(output.AsSpan((i * Stride) + Headroom, lengths[i]).ToArray());
        }

        return segments;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ATsoPacketIsCutAtTheSegmentSizeWithValidHeadersAndChecksums(bool ipv6)
    {
        var ipLength = ipv6 ? 40 : 20;
        var packet = TcpPacket(ipv6, 4000, flags: 0x19 | 0x80); // ACK, PSH, FIN, CWR
        var header = new VirtioNetHeader(VirtioNetHeader.NeedsChecksum, ipv6 ? VirtioNetHeader.GsoTcpV6 : VirtioNetHeader.GsoTcpV4, (ushort)(ipLength + 32), 1448, (ushort)ipLength, 16);

        var segments = Run(packet, header, out var count);

        Assert.Equal(3, count);
        Assert.Equal(new[] { 1448, 1448, 1104 }, segments.Select(s => s.Length - ipLength - 32));
        Assert.Equal(packet.Skip(ipLength + 32), segments.SelectMany(s => s.Skip(ipLength + 32)));
        for (var i = 0; i < 3; i++)
        {
            var s = segments[i];
            Assert.Equal(1000u + (uint)(i * 1448), BinaryPrimitives.ReadUInt32BigEndian(s.AsSpan(ipLength + 4)));
            Assert.Equal(i == 0 ? 0x90 : i == 2 ? 0x19 : 0x10, s[ipLength + 13]);
            Assert.True(TransportValid(s, 6), $"TCP checksum of segment {i}");
            Assert.Equal(packet.AsSpan(ipLength + 20, 12).ToArray(), s.AsSpan(ipLength + 20, 12).ToArray());
            if (ipv6)
            {
                Assert.Equal(s.Length - 40, BinaryPrimitives.ReadUInt16BigEndian(s.AsSpan(4)));
            }
            else
            {
                Assert.Equal(s.Length, BinaryPrimitives.ReadUInt16BigEndian(s.AsSpan(2)));
                Assert.Equal(0x1234 + i, BinaryPrimitives.ReadUInt16BigEndian(s.AsSpan(4)));
                Assert.True(IPv4HeaderValid(s), $"IPv4 checksum of segment {i}");
            }
        }
    }

    [Fact]
    public void AUsoPacketBecomesDatagramsWithTheirOwnLengthAndChecksum()
    {
        var packet = UdpPacket(3000);
        var header = new VirtioNetHeader(VirtioNetHeader.NeedsChecksum, VirtioNetHeader.GsoUdpL4, 28, 1200, 20, 6);

        var segments = Run(packet, header, out var count);

        Assert.Equal(3, count);
        Assert.Equal(new[] { 1208, 1208, 608 }, segments.Select(s => (int)BinaryPrimitives.ReadUInt16BigEndian(s.AsSpan(24))));
        Assert.All(segments, s => Assert.True(TransportValid(s, 17) && IPv4HeaderValid(s)));
        Assert.Equal(packet.Skip(28), segments.SelectMany(s => s.Skip(28)));
    }

    [Fact]
    public void APacketWhoseChecksumWasLeftToFinishGetsIt()
    {
        var packet = TcpPacket(false, 100);
        // What the kernel hands over with NEEDS_CSUM: only the pseudo-header sum in the checksum field.
        var partial = NaiveSum(Pseudo(packet, 6, 132));
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(36), partial);
        var header = new VirtioNetHeader(VirtioNetHeader.NeedsChecksum, VirtioNetHeader.GsoNone, 0, 0, 20, 16);

        var segments = Run(packet, header, out var count);

        Assert.Equal(1, count);
        Assert.True(TransportValid(segments[0], 6));
    }

    [Fact]
    public void AWholePacketPassesUnchanged()
    {
        var packet = TcpPacket(false, 100);

        var segments = Run(packet, default, out var count);

        Assert.Equal(1, count);
        Assert.Equal(packet, segments[0]);
    }

    [Theory]
    [InlineData("TCP GSO on a UDP packet")]
    [InlineData("a fragment")]
    [InlineData("cut short")]
    [InlineData("no segment size")]
    public void WhatDoesNotHoldTogetherIsRefused(string what)
    {
        var packet = what == "TCP GSO on a UDP packet" ? UdpPacket(3000) : TcpPacket(false, 3000);
        var header = new VirtioNetHeader(VirtioNetHeader.NeedsChecksum, VirtioNetHeader.GsoTcpV4, 52, (ushort)(what == "no segment size" ? 0 : 1448), 20, 16);
        if (what == "a fragment")
        {
            packet[6] = 0x20;
        }

        var data = what == "cut short" ? packet.AsSpan(0, 30).ToArray() : packet;

        Run(data, header, out var result);

        Assert.Equal(-1, result);
    }

    [Fact]
    public void TooLittleRoomIsSaidSoAndWritesNothingPastIt()
    {
        var packet = TcpPacket(false, 4000);
        var header = new VirtioNetHeader(VirtioNetHeader.NeedsChecksum, VirtioNetHeader.GsoTcpV4, 52, 1448, 20, 16);

        Assert.Equal(-2, GsoSegmenter.Segment(packet, header, new byte[2 * Stride], Stride, Headroom, new int[2]));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ConsecutiveSegmentsAreJoinedIntoOneGsoPacket(bool ipv6)
    {
        var ipLength = ipv6 ? 40 : 20;
        var original = TcpPacket(ipv6, 4000, flags: 0x18);
        var segments = Run(original, new VirtioNetHeader(VirtioNetHeader.NeedsChecksum, ipv6 ? VirtioNetHeader.GsoTcpV6 : VirtioNetHeader.GsoTcpV4, 0, 1448, (ushort)ipLength, 16), out _);
        var gro = new GroCoalescer();

        Assert.True(gro.TryStart(segments[0]));
        Assert.True(gro.TryAppend(segments[1]));
        Assert.True(gro.TryAppend(segments[2]));
        var frame = gro.Finish().ToArray();

        var header = VirtioNetHeader.Read(frame);
        Assert.Equal(ipv6 ? VirtioNetHeader.GsoTcpV6 : VirtioNetHeader.GsoTcpV4, header.GsoType);
        Assert.Equal(VirtioNetHeader.NeedsChecksum, header.Flags);
        Assert.Equal(1448, header.GsoSize);
        Assert.Equal(ipLength + 32, header.HeaderLength);
        Assert.Equal(ipLength, header.ChecksumStart);
        Assert.Equal(16, header.ChecksumOffset);
        var packet = frame.Skip(VirtioNetHeader.Size).ToArray();
        Assert.Equal(original.Length, packet.Length);
        Assert.Equal(original.Skip(ipLength + 32), packet.Skip(ipLength + 32));
        Assert.Equal(0x18, packet[ipLength + 13]);
        Assert.True(ipv6 || IPv4HeaderValid(packet));
        // The checksum field holds the pseudo-header sum over the whole segment, for the kernel to finish.
        Assert.Equal(NaiveSum(Pseudo(packet, 6, packet.Length - ipLength)), BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(ipLength + 16)));
    }

    [Theory]
    [InlineData("a sequence gap")]
    [InlineData("another flow")]
    [InlineData("a skipped IPv4 id")]
    [InlineData("a larger segment")]
    [InlineData("a SYN")]
    public void ASegmentThatDoesNotContinueTheFlowIsNotJoined(string what)
    {
        var first = TcpPacket(false, 1000, flags: 0x10);
        var next = what switch
        {
            "a sequence gap" => TcpPacket(false, 1000, flags: 0x10, sequence: 3000, id: 0x1235),
            "another flow" => TcpPacket(false, 1000, flags: 0x10, sequence: 2000, id: 0x1235, sourcePort: 40001),
            "a skipped IPv4 id" => TcpPacket(false, 1000, flags: 0x10, sequence: 2000, id: 0x1236),
            "a larger segment" => TcpPacket(false, 1200, flags: 0x10, sequence: 2000, id: 0x1235),
            _ => TcpPacket(false, 1000, flags: 0x12, sequence: 2000, id: 0x1235),
        };
        var gro = new GroCoalescer();

        Assert.True(gro.TryStart(first));
        Assert.False(gro.TryAppend(next));
        Assert.Equal(1, gro.Count);
        // Alone, the first segment comes back exactly as it was, behind an all-zero header.
        var frame = gro.Finish().ToArray();
        Assert.All(frame.Take(VirtioNetHeader.Size), b => Assert.Equal(0, b));
        Assert.Equal(first, frame.Skip(VirtioNetHeader.Size).ToArray());
    }

    [Fact]
    public void PshEndsARunAndAShortSegmentToo()
    {
        var gro = new GroCoalescer();
        Assert.False(gro.TryStart(TcpPacket(false, 1000, flags: 0x18)), "a segment with PSH cannot start a run");
        Assert.True(gro.TryStart(TcpPacket(false, 1000, flags: 0x10)));
        Assert.True(gro.TryAppend(TcpPacket(false, 500, flags: 0x10, sequence: 2000, id: 0x1235)));
        Assert.False(gro.TryAppend(TcpPacket(false, 1000, flags: 0x10, sequence: 2500, id: 0x1236)));
        Assert.True(gro.TryStart(TcpPacket(false, 1000, flags: 0x10)));
        Assert.True(gro.TryAppend(TcpPacket(false, 1000, flags: 0x18, sequence: 2000, id: 0x1235)));
        Assert.False(gro.TryAppend(TcpPacket(false, 1000, flags: 0x10, sequence: 3000, id: 0x1236)));
        var packet = gro.Finish().ToArray().Skip(VirtioNetHeader.Size).ToArray();
        Assert.Equal(0x18, packet[33]);
    }

    [Fact]
    public void TheHeaderRoundTrips()
    {
        var header = new VirtioNetHeader(1, 4, 60, 1440, 40, 16);
        var bytes = new byte[VirtioNetHeader.Size];
        header.Write(bytes);

        Assert.Equal(new byte[] { 1, 4, 60, 0, 0xa0, 5, 40, 0, 16, 0 }, bytes);
        Assert.Equal(header, VirtioNetHeader.Read(bytes));
    }
}
