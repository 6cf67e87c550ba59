using System;

namespace MigrationTools.Analysis.Quic;

/// <summary>Walks the ranges of an ACK frame (RFC 9000 section 19.3.1), largest first, as (smallest, largest).</summary>
internal ref struct AckRangeEnumerator
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly ulong _count;
    private ulong _read;
    private int _offset;
    private ulong _nextLargest;
    private bool _first;
    private readonly ulong _firstRange;
    private bool _done;

    internal AckRangeEnumerator(ulong largest, ulong firstRange, ReadOnlySpan<byte> data, ulong count)
    {
        _data = data;
        _count = count;
        _read = 0;
        _offset = 0;
        _nextLargest = largest;
        _first = true;
        _firstRange = firstRange;
        _done = false;
        Current = default;
    }

    /// <summary>The current range.</summary>
    public (ulong Smallest, ulong Largest) Current { get; private set; }

    /// <summary>For foreach.</summary>
    public readonly AckRangeEnumerator GetEnumerator() => this;

    /// <summary>Moves to the next range; false at the end or at a range that does not fit below the previous one.</summary>
    public bool MoveNext()
    {
        if (_done)
        {
            return false;
        }

        ulong length;
        if (_first)
        {
            _first = false;
            length = _firstRange;
        }
        else
        {
            if (_read >= _count || !QuicVarInt.TryRead(_data, ref _offset, out var gap) || !QuicVarInt.TryRead(_data, ref _offset, out length))
            {
                _done = true;
                return false;
            }

            _read++;
            var smallestBefore = Current.Smallest;
            if (smallestBefore < gap + 2)
            {
                _done = true;
                return false;
            }

            _nextLargest = smallestBefore - gap - 2;
        }

        if (_nextLargest < length)
        {
            _done = true;
            return false;
        }

        Current = (_nextLargest - length, _nextLargest);
        return true;
    }
}
