using System;
using System.Buffers.Binary;

namespace MigrationTools.Agent.Relay;

/// <summary>
/// RFC 2003 IP-in-IP checks on raw bytes, without allocation: what arrives on the raw socket is an outer IPv4
/// header (protocol 4) followed by the inner IPv4 packet; what leaves the TUN device is an inner IPv4 packet.
/// </summary>
internal static class IpipPacket
{
    /// <summary>IP protocol number of IP-in-IP encapsulation.</summary>
    public const byte ProtocolIpip = 4;

    /// <summary>
    /// Checks an encapsulated packet as read from the raw socket and returns the inner packet's offset and length.
    /// <paramref name="expectedSource"/> is the remote end in network byte order (0 accepts any).
    /// </summary>
    public static IpipDrop TryDecapsulate(ReadOnlySpan<byte> outer, uint expectedSource, out int innerOffset, out int innerLength)
    {
        innerOffset = 0;
        innerLength = 0;
        if (!TryReadIPv4(outer, out var headerLength, out var totalLength))
        {
            return IpipDrop.Malformed;
        }

        if (outer[9] != ProtocolIpip)
        {
            return IpipDrop.NotIpip;
        }

        if (expectedSource != 0 && BinaryPrimitives.ReadUInt32BigEndian(outer[12..]) != expectedSource)
        {
            return IpipDrop.WrongSource;
        }

        var inner = outer[headerLength..totalLength];
        if (inner.IsEmpty || inner[0] >> 4 != 4)
        {
            return IpipDrop.InnerNotIPv4;
        }

        if (!TryReadIPv4(inner, out _, out var innerTotal))
        {
            return IpipDrop.Malformed;
        }

        innerOffset = headerLength;
        innerLength = innerTotal;
        return IpipDrop.None;
    }

    /// <summary>Checks a packet read from the TUN device before it is encapsulated.</summary>
    public static IpipDrop CheckInner(ReadOnlySpan<byte> inner) =>
        inner.IsEmpty || inner[0] >> 4 != 4 ? IpipDrop.InnerNotIPv4 : TryReadIPv4(inner, out _, out var total) && total == inner.Length ? IpipDrop.None : IpipDrop.Malformed;

    /// <summary>
    /// Writes a complete encapsulated packet (outer header + inner) as a kernel ipip device would; returns its length.
    /// </summary>
    public static int Encapsulate(ReadOnlySpan<byte> inner, uint source, uint destination, byte ttl, byte tos, ushort id, Span<byte> output)
    {
        inner.CopyTo(output[20..]);
        return WriteOuterHeader(output[..(20 + inner.Length)], source, destination, ttl, tos, id);
    }

    /// <summary>
    /// Writes the outer header into the first 20 bytes of <paramref name="packet"/>, whose inner packet already
    /// follows at offset 20: protocol 4, DF copied from the inner header (RFC 2003 section 3.1), checksum set.
    /// Returns the packet's length.
    /// </summary>
    public static int WriteOuterHeader(Span<byte> packet, uint source, uint destination, byte ttl, byte tos, ushort id)
    {
        var inner = packet[20..];
        var header = packet[..20];
        header[0] = 0x45;
        header[1] = tos;
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)packet.Length);
        BinaryPrimitives.WriteUInt16BigEndian(header[4..], id);
        BinaryPrimitives.WriteUInt16BigEndian(header[6..], (ushort)(inner.Length >= 8 && (inner[6] & 0x40) != 0 ? 0x4000 : 0));
        header[8] = ttl;
        header[9] = ProtocolIpip;
        header[10] = 0;
        header[11] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(header[12..], source);
        BinaryPrimitives.WriteUInt32BigEndian(header[16..], destination);
        BinaryPrimitives.WriteUInt16BigEndian(header[10..], HeaderChecksum(header));
        return packet.Length;
    }

    /// <summary>True when the inner IPv4 packet has Don't Fragment set.</summary>
    public static bool DontFragment(ReadOnlySpan<byte> inner) => inner.Length >= 8 && (inner[6] & 0x40) != 0;

    /// <summary>
    /// Writes the ICMP "fragmentation needed" (type 3, code 4, RFC 1191) that tells the sender of
    /// <paramref name="inner"/> to use <paramref name="mtu"/>, from <paramref name="source"/>; returns its length.
    /// <paramref name="inner"/> must be a checked IPv4 packet (<see cref="CheckInner"/>).
    /// <paramref name="output"/> needs up to 96 bytes: 20 (IP) + 8 (ICMP) + the inner header with its options (up to 60) and
    /// 8 bytes of its payload.
    /// </summary>
    public static int FragmentationNeeded(ReadOnlySpan<byte> inner, uint source, ushort mtu, Span<byte> output)
    {
        var quoted = inner[..Math.Min(inner.Length, ((inner[0] & 0x0f) * 4) + 8)];
        var length = 28 + quoted.Length;
        var header = output[..20];
        header.Clear();
        header[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)length);
        header[8] = 64;
        header[9] = 1;
        BinaryPrimitives.WriteUInt32BigEndian(header[12..], source);
        inner.Slice(12, 4).CopyTo(header[16..]);
        BinaryPrimitives.WriteUInt16BigEndian(header[10..], HeaderChecksum(header));
        var icmp = output[20..length];
        icmp.Clear();
        icmp[0] = 3;
        icmp[1] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(icmp[6..], mtu);
        quoted.CopyTo(icmp[8..]);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], HeaderChecksum(icmp));
        return length;
    }

    /// <summary>
    /// The Internet checksum (RFC 1071) of <paramref name="header"/> with its checksum field as it is: the IPv4
    /// header checksum, or an ICMP message's. An odd last byte is padded with zero.
    /// </summary>
    public static ushort HeaderChecksum(ReadOnlySpan<byte> header)
    {
        uint sum = 0;
        var i = 0;
        for (; i + 1 < header.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(header[i..]);
        }

        if (i < header.Length)
        {
            sum += (uint)header[i] << 8;
        }

        while (sum >> 16 != 0)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        return (ushort)~sum;
    }

    private static bool TryReadIPv4(ReadOnlySpan<byte> packet, out int headerLength, out int totalLength)
    {
        headerLength = 0;
        totalLength = 0;
        if (packet.Length < 20 || packet[0] >> 4 != 4)
        {
            return false;
        }

        headerLength = (packet[0] & 0x0f) * 4;
        totalLength = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        return headerLength >= 20 && totalLength >= headerLength && totalLength <= packet.Length;
    }
}
