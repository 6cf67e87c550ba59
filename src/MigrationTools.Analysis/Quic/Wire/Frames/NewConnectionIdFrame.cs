namespace MigrationTools.Analysis.Quic;

/// <summary>NEW_CONNECTION_ID (RFC 9000 section 19.15): sequence, Retire Prior To, a 1-20 byte CID, a reset token.</summary>
internal static class NewConnectionIdFrame
{
    internal static bool TryRead(scoped ref FrameCursor cursor, out QuicFrame frame)
    {
        frame = default;
        if (!cursor.TryVarInt(out var sequence) || !cursor.TryVarInt(out var retirePriorTo) || retirePriorTo > sequence ||
            !cursor.TryByte(out var length) || length is < 1 or > 20 ||
            !cursor.TryBytes(length, out var cid) || !cursor.TryBytes(16, out var token))
        {
            return false;
        }

        frame = new QuicFrame(QuicFrameType.NewConnectionId, 0x18) { Sequence = sequence, RetirePriorTo = retirePriorTo, Data = cid, ResetToken = token };
        return true;
    }
}
