using System;
using System.Collections.Generic;

namespace MigrationTools.Analysis.Quic;

/// <summary>
/// The CRYPTO data of one side in one packet number space, put back in order from its frames (which may come out
/// of order, repeated, or split over several packets, as a large ClientHello is), up to a bound: only the first
/// handshake messages (ClientHello, ServerHello, EncryptedExtensions) are read from it.
/// </summary>
internal sealed class CryptoStream
{
    private const int Limit = 64 * 1024;
    /// <summary>At most this many separate pieces are kept: a stream cut into more gaps is hostile, not a handshake.</summary>
    internal const int MaxRanges = 256;
    private readonly List<(int Start, int End)> _received = new();
    private byte[] _buffer = new byte[2048];
    private bool _released;

    /// <summary>Frames left out because they would have opened one gap more than <see cref="MaxRanges"/>.</summary>
    internal int Dropped { get; private set; }

    /// <summary>Gives the memory back once what was needed has been read; later frames are ignored.</summary>
    internal void Release()
    {
        _released = true;
        _buffer = Array.Empty<byte>();
        _received.Clear();
        _received.TrimExcess();
    }

    /// <summary>How many bytes from offset 0 have arrived without a gap.</summary>
    internal int Contiguous => _received.Count > 0 && _received[0].Start == 0 ? _received[0].End : 0;

    /// <summary>The bytes from offset 0 that have arrived without a gap.</summary>
    internal ReadOnlySpan<byte> Data => _buffer.AsSpan(0, Contiguous);

    /// <summary>Adds the data of a CRYPTO frame; what lies beyond the bound is left out.</summary>
    internal void Add(ulong offset, ReadOnlySpan<byte> data)
    {
        if (_released || offset >= Limit || data.IsEmpty)
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

        var first = FirstTouching(start);
        if (_received.Count >= MaxRanges && (first == _received.Count || _received[first].Start > end))
        {
            // A new gap past the bound: the frame is left out (a real handshake has a handful).
            Dropped++;
            return;
        }

        data[..count].CopyTo(_buffer.AsSpan(start));
        Merge(start, end);
    }

    /// <summary>
    /// Joins [start, end) into the sorted, disjoint ranges: a binary search finds the first range it touches, the
    /// ranges it covers are replaced by one.
    /// </summary>
    private void Merge(int start, int end)
    {
        var first = FirstTouching(start);
        var last = first;
        var merged = (Start: start, End: end);
        while (last < _received.Count && _received[last].Start <= end)
        {
            merged = (Math.Min(merged.Start, _received[last].Start), Math.Max(merged.End, _received[last].End));
            last++;
        }

        if (first == last)
        {
            _received.Insert(first, merged);
            return;
        }

        _received[first] = merged;
        _received.RemoveRange(first + 1, last - first - 1);
    }

    /// <summary>The index of the first range that ends at or after <paramref name="start"/> (ranges that touch join).</summary>
    private int FirstTouching(int start)
    {
        int low = 0, high = _received.Count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (_received[middle].End < start)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }
}
