namespace MigrationTools.Analysis.Quic;

/// <summary>DATAGRAM (RFC 9221 section 4): with a length (0x31) or to the end of the packet (0x30).</summary>
internal static class DatagramFrame
{
    internal static bool TryRead(scoped ref FrameCursor cursor, ulong rawType, out QuicFrame frame)
    {
        frame = default;
        System.ReadOnlySpan<byte> data;
        if (rawType == (ulong)QuicFrameType.DatagramWithLength)
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

        frame = new QuicFrame((QuicFrameType)rawType, rawType) { Length = (ulong)data.Length, Data = data };
        return true;
    }
}
