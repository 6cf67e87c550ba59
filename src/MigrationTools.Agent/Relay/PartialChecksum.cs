using System;
using System.Buffers.Binary;

namespace MigrationTools.Agent.Relay;

/// <summary>
/// Finishes the TCP or UDP checksum of an inner packet that left its sender with the checksum still to be done
/// (CHECKSUM_PARTIAL: the field holds only the pseudo-header sum). A sender whose kernel encapsulates (the other
/// end's fast path, or a kernel ipip device) leaves it so for the device, and a veth underlay passes it on as it is;
/// read through the raw socket, the packet would reach the TUN device with a checksum the kernel refuses. A complete
/// checksum that happens to equal the pseudo-header sum is recognised by checking it first.
/// </summary>
internal static class PartialChecksum
{
    /// <summary>Finishes the checksum of <paramref name="inner"/> (an IPv4 packet) in place if it was left to do; true if it did.</summary>
    public static bool TryFinish(Span<byte> inner)
    {
        if (inner.Length < 20 || inner[0] >> 4 != 4)
        {
            return false;
        }

        var headerLength = (inner[0] & 0x0f) * 4;
        var total = BinaryPrimitives.ReadUInt16BigEndian(inner[2..]);
        var protocol = inner[9];
        var fragment = (BinaryPrimitives.ReadUInt16BigEndian(inner[6..]) & 0x3fff) != 0;
        var field = protocol switch { 6 => 16, 17 => 6, _ => -1 };
        if (fragment || field < 0 || headerLength < 20 || total > inner.Length || total < headerLength + field + 2)
        {
            return false;
        }

        var segment = inner[headerLength..total];
        var pseudo = InternetChecksum.PseudoHeaderV4(inner, protocol, segment.Length);
        var stored = BinaryPrimitives.ReadUInt16BigEndian(segment[field..]);
        if (stored != InternetChecksum.Fold(pseudo) || InternetChecksum.Fold(InternetChecksum.Add(segment, pseudo)) == 0xffff)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt16BigEndian(segment[field..], 0);
        var finished = InternetChecksum.Finish(InternetChecksum.Add(segment, pseudo));
        // UDP sends a computed zero as all ones (RFC 768): zero means "no checksum".
        BinaryPrimitives.WriteUInt16BigEndian(segment[field..], protocol == 17 && finished == 0 ? (ushort)0xffff : finished);
        return true;
    }
}
