using System;
using System.Collections.Generic;

namespace MigrationTools.Engine.Quic;

/// <summary>
/// The CRYPTO data of one side in one packet number space, put back in order from its frames (which may come out
/// of order, repeated, or split over several packets, as a large ClientHello is), up to a bound: only the first
/// handshake messages (ClientHello, ServerHello, EncryptedExtensions) are read from it.
/// </summary>
internal sealed class CryptoStream
{
    private const int Limit = 64 * 1024;
    private readonly List<(int Start, int End)> _received = new();
    private byte[] _buffer = new byte[2048];

    /// <summary>How many bytes from offset 0 have arrived without a gap.</summary>
    internal int Contiguous => _received.Count > 0 && _received[0].Start == 0 ? _received[0].End : 0;

    /// <summary>The bytes from offset 0 that have arrived without a gap.</summary>
    internal ReadOnlySpan<byte> Data => _buffer.AsSpan(0, Contiguous);

    /// <summary>Adds the data of a CRYPTO frame; what lies beyond the bound is left out.</summary>
    internal void Add(ulong offset, ReadOnlySpan<byte> data)
    {
        if (offset >= Limit || data.IsEmpty)
        {
            return;
        }

        var start = (int)offset;
        var count = Math.Min(data.Length, Limit - start);
        var end = start + count;
        if (_buffer.Length < end)
        {
            Array.Resize(ref _buffer, Math.Min(Limit, Math.Max(end, _buffer.Length * 2)));
        }

        data[..count].CopyTo(_buffer.AsSpan(start));
        Merge(start, end);
    }

    private void Merge(int start, int end)
    {
        var merged = (Start: start, End: end);
        var result = new List<(int Start, int End)>(_received.Count + 1);
        var placed = false;
        foreach (var range in _received)
        {
            if (range.End < merged.Start)
            {
                result.Add(range);
            }
            else if (range.Start > merged.End)
            {
                if (!placed)
                {
                    result.Add(merged);
                    placed = true;
                }

                result.Add(range);
            }
            else
            {
                merged = (Math.Min(merged.Start, range.Start), Math.Max(merged.End, range.End));
            }
        }

        if (!placed)
        {
            result.Add(merged);
        }

        _received.Clear();
        _received.AddRange(result);
    }
}
