namespace MigrationTools.Analysis.Quic;

/// <summary>PATH_CHALLENGE and PATH_RESPONSE (RFC 9000 sections 19.17 and 19.18): 8 bytes of data.</summary>
internal static class PathFrame
{
    internal static bool TryRead(scoped ref FrameCursor cursor, ulong rawType, out QuicFrame frame)
    {
        frame = default;
        if (!cursor.TryBytes(8, out var data))
        {
            return false;
        }

        frame = new QuicFrame((QuicFrameType)rawType, rawType) { Data = data };
        return true;
    }
}
