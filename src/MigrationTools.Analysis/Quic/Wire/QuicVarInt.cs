using System;

namespace MigrationTools.Analysis.Quic;

/// <summary>QUIC variable-length integers (RFC 9000 section 16).</summary>
internal static class QuicVarInt
{
    /// <summary>Reads a varint at <paramref name="offset"/> and advances it; false when the span is too short.</summary>
    public static bool TryRead(ReadOnlySpan<byte> span, ref int offset, out ulong value)
    {
        value = 0;
        if (offset >= span.Length)
        {
            return false;
        }

        var length = 1 << (span[offset] >> 6);
        if (offset + length > span.Length)
        {
            return false;
        }

        value = (ulong)(span[offset] & 0x3f);
        for (var i = 1; i < length; i++)
        {
            value = (value << 8) | span[offset + i];
        }

        offset += length;
        return true;
    }
}
