using System;

namespace MigrationTools.Analysis.Quic;

/// <summary>A position in a decrypted payload and the reads frames are made of; every read checks the length first.</summary>
internal ref struct FrameCursor
{
    private readonly ReadOnlySpan<byte> _payload;

    internal FrameCursor(ReadOnlySpan<byte> payload, int offset = 0)
    {
        _payload = payload;
        Offset = offset;
    }

    /// <summary>Where the next read starts.</summary>
    internal int Offset { get; private set; }

    /// <summary>Bytes left.</summary>
    internal readonly int Remaining => _payload.Length - Offset;

    internal bool TryVarInt(out ulong value)
    {
        var offset = Offset;
        var ok = QuicVarInt.TryRead(_payload, ref offset, out value);
        Offset = offset;
        return ok;
    }

    internal bool TryByte(out byte value)
    {
        if (Offset >= _payload.Length)
        {
            value = 0;
            return false;
        }

        value = _payload[Offset++];
        return true;
    }

    internal bool TryBytes(ulong count, out ReadOnlySpan<byte> bytes)
    {
        if (count > (ulong)Remaining)
        {
            bytes = default;
            return false;
        }

        bytes = _payload.Slice(Offset, (int)count);
        Offset += (int)count;
        return true;
    }

    /// <summary>Everything left (frames without a length run to the end of the packet).</summary>
    internal ReadOnlySpan<byte> Rest()
    {
        var rest = _payload[Offset..];
        Offset = _payload.Length;
        return rest;
    }

    /// <summary>Skips a run of zero bytes (PADDING after its first byte); returns how many.</summary>
    internal int SkipZeros()
    {
        var start = Offset;
        while (Offset < _payload.Length && _payload[Offset] == 0)
        {
            Offset++;
        }

        return Offset - start;
    }

    /// <summary>The bytes from <paramref name="start"/> to here.</summary>
    internal readonly ReadOnlySpan<byte> Since(int start) => _payload[start..Offset];
}
