using System;
using System.Buffers.Binary;

namespace MigrationTools.Agent.Relay;

/// <summary>
/// Turns what a TUN device with offloads hands over (a virtio-net header and a packet of up to 64 KB) into the
/// wire-sized packets a network would carry, as a NIC's TSO/USO would: TCP cut at the segment size with sequence
/// numbers advanced, FIN and PSH kept for the last segment and CWR for the first, IPv4 identifications counted up,
/// lengths and every checksum computed; UDP (USO) cut with a header per datagram; a packet whose checksum was left
/// to finish gets it. IPv4 and IPv6 inner packets.
/// </summary>
internal static class GsoSegmenter
{
    private const byte Tcp = 6, Udp = 17;

    /// <summary>
    /// Writes the packets into <paramref name="output"/>: packet <c>i</c> at <c>i * stride + headroom</c>, its
    /// length in <paramref name="lengths"/>. Returns how many, or -1 for a packet or header that does not hold
    /// together (nothing usable written) and -2 when the output is too small.
    /// </summary>
    public static int Segment(ReadOnlySpan<byte> packet, in VirtioNetHeader header, Span<byte> output, int stride, int headroom, Span<int> lengths)
    {
        var gso = (byte)(header.GsoType & ~VirtioNetHeader.GsoEcn);
        if (gso == VirtioNetHeader.GsoNone)
        {
            if (packet.Length + headroom > stride || lengths.Length < 1)
            {
                return -2;
            }

            var target = output.Slice(headroom, packet.Length);
            packet.CopyTo(target);
            if ((header.Flags & VirtioNetHeader.NeedsChecksum) != 0 && !FinishChecksum(target, header.ChecksumStart, header.ChecksumOffset))
            {
                return -1;
            }

            lengths[0] = packet.Length;
            return 1;
        }

        if (!TryReadIp(packet, out var ipv6, out var ipLength, out var protocol) || header.GsoSize == 0)
        {
            return -1;
        }

        return gso switch
        {
            VirtioNetHeader.GsoTcpV4 or VirtioNetHeader.GsoTcpV6 when protocol == Tcp && ipv6 == (gso == VirtioNetHeader.GsoTcpV6) =>
                SegmentTcp(packet, ipv6, ipLength, header.GsoSize, output, stride, headroom, lengths),
            VirtioNetHeader.GsoUdpL4 when protocol == Udp => SegmentUdp(packet, ipv6, ipLength, header.GsoSize, output, stride, headroom, lengths),
            _ => -1,
        };
    }

    /// <summary>Completes a checksum the sender left to finish: the sum from <paramref name="start"/> to the end, complemented, at start + offset.</summary>
    public static bool FinishChecksum(Span<byte> packet, int start, int offset)
    {
        if (start >= packet.Length || start + offset + 2 > packet.Length)
        {
            return false;
        }

        var value = InternetChecksum.Finish(InternetChecksum.Add(packet[start..]));
        BinaryPrimitives.WriteUInt16BigEndian(packet[(start + offset)..], value == 0 && offset == 6 ? (ushort)0xffff : value);
        return true;
    }

    private static int SegmentTcp(ReadOnlySpan<byte> packet, bool ipv6, int ipLength, int mss, Span<byte> output, int stride, int headroom, Span<int> lengths)
    {
        if (packet.Length < ipLength + 20)
        {
            return -1;
        }

        var tcpLength = (packet[ipLength + 12] >> 4) * 4;
        var headers = ipLength + tcpLength;
        if (tcpLength < 20 || packet.Length < headers)
        {
            return -1;
        }

        var payload = packet[headers..];
        var count = Math.Max(1, (payload.Length + mss - 1) / mss);
        if (count > lengths.Length || (count - 1) * stride + headroom + headers + Math.Min(mss, payload.Length) > output.Length || headers + mss + headroom > stride)
        {
            return -2;
        }

        var sequence = BinaryPrimitives.ReadUInt32BigEndian(packet[(ipLength + 4)..]);
        var id = ipv6 ? (ushort)0 : BinaryPrimitives.ReadUInt16BigEndian(packet[4..]);
        var flags = packet[ipLength + 13];
        for (var i = 0; i < count; i++)
        {
            var chunk = payload.Slice(i * mss, Math.Min(mss, payload.Length - (i * mss)));
            var segment = output.Slice((i * stride) + headroom, headers + chunk.Length);
            packet[..headers].CopyTo(segment);
            chunk.CopyTo(segment[headers..]);
            var last = i == count - 1;
            // FIN and PSH belong to the last segment, CWR to the first (as Linux's tcp_gso_segment does).
            segment[ipLength + 13] = (byte)(flags & ~(last ? 0 : 0x09) & ~(i == 0 ? 0 : 0x80));
            BinaryPrimitives.WriteUInt32BigEndian(segment[(ipLength + 4)..], sequence + (uint)(i * mss));
            FixIp(segment, ipv6, ipLength, (ushort)(id + i));
            BinaryPrimitives.WriteUInt16BigEndian(segment[(ipLength + 16)..], 0);
            var sum = (ipv6 ? InternetChecksum.PseudoHeaderV6(segment, Tcp, segment.Length - ipLength) : InternetChecksum.PseudoHeaderV4(segment, Tcp, segment.Length - ipLength))
                + InternetChecksum.Add(segment[ipLength..]);
            BinaryPrimitives.WriteUInt16BigEndian(segment[(ipLength + 16)..], InternetChecksum.Finish(sum));
            lengths[i] = segment.Length;
        }

        return count;
    }

    private static int SegmentUdp(ReadOnlySpan<byte> packet, bool ipv6, int ipLength, int size, Span<byte> output, int stride, int headroom, Span<int> lengths)
    {
        const int UdpHeader = 8;
        var headers = ipLength + UdpHeader;
        if (packet.Length < headers)
        {
            return -1;
        }

        var payload = packet[headers..];
        var count = Math.Max(1, (payload.Length + size - 1) / size);
        if (count > lengths.Length || (count - 1) * stride + headroom + headers + Math.Min(size, payload.Length) > output.Length || headers + size + headroom > stride)
        {
            return -2;
        }

        var id = ipv6 ? (ushort)0 : BinaryPrimitives.ReadUInt16BigEndian(packet[4..]);
        for (var i = 0; i < count; i++)
        {
            var chunk = payload.Slice(i * size, Math.Min(size, payload.Length - (i * size)));
            var segment = output.Slice((i * stride) + headroom, headers + chunk.Length);
            packet[..headers].CopyTo(segment);
            chunk.CopyTo(segment[headers..]);
            FixIp(segment, ipv6, ipLength, (ushort)(id + i));
            BinaryPrimitives.WriteUInt16BigEndian(segment[(ipLength + 4)..], (ushort)(UdpHeader + chunk.Length));
            BinaryPrimitives.WriteUInt16BigEndian(segment[(ipLength + 6)..], 0);
            var sum = (ipv6 ? InternetChecksum.PseudoHeaderV6(segment, Udp, UdpHeader + chunk.Length) : InternetChecksum.PseudoHeaderV4(segment, Udp, UdpHeader + chunk.Length))
                + InternetChecksum.Add(segment[ipLength..]);
            var checksum = InternetChecksum.Finish(sum);
            BinaryPrimitives.WriteUInt16BigEndian(segment[(ipLength + 6)..], checksum == 0 ? (ushort)0xffff : checksum);
            lengths[i] = segment.Length;
        }

        return count;
    }

    /// <summary>Sets the IP length (and for IPv4 the identification and header checksum) of one segment.</summary>
    private static void FixIp(Span<byte> segment, bool ipv6, int ipLength, ushort id)
    {
        if (ipv6)
        {
            BinaryPrimitives.WriteUInt16BigEndian(segment[4..], (ushort)(segment.Length - 40));
            return;
        }

        BinaryPrimitives.WriteUInt16BigEndian(segment[2..], (ushort)segment.Length);
        BinaryPrimitives.WriteUInt16BigEndian(segment[4..], id);
        BinaryPrimitives.WriteUInt16BigEndian(segment[10..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(segment[10..], InternetChecksum.Finish(InternetChecksum.Add(segment[..ipLength])));
    }

    /// <summary>The IP version, header length and transport protocol; IPv6 only without extension headers (as TSO needs).</summary>
    internal static bool TryReadIp(ReadOnlySpan<byte> packet, out bool ipv6, out int headerLength, out byte protocol)
    {
        ipv6 = false;
        headerLength = 0;
        protocol = 0;
        if (packet.Length < 20)
        {
            return false;
        }

        switch (packet[0] >> 4)
        {
            case 4:
                headerLength = (packet[0] & 0x0f) * 4;
                protocol = packet[9];
                return headerLength >= 20 && packet.Length >= headerLength && (BinaryPrimitives.ReadUInt16BigEndian(packet[6..]) & 0x3fff) == 0;
            case 6:
                ipv6 = true;
                headerLength = 40;
                protocol = packet.Length >= 40 ? packet[6] : (byte)0;
                return packet.Length >= 40;
            default:
                return false;
        }
    }
}
