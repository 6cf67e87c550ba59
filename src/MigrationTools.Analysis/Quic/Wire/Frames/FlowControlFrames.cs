namespace MigrationTools.Analysis.Quic;

/// <summary>
/// The stream and flow-control frames, made of one to three numbers (RFC 9000 sections 19.4, 19.5 and 19.9 to
/// 19.14): RESET_STREAM, STOP_SENDING, MAX_DATA, MAX_STREAM_DATA, MAX_STREAMS, DATA_BLOCKED, STREAM_DATA_BLOCKED,
/// STREAMS_BLOCKED.
/// </summary>
internal static class FlowControlFrames
{
    internal static bool TryRead(scoped ref FrameCursor cursor, QuicFrameType type, out QuicFrame frame)
    {
        frame = default;
        ulong stream = 0, error = 0, value = 0;
        var ok = type switch
        {
            QuicFrameType.ResetStream => cursor.TryVarInt(out stream) && cursor.TryVarInt(out error) && cursor.TryVarInt(out value),
            QuicFrameType.StopSending => cursor.TryVarInt(out stream) && cursor.TryVarInt(out error),
            QuicFrameType.MaxStreamData or QuicFrameType.StreamDataBlocked => cursor.TryVarInt(out stream) && cursor.TryVarInt(out value),
            _ => cursor.TryVarInt(out value),
        };
        if (!ok)
        {
            return false;
        }

        frame = new QuicFrame(type, (ulong)type) { StreamId = stream, ErrorCode = error, Value = value };
        return true;
    }
}
