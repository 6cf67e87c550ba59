namespace MigrationTools.Analysis.Quic;

/// <summary>ACK and ACK with ECN counts (RFC 9000 section 19.3).</summary>
internal static class AckFrame
{
    /// <summary>More ranges than a datagram could carry is a broken frame.</summary>
    private const ulong MaxRanges = 10_000;

    internal static bool TryRead(scoped ref FrameCursor cursor, ulong rawType, out QuicFrame frame)
    {
        frame = default;
        if (!cursor.TryVarInt(out var largest) || !cursor.TryVarInt(out var delay) || !cursor.TryVarInt(out var count) || count > MaxRanges ||
            !cursor.TryVarInt(out var first))
        {
            return false;
        }

        var start = cursor.Offset;
        for (ulong i = 0; i < count * 2; i++)
        {
            if (!cursor.TryVarInt(out _))
            {
                return false;
            }
        }

        var ranges = cursor.Since(start);
        if (rawType == (ulong)QuicFrameType.AckEcn && !(cursor.TryVarInt(out _) && cursor.TryVarInt(out _) && cursor.TryVarInt(out _)))
        {
            return false;
        }

        frame = new QuicFrame((QuicFrameType)rawType, rawType)
        {
            LargestAcknowledged = largest,
            AckDelay = delay,
            AckRangeCount = count,
            FirstAckRange = first,
            AckRangeData = ranges,
        };
        return true;
    }
}
