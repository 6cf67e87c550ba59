using System;
using System.Buffers.Binary;
using System.Linq;
using MigrationTools.Analysis.Capture;
using Xunit;

namespace MigrationTools.Engine.Tests;

/// <summary>
/// Link, IP and UDP decoding against frames built byte by byte here: every link type the README names (Ethernet
/// with and without VLAN tags, Linux cooked v1 and v2, raw IP, BSD and OpenBSD loopback), IPv4 and IPv6 with
/// extension headers, IP-in-IP and IPv6-in-IPv4 with the outer addresses kept, and the frames that must not pass.
/// </summary>
public sealed class PacketDecoderTests
{
    private static readonly byte[] Payload = { 0xc0, 0xff, 0xee, 0x01, 0x02 };

    /// <summary>IPv4 (10.1.2.3 → 10.4.5.6) carrying UDP 1111 → 2222 with <see cref="Payload"/>.</summary>
    private static byte[] Ipv4Udp(int protocol = 17, byte[]? body = null, int fragment = 0, byte[]? options = null)
    {
        body ??= Udp(1111, 2222, Payload);
        options ??= Array.Empty<byte>();
        var header = 20 + options.Length;
        var packet = new byte[header + body.Length];
        packet[0] = (byte)(0x40 | (header / 4));
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(6), (ushort)fragment);
        packet[8] = 64;
        packet[9] = (byte)protocol;
        new byte[] { 10, 1, 2, 3, 10, 4, 5, 6 }.CopyTo(packet, 12);
        options.CopyTo(packet, 20);
        body.CopyTo(packet, header);
        return packet;
    }

    /// <summary>IPv6 (fd00::1 → fd00::2) with the given next header and body.</summary>
    private static byte[] Ipv6(int nextHeader, byte[] body)
    {
        var packet = new byte[40 + body.Length];
        packet[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)body.Length);
        packet[6] = (byte)nextHeader;
        packet[7] = 64;
        packet[8] = 0xfd;
        packet[23] = 1;
        packet[24] = 0xfd;
        packet[39] = 2;
        body.CopyTo(packet, 40);
        return packet;
    }

    private static byte[] Udp(int source, int destination, byte[] data)
    {
        var udp = new byte[8 + data.Length];
        BinaryPrimitives.WriteUInt16BigEndian(udp, (ushort)source);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(2), (ushort)destination);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(4), (ushort)udp.Length);
        data.CopyTo(udp, 8);
        return udp;
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private static byte[] EtherType(int type) => new[] { (byte)(type >> 8), (byte)type };

    private static readonly byte[] Macs = Enumerable.Range(1, 12).Select(i => (byte)i).ToArray();

    public static TheoryData<string, int, byte[]> LinkLayers => new()
    {
        { "Ethernet", LinkType.Ethernet, Concat(Macs, EtherType(0x0800), Ipv4Udp()) },
        { "Ethernet, 802.1Q tag", LinkType.Ethernet, Concat(Macs, EtherType(0x8100), new byte[] { 0x00, 0x2a }, EtherType(0x0800), Ipv4Udp()) },
        { "Ethernet, 802.1ad and 802.1Q tags", LinkType.Ethernet, Concat(Macs, EtherType(0x88a8), new byte[] { 0x00, 0x07 }, EtherType(0x8100), new byte[] { 0x00, 0x2a }, EtherType(0x0800), Ipv4Udp()) },
        // Linux cooked v1: packet type, ARPHRD, address length, 8 address bytes, protocol.
        { "Linux cooked v1", LinkType.LinuxSll, Concat(new byte[] { 0, 0, 0, 1, 0, 6 }, new byte[8], EtherType(0x0800), Ipv4Udp()) },
        // Linux cooked v2: protocol, reserved, interface index, ARPHRD, packet type, address length, 8 address bytes.
        { "Linux cooked v2", LinkType.LinuxSll2, Concat(EtherType(0x0800), new byte[2], new byte[] { 0, 0, 0, 3 }, new byte[] { 0, 1, 0, 6 }, new byte[8], Ipv4Udp()) },
        { "raw IP", LinkType.Raw, Ipv4Udp() },
        { "LINKTYPE_IPV4", LinkType.IPv4, Ipv4Udp() },
        { "BSD loopback", LinkType.Null, Concat(new byte[] { 2, 0, 0, 0 }, Ipv4Udp()) },
        { "OpenBSD loopback", LinkType.Loop, Concat(new byte[] { 0, 0, 0, 2 }, Ipv4Udp()) },
    };

    [Theory]
    [MemberData(nameof(LinkLayers))]
    public void FindsTheUdpDatagramBehindEachLinkLayer(string name, int linkType, byte[] frame)
    {
        Assert.Equal(DecodeResult.Udp, PacketDecoder.TryDecode(linkType, frame, out var datagram));
        Assert.Equal("10.1.2.3:1111", datagram.Source.ToString());
        Assert.Equal("10.4.5.6:2222", datagram.Destination.ToString());
        Assert.Equal(Payload, datagram.Payload.ToArray());
        Assert.Equal(20 + 8 + Payload.Length, datagram.IpLength);
        Assert.Null(datagram.OuterSource);
        Assert.False(datagram.Truncated, name);
    }

    [Fact]
    public void SkipsIPv4Options()
    {
        var frame = Ipv4Udp(options: new byte[] { 0x01, 0x01, 0x01, 0x00 }); // NOP NOP NOP EOL: IHL 6
        Assert.Equal(DecodeResult.Udp, PacketDecoder.TryDecode(LinkType.Raw, frame, out var datagram));
        Assert.Equal(Payload, datagram.Payload.ToArray());
    }

    [Fact]
    public void ReadsIPv6ThroughItsExtensionHeaders()
    {
        // Hop-by-hop (8 bytes), then a destination options header of 16 bytes, then UDP.
        var hopByHop = new byte[] { 60, 0, 1, 4, 0, 0, 0, 0 };
        var destination = new byte[16];
        destination[0] = 17;
        destination[1] = 1;
        var frame = Concat(Macs, EtherType(0x86dd), Ipv6(0, Concat(hopByHop, destination, Udp(443, 50000, Payload))));

        Assert.Equal(DecodeResult.Udp, PacketDecoder.TryDecode(LinkType.Ethernet, frame, out var datagram));
        Assert.Equal("[fd00::1]:443", datagram.Source.ToString());
        Assert.Equal("[fd00::2]:50000", datagram.Destination.ToString());
        Assert.True(datagram.Source.IsIPv6);
        Assert.Equal(Payload, datagram.Payload.ToArray());
    }

    [Fact]
    public void UnwrapsIpInIpAndKeepsTheOuterAddresses()
    {
        var inner = Ipv4Udp();
        var outer = Ipv4Udp(protocol: 4, body: inner);
        outer[15] = 9; // outer source 10.1.2.9

        Assert.Equal(DecodeResult.Udp, PacketDecoder.TryDecode(LinkType.Raw, outer, out var datagram));
        Assert.Equal("10.1.2.3:1111", datagram.Source.ToString());
        Assert.Equal("10.1.2.9", datagram.OuterSource.ToString());
        Assert.Equal("10.4.5.6", datagram.OuterDestination.ToString());
    }

    [Fact]
    public void UnwrapsIPv6InIPv4()
    {
        var frame = Ipv4Udp(protocol: 41, body: Ipv6(17, Udp(1, 2, Payload)));
        Assert.Equal(DecodeResult.Udp, PacketDecoder.TryDecode(LinkType.Raw, frame, out var datagram));
        Assert.Equal("[fd00::1]:1", datagram.Source.ToString());
        Assert.Equal("10.1.2.3", datagram.OuterSource.ToString());
    }

    [Fact]
    public void UnwrapsOnlyOnce()
    {
        var twice = Ipv4Udp(protocol: 4, body: Ipv4Udp(protocol: 4, body: Ipv4Udp()));
        Assert.Equal(DecodeResult.NotUdp, PacketDecoder.TryDecode(LinkType.Raw, twice, out _));
    }

    [Fact]
    public void ACutShortFrameIsReadAsFarAsItGoesAndMarkedTruncated()
    {
        var frame = Ipv4Udp();
        var cut = frame[..^2];
        Assert.Equal(DecodeResult.Udp, PacketDecoder.TryDecode(LinkType.Raw, cut, out var datagram));
        Assert.True(datagram.Truncated);
        Assert.Equal(Payload[..^2], datagram.Payload.ToArray());
        Assert.Equal(frame.Length, datagram.IpLength);
    }

    [Fact]
    public void TheShortestFramesOfEachLinkLayerAreStillRead()
    {
        // The smallest whole IPv4/UDP packet (28 bytes, no payload) behind each header, with nothing to spare.
        var smallest = Ipv4Udp(body: Udp(1, 2, Array.Empty<byte>()));
        Assert.Equal(DecodeResult.Udp, PacketDecoder.TryDecode(LinkType.Raw, smallest, out var datagram));
        Assert.Equal(0, datagram.Payload.Length);
        Assert.Equal(DecodeResult.Udp, PacketDecoder.TryDecode(LinkType.Null, Concat(new byte[] { 2, 0, 0, 0 }, smallest), out _));
        Assert.Equal(DecodeResult.NotUdp, PacketDecoder.TryDecode(LinkType.Ethernet, Concat(Macs, EtherType(0x0806)), out _));
        Assert.Equal(DecodeResult.NotUdp, PacketDecoder.TryDecode(LinkType.LinuxSll, Concat(new byte[14], EtherType(0x0806)), out _));
        Assert.Equal(DecodeResult.NotUdp, PacketDecoder.TryDecode(LinkType.LinuxSll2, Concat(EtherType(0x0806), new byte[18]), out _));
        Assert.Equal(DecodeResult.Malformed, PacketDecoder.TryDecode(LinkType.Null, new byte[4], out _));
        // A VLAN tag with nothing after it ends the tag walk: the tag's type is not IP.
        Assert.Equal(DecodeResult.NotUdp, PacketDecoder.TryDecode(LinkType.Ethernet, Concat(Macs, EtherType(0x8100), new byte[] { 0, 1 }), out _));
        Assert.Equal(DecodeResult.Malformed, PacketDecoder.TryDecode(LinkType.Ethernet, Concat(Macs, EtherType(0x8100), new byte[] { 0, 1 }, EtherType(0x0800)), out _));
    }

    [Fact]
    public void AnIPv4HeaderLengthMustFitThePacket()
    {
        var frame = Ipv4Udp();
        frame[0] = 0x44; // IHL 4: 16 bytes
        Assert.Equal(DecodeResult.Malformed, PacketDecoder.TryDecode(LinkType.Raw, frame, out _));
        var total = Ipv4Udp();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(total.AsSpan(2), 19); // total length below the header
        Assert.Equal(DecodeResult.Malformed, PacketDecoder.TryDecode(LinkType.Raw, total, out _));
        var options = Ipv4Udp(options: new byte[40]); // IHL 15: 60 bytes, as long as the packet allows
        Assert.Equal(DecodeResult.Udp, PacketDecoder.TryDecode(LinkType.Raw, options, out _));
        Assert.Equal(DecodeResult.Malformed, PacketDecoder.TryDecode(LinkType.Raw, options[..59], out _));
    }

    [Fact]
    public void AFirstIPv6FragmentIsReadAndExtensionHeadersMustFit()
    {
        var first = Ipv6(44, Concat(new byte[] { 17, 0, 0x00, 0x01, 0, 0, 0, 1 }, Udp(1, 2, Payload))); // offset 0, more fragments
        Assert.Equal(DecodeResult.Udp, PacketDecoder.TryDecode(LinkType.Raw, first, out var datagram));
        Assert.Equal(Payload, datagram.Payload.ToArray());
        var overlong = Ipv6(0, Concat(new byte[] { 17, 2, 0, 0, 0, 0, 0, 0 }, new byte[8])); // says 24 bytes, has 16
        Assert.Equal(DecodeResult.Malformed, PacketDecoder.TryDecode(LinkType.Raw, overlong, out _));
        Assert.Equal(DecodeResult.Malformed, PacketDecoder.TryDecode(LinkType.Raw, Ipv6(0, new byte[7]), out _));
        var exact = Ipv6(0, Concat(new byte[] { 17, 0, 0, 0, 0, 0, 0, 0 }, Udp(1, 2, Array.Empty<byte>())));
        Assert.Equal(DecodeResult.Udp, PacketDecoder.TryDecode(LinkType.Raw, exact, out _));
    }

    [Fact]
    public void ACutShortIPv6PacketIsReadAsFarAsItGoes()
    {
        var frame = Ipv6(17, Udp(1, 2, Payload));
        Assert.Equal(DecodeResult.Udp, PacketDecoder.TryDecode(LinkType.Raw, frame[..^1], out var datagram));
        Assert.True(datagram.Truncated);
        Assert.Equal(Payload[..^1], datagram.Payload.ToArray());
        Assert.Equal(frame.Length, datagram.IpLength);
    }

    [Fact]
    public void AUdpLengthShorterThanTheIpPayloadCutsThePayload()
    {
        var frame = Ipv4Udp();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(24), 10); // UDP says 2 bytes of data
        Assert.Equal(DecodeResult.Udp, PacketDecoder.TryDecode(LinkType.Raw, frame, out var datagram));
        Assert.Equal(Payload[..2], datagram.Payload.ToArray());
        Assert.False(datagram.Truncated);
        var eight = Ipv4Udp();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(eight.AsSpan(24), 8);
        Assert.Equal(DecodeResult.Udp, PacketDecoder.TryDecode(LinkType.Raw, eight, out var empty));
        Assert.Equal(0, empty.Payload.Length);
    }

    public static TheoryData<string, int, byte[], string> Rejected => new()
    {
        { "ARP", LinkType.Ethernet, Concat(Macs, EtherType(0x0806), new byte[28]), nameof(DecodeResult.NotUdp) },
        { "TCP", LinkType.Raw, Ipv4Udp(protocol: 6), nameof(DecodeResult.NotUdp) },
        { "a later IPv4 fragment", LinkType.Raw, Ipv4Udp(fragment: 0x00b9), nameof(DecodeResult.NotUdp) },
        { "a later IPv6 fragment", LinkType.Raw, Ipv6(44, Concat(new byte[] { 17, 0, 0x00, 0xb8, 0, 0, 0, 1 }, Udp(1, 2, Payload))), nameof(DecodeResult.NotUdp) },
        { "short Ethernet", LinkType.Ethernet, new byte[13], nameof(DecodeResult.Malformed) },
        { "short cooked v1", LinkType.LinuxSll, new byte[15], nameof(DecodeResult.Malformed) },
        { "short cooked v2", LinkType.LinuxSll2, new byte[19], nameof(DecodeResult.Malformed) },
        { "short loopback", LinkType.Null, new byte[3], nameof(DecodeResult.Malformed) },
        { "cooked v1 carrying ARP", LinkType.LinuxSll, Concat(new byte[14], EtherType(0x0806), new byte[28]), nameof(DecodeResult.NotUdp) },
        { "cooked v2 carrying ARP", LinkType.LinuxSll2, Concat(EtherType(0x0806), new byte[18], new byte[28]), nameof(DecodeResult.NotUdp) },
        { "empty IP", LinkType.Raw, Array.Empty<byte>(), nameof(DecodeResult.Malformed) },
        { "IP version 5", LinkType.Raw, Concat(new byte[] { 0x50 }, new byte[39]), nameof(DecodeResult.Malformed) },
        { "short IPv4", LinkType.Raw, Ipv4Udp()[..19], nameof(DecodeResult.Malformed) },
        { "short IPv6", LinkType.Raw, Ipv6(17, Array.Empty<byte>())[..39], nameof(DecodeResult.Malformed) },
        { "UDP length below 8", LinkType.Raw, SetUdpLength(Ipv4Udp(), 7), nameof(DecodeResult.Malformed) },
        { "UDP length beyond the packet", LinkType.Raw, SetUdpLength(Ipv4Udp(), 200), nameof(DecodeResult.Malformed) },
        { "a UDP header cut in half", LinkType.Raw, Ipv4Udp(body: new byte[4]), nameof(DecodeResult.Malformed) },
        { "unknown link type", 147, Ipv4Udp(), nameof(DecodeResult.UnknownLinkType) },
    };

    private static byte[] SetUdpLength(byte[] packet, int length)
    {
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(24), (ushort)length);
        return packet;
    }

    [Theory]
    [MemberData(nameof(Rejected))]
    public void RejectsWhatIsNotAWholeUdpDatagram(string name, int linkType, byte[] frame, string expectedName)
    {
        var expected = Enum.Parse<DecodeResult>(expectedName);
        Assert.True(expected == PacketDecoder.TryDecode(linkType, frame, out _), name);
    }
}
