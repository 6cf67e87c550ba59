namespace MigrationTools.Analysis.Quic;

/// <summary>PADDING (RFC 9000 section 19.1): a run of zero bytes, read as one frame with its length.</summary>
internal static class PaddingFrame
{
    internal static QuicFrame Read(scoped ref FrameCursor cursor) =>
        new(QuicFrameType.Padding, 0x00) { Length = 1 + (ulong)cursor.SkipZeros() };
}
