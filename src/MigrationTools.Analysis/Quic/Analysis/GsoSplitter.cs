using System;
using System.Runtime.CompilerServices;

namespace MigrationTools.Analysis.Quic;

/// <summary>
/// Finds where a short-header packet ends in a UDP payload that may hold several datagrams (a capture taken before
/// UDP segmentation offload: one sendmsg with UDP_SEGMENT gives segments of one size, only the last shorter). On the
/// wire a short-header packet runs to the end of its datagram, so the end is the first place where the same
/// Destination Connection ID starts another short header and every later segment of that size starts with a QUIC
/// header too. Connection IDs under 4 bytes are too short to tell a header from payload: such packets are taken to
/// end with the payload.
/// </summary>
internal static class GsoSplitter
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int SegmentLength(ReadOnlySpan<byte> rest, int dcidLength, int segmentOffset)
    {
        var minimum = 1 + dcidLength + 20;
        if (dcidLength < 4 || rest.Length < 2 * minimum)
        {
            return rest.Length;
        }

        var dcid = rest.Slice(1, dcidLength);
        var from = minimum;
        while (from + 1 + dcidLength <= rest.Length)
        {
            var found = rest[(from + 1)..].IndexOf(dcid);
            if (found < 0)
            {
                return rest.Length;
            }

            var at = from + found;
            if ((rest[at] & 0x80) == 0 && LaterSegmentsFit(rest, at, segmentOffset + at, dcid))
            {
                return at;
            }

            from = at + 1;
        }

        return rest.Length;
    }

    private static bool LaterSegmentsFit(ReadOnlySpan<byte> rest, int at, int size, ReadOnlySpan<byte> dcid)
    {
        for (var next = at + size; next < rest.Length; next += size)
        {
            if ((rest[next] & 0x80) == 0 && (next + 1 + dcid.Length > rest.Length || !rest.Slice(next + 1, dcid.Length).SequenceEqual(dcid)))
            {
                return false;
            }
        }

        return true;
    }
}
