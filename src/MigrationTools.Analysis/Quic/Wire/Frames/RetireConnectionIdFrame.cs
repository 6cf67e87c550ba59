namespace MigrationTools.Analysis.Quic;

/// <summary>RETIRE_CONNECTION_ID (RFC 9000 section 19.16): the sequence number of the CID retired.</summary>
internal static class RetireConnectionIdFrame
{
    internal static bool TryRead(scoped ref FrameCursor cursor, out QuicFrame frame)
    {
        frame = default;
        if (!cursor.TryVarInt(out var sequence))
        {
            return false;
        }

        frame = new QuicFrame(QuicFrameType.RetireConnectionId, 0x19) { Sequence = sequence };
        return true;
    }
}
