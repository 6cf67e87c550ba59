using System;
using System.Buffers.Binary;

namespace MigrationTools.Agent.Relay;

/// <summary>
/// A packet the underlay's receive offload (GRO) joined, as the AF_PACKET socket reads it: its virtio-net header
/// gives the GSO type and segment size, which the bytes alone do not. For the TUN device it becomes one GSO packet
/// again: the transport checksum left to finish (the field holds the pseudo-header sum, whatever GRO left there: the
/// pseudo-header sum after a normal join, the first segment's checksum after a list join) and the header pointing
/// at it, so that the kernel cuts it where the sender's segments ended.
/// </summary>
internal static class JoinedPacket
{
    /// <summary>
    /// Rewrites the checksum field of <paramref name="inner"/> (the inner IPv4 packet) and gives the header to write
    /// it with; false when the header and the packet do not agree (not TCP or UDP over IPv4 as the GSO type says, no
    /// segment size, lengths that do not hold together).
    /// </summary>
    public static bool TryPrepare(in VirtioNetHeader received, Span<byte> inner, out VirtioNetHeader forTun)
    {
        forTun = default;
        var gso = (byte)(received.GsoType & ~VirtioNetHeader.GsoEcn);
        if (received.GsoSize == 0 || !GsoSegmenter.TryReadIp(inner, out var ipv6, out var ipLength, out var protocol) || ipv6 ||
            BinaryPrimitives.ReadUInt16BigEndian(inner[2..]) != inner.Length)
        {
            return false;
        }

        int headers, checksumOffset;
        if (gso == VirtioNetHeader.GsoTcpV4 && protocol == 6 && inner.Length >= ipLength + 20)
        {
            headers = ipLength + ((inner[ipLength + 12] >> 4) * 4);
            checksumOffset = 16;
        }
        else if (gso == VirtioNetHeader.GsoUdpL4 && protocol == 17 && inner.Length >= ipLength + 8)
        {
            headers = ipLength + 8;
            checksumOffset = 6;
            BinaryPrimitives.WriteUInt16BigEndian(inner[(ipLength + 4)..], (ushort)(inner.Length - ipLength));
        }
        else
        {
            return false;
        }

        if (headers > inner.Length || headers - ipLength < (protocol == 6 ? 20 : 8))
        {
            return false;
        }

        var pseudo = InternetChecksum.PseudoHeaderV4(inner, protocol, inner.Length - ipLength);
        BinaryPrimitives.WriteUInt16BigEndian(inner[(ipLength + checksumOffset)..], InternetChecksum.Fold(pseudo));
        forTun = new VirtioNetHeader(VirtioNetHeader.NeedsChecksum, received.GsoType, (ushort)headers, received.GsoSize, (ushort)ipLength, (ushort)checksumOffset);
        return true;
    }

    /// <summary>How many wire packets the joined packet was (its payload over the segment size, rounded up).</summary>
    public static int Segments(in VirtioNetHeader forTun, int length) =>
        Math.Max(1, (length - forTun.HeaderLength + forTun.GsoSize - 1) / forTun.GsoSize);
}
