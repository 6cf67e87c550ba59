using System;
using System.Buffers.Binary;
using System.Linq;
using MigrationTools.Agent.Relay;
using MigrationTools.Agent.Relay.Bpf;
using MigrationTools.Core.Interop;
using Xunit;

namespace MigrationTools.Engine.Tests;

/// <summary>
/// Packets the underlay's GRO joined, as the AF_PACKET socket reads them, made ready for the TUN device; and the
/// socket filters that split the way in. Checksums are checked with the RFC 1071 sum written in the tests.
/// </summary>
public sealed class JoinedPacketTests
{
    /// <summary>What GRO leaves in a joined TCP packet: lengths for the whole, the TCP checksum field holding the pseudo-header sum.</summary>
    private static byte[] JoinedTcp(int payload, ushort field)
    {
        var packet = TunOffloadTests.TcpPacket(false, payload);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(36), field);
        return packet;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(0xbeef)]
    public void AJoinedTcpPacketGoesToTheTunAsOneGsoPacketWhoseSegmentsCarryValidChecksums(int leftInTheField)
    {
        // After a normal join the field holds the pseudo-header sum; after a list join, the first segment's checksum.
        // Either way the header must say: finish the checksum from the TCP header, cut at the sender's segment size.
        var packet = JoinedTcp(3 * 1448 + 100, (ushort)leftInTheField);
        var received = new VirtioNetHeader(0, VirtioNetHeader.GsoTcpV4, 99, 1448, 0, 0);

        Assert.True(JoinedPacket.TryPrepare(received, packet, out var forTun));

        Assert.Equal(new VirtioNetHeader(VirtioNetHeader.NeedsChecksum, VirtioNetHeader.GsoTcpV4, 52, 1448, 20, 16), forTun);
        var expectedField = TunOffloadTests.NaiveSum(TunOffloadTests.Pseudo(packet, 6, packet.Length - 20));
        Assert.Equal(expectedField, BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(36)));
        Assert.Equal(4, JoinedPacket.Segments(forTun, packet.Length));
        var segments = TunOffloadTests.Run(packet, forTun, out var count);
        Assert.Equal(4, count);
        Assert.All(segments, s => Assert.True(TunOffloadTests.TransportValid(s, 6)));
        Assert.Equal(new[] { 1448, 1448, 1448, 100 }, segments.Select(s => s.Length - 52));
    }

    [Fact]
    public void AJoinedUdpListKeepsItsDatagramBoundsAndGetsTheWholeLengthInItsHeader()
    {
        // A list join of three 1200-byte datagrams: the UDP length and checksum are still the first datagram's.
        var packet = TunOffloadTests.UdpPacket(3 * 1200);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(24), 8 + 1200);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(26), 0x1234);
        var received = new VirtioNetHeader(0, VirtioNetHeader.GsoUdpL4, 0, 1200, 0, 0);

        Assert.True(JoinedPacket.TryPrepare(received, packet, out var forTun));

        Assert.Equal(new VirtioNetHeader(VirtioNetHeader.NeedsChecksum, VirtioNetHeader.GsoUdpL4, 28, 1200, 20, 6), forTun);
        Assert.Equal(8 + (3 * 1200), BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(24)));
        var segments = TunOffloadTests.Run(packet, forTun, out var count);
        Assert.Equal(3, count);
        Assert.All(segments, s => Assert.Equal(28 + 1200, s.Length));
        Assert.All(segments, s => Assert.True(TunOffloadTests.TransportValid(s, 17)));
    }

    [Fact]
    public void AHeaderThatDoesNotFitThePacketIsRefused()
    {
        var tcp = JoinedTcp(3000, 0);
        var udp = TunOffloadTests.UdpPacket(3000);
        Assert.False(JoinedPacket.TryPrepare(new VirtioNetHeader(0, VirtioNetHeader.GsoTcpV4, 0, 0, 0, 0), tcp, out _));
        Assert.False(JoinedPacket.TryPrepare(new VirtioNetHeader(0, VirtioNetHeader.GsoUdpL4, 0, 1448, 0, 0), tcp, out _));
        Assert.False(JoinedPacket.TryPrepare(new VirtioNetHeader(0, VirtioNetHeader.GsoTcpV4, 0, 1448, 0, 0), udp, out _));
        Assert.False(JoinedPacket.TryPrepare(new VirtioNetHeader(0, VirtioNetHeader.GsoTcpV4, 0, 1448, 0, 0), tcp.AsSpan(0, tcp.Length - 1).ToArray(), out _));
    }

    [Fact]
    public void AnInstructionIsEncodedAsStructBpfInsn()
    {
        // struct bpf_insn { u8 code; u8 dst_reg:4, src_reg:4; s16 off; s32 imm; }, little-endian.
        var bytes = BitConverter.GetBytes(BpfAssembler.Encode(0x61, 0, 6, 176, -2));
        Assert.Equal(new byte[] { 0x61, 0x60, 176, 0, 0xfe, 0xff, 0xff, 0xff }, bytes);
    }

    [Fact]
    public void TheKernelVerifiesAndAttachesBothFilters()
    {
        if (Environment.UserName != "root")
        {
            return; // loading a BPF program needs root; CI runs as root
        }

        using var packet = Libc.SocketOwned(Sock.AF_PACKET, Sock.SOCK_RAW | Sock.SOCK_CLOEXEC, 0);
        using var raw = Libc.SocketOwned(Sock.AF_INET, Sock.SOCK_RAW | Sock.SOCK_CLOEXEC, IpipPacket.ProtocolIpip);
        Assert.Equal(Errno.None, GsoSocketFilter.Attach(packet, GsoSocketFilter.Joined(0xc0a84d02)));
        Assert.Equal(Errno.None, GsoSocketFilter.Attach(raw, GsoSocketFilter.NotJoined()));
    }
}
