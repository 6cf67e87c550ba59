namespace MigrationTools.Analysis.Quic;

/// <summary>STREAM (RFC 9000 section 19.8): the type's bits 0x04 (OFF), 0x02 (LEN) and 0x01 (FIN) say what follows.</summary>
internal static class StreamFrame
{
    internal static bool TryRead(scoped ref FrameCursor cursor, ulong rawType, out QuicFrame frame)
    {
        frame = default;
        ulong offset = 0;
        if (!cursor.TryVarInt(out var streamId) || ((rawType & 0x04) != 0 && !cursor.TryVarInt(out offset)))
        {
            return false;
        }

        System.ReadOnlySpan<byte> data;
        if ((rawType & 0x02) != 0)
        {
            if (!cursor.TryVarInt(out var length) || !cursor.TryBytes(length, out data))
            {
                return false;
            }
        }
        else
        {
            data = cursor.Rest();
        }

        frame = new QuicFrame(QuicFrameType.Stream, rawType) { StreamId = streamId, Offset = offset, Length = (ulong)data.Length, Fin = (rawType & 0x01) != 0, Data = data };
        return true;
    }
}
