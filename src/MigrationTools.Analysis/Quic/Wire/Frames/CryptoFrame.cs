namespace MigrationTools.Analysis.Quic;

/// <summary>CRYPTO (RFC 9000 section 19.6): offset, length, handshake data.</summary>
internal static class CryptoFrame
{
    internal static bool TryRead(scoped ref FrameCursor cursor, out QuicFrame frame)
    {
        frame = default;
        if (!cursor.TryVarInt(out var offset) || !cursor.TryVarInt(out var length) || !cursor.TryBytes(length, out var data))
        {
            return false;
        }

        frame = new QuicFrame(QuicFrameType.Crypto, 0x06) { Offset = offset, Length = length, Data = data };
        return true;
    }
}
