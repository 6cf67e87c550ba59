namespace MigrationTools.Analysis.Quic;

/// <summary>CONNECTION_CLOSE (RFC 9000 section 19.19): error code, (transport: the frame type), reason phrase.</summary>
internal static class ConnectionCloseFrame
{
    internal static bool TryRead(scoped ref FrameCursor cursor, ulong rawType, out QuicFrame frame)
    {
        frame = default;
        ulong trigger = 0;
        if (!cursor.TryVarInt(out var error) || (rawType == (ulong)QuicFrameType.ConnectionClose && !cursor.TryVarInt(out trigger)) ||
            !cursor.TryVarInt(out var length) || !cursor.TryBytes(length, out var reason))
        {
            return false;
        }

        frame = new QuicFrame((QuicFrameType)rawType, rawType) { ErrorCode = error, TriggerFrameType = trigger, Data = reason };
        return true;
    }
}
