using System;
using System.Collections.Generic;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using MigrationTools.Analysis.Capture;

namespace MigrationTools.Analysis.Quic;

/// <summary>
/// Recognises a datagram captured twice within 50 ms (tcpdump -i any on a router sees it on the way in and on the way
/// out, and once more inside IP-in-IP): the same addresses, the same length and the same content, identified by a
/// 128-bit hash of the whole payload. Two different datagrams that merely end alike (padded with zeros to the same
/// size, as browsers' servers pad their Initials) are both kept.
/// </summary>
internal sealed class DuplicateFilter
{
    private const long WindowMicros = 50_000;
    private const int MaxRemembered = 65536;
    private readonly HashSet<DatagramIdentity> _seen = new();
    private readonly Queue<(long Micros, DatagramIdentity Identity)> _order = new();

    /// <summary>Loads the hash's assembly (System.IO.Hashing) before a watch opens its files.</summary>
    internal static void EnsureLoaded() => XxHash128.HashToUInt128(ReadOnlySpan<byte>.Empty);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool IsDuplicate(long micros, NetEndpoint source, NetEndpoint destination, ReadOnlySpan<byte> datagram)
    {
        while (_order.Count > 0 && (_order.Peek().Micros < micros - WindowMicros || _order.Count > MaxRemembered))
        {
            _seen.Remove(_order.Dequeue().Identity);
        }

        var identity = new DatagramIdentity(XxHash128.HashToUInt128(datagram), datagram.Length, source, destination);
        if (!_seen.Add(identity))
        {
            return true;
        }

        _order.Enqueue((micros, identity));
        return false;
    }

    private readonly record struct DatagramIdentity(UInt128 Hash, int Length, NetEndpoint Source, NetEndpoint Destination);
}
