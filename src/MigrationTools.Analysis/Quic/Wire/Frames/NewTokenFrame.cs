namespace MigrationTools.Analysis.Quic;

/// <summary>NEW_TOKEN (RFC 9000 section 19.7): a token for future connections.</summary>
internal static class NewTokenFrame
{
    internal static bool TryRead(scoped ref FrameCursor cursor, out QuicFrame frame)
    {
        frame = default;
        if (!cursor.TryVarInt(out var length) || length == 0 || !cursor.TryBytes(length, out var token))
        {
            return false;
        }

        frame = new QuicFrame(QuicFrameType.NewToken, 0x07) { Length = length, Data = token };
        return true;
    }
}
