using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace MigrationTools.Engine.Quic;

/// <summary>
/// Recognises a datagram captured twice within 50 ms (tcpdump -i any on a router sees it on the way in and on
/// the way out, and once more inside IP-in-IP) by its length and its last 16 bytes, the AEAD tag.
/// </summary>
internal sealed class DuplicateFilter
{
    private const long WindowMicros = 50_000;
    private readonly HashSet<(UInt128 Tail, int Length)> _seen = new();
    private readonly Queue<(long Micros, UInt128 Tail, int Length)> _order = new();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool IsDuplicate(long micros, ReadOnlySpan<byte> datagram)
    {
        while (_order.Count > 0 && (_order.Peek().Micros < micros - WindowMicros || _order.Count > 65536))
        {
            var (_, tail, length) = _order.Dequeue();
            _seen.Remove((tail, length));
        }

        if (datagram.Length < 16)
        {
            return false;
        }

        var key = (BinaryPrimitives.ReadUInt128LittleEndian(datagram[^16..]), datagram.Length);
        if (!_seen.Add(key))
        {
            return true;
        }

        _order.Enqueue((micros, key.Item1, key.Item2));
        return false;
    }
}
