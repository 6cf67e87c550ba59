using System;
using System.Buffers.Binary;

namespace MigrationTools.Agent.Relay;

/// <summary>
/// Joins consecutive TCP segments of one flow into one GSO packet for a TUN device with offloads, as a NIC's
/// receive offload (GRO) does, so the kernel takes 64 KB at once instead of one packet per write. Segments join
/// only when nothing is lost by it: same addresses, ports, IP header fields (IPv4 identifications counting up),
/// TCP header length, options, acknowledgement and window; contiguous sequence numbers; every segment but the last
/// of the first one's size; only ACK set (PSH allowed on the last). Anything else starts a new packet.
/// </summary>
internal sealed class GroCoalescer
{
    private const int MaxPacket = 65535;
    private readonly byte[] _buffer = new byte[VirtioNetHeader.Size + MaxPacket];
    private int _length;
    private bool _ipv6;
    private int _ipLength;
    private int _headers;
    private int _gsoSize;
    private uint _nextSequence;
    private ushort _nextId;
    private bool _closed;

    /// <summary>Segments held.</summary>
    public int Count { get; private set; }

    /// <summary>Starts a packet with <paramref name="segment"/>; false when it is not a TCP segment that can be joined.</summary>
    public bool TryStart(ReadOnlySpan<byte> segment)
    {
        Count = 0;
        if (!Candidate(segment, out _ipv6, out _ipLength, out var tcpLength, out var payload) || (segment[_ipLength + 13] & 0x08) != 0 || segment.Length > MaxPacket)
        {
            return false;
        }

        _headers = _ipLength + tcpLength;
        _gsoSize = payload;
        segment.CopyTo(_buffer.AsSpan(VirtioNetHeader.Size));
        _length = segment.Length;
        _nextSequence = BinaryPrimitives.ReadUInt32BigEndian(segment[(_ipLength + 4)..]) + (uint)payload;
        _nextId = _ipv6 ? (ushort)0 : (ushort)(BinaryPrimitives.ReadUInt16BigEndian(segment[4..]) + 1);
        _closed = false;
        Count = 1;
        return true;
    }

    /// <summary>Adds <paramref name="segment"/> when it continues the flow; false (nothing changed) otherwise.</summary>
    public bool TryAppend(ReadOnlySpan<byte> segment)
    {
        if (Count == 0 || _closed || !Candidate(segment, out var ipv6, out var ipLength, out var tcpLength, out var payload) ||
            ipv6 != _ipv6 || ipLength + tcpLength != _headers || payload > _gsoSize || _length + payload > MaxPacket)
        {
            return false;
        }

        var first = _buffer.AsSpan(VirtioNetHeader.Size, _headers);
        if (!SameHeaders(first, segment, ipv6, ipLength) || BinaryPrimitives.ReadUInt32BigEndian(segment[(ipLength + 4)..]) != _nextSequence ||
            (!ipv6 && BinaryPrimitives.ReadUInt16BigEndian(segment[4..]) != _nextId))
        {
            return false;
        }

        segment[_headers..].CopyTo(_buffer.AsSpan(VirtioNetHeader.Size + _length));
        _length += payload;
        _nextSequence += (uint)payload;
        _nextId++;
        if ((segment[ipLength + 13] & 0x08) != 0)
        {
            // PSH ends what can be joined: the merged packet carries it.
            _buffer[VirtioNetHeader.Size + ipLength + 13] |= 0x08;
            _closed = true;
        }

        // A short segment is the last one of a run.
        _closed |= payload < _gsoSize;
        Count++;
        return true;
    }

    /// <summary>
    /// The virtio-net header and the joined packet, ready for one write to the TUN device: a GSO packet whose
    /// checksum is left to finish (the field holds the pseudo-header sum), with IP lengths and checksum set; a
    /// single segment comes back unchanged behind an all-zero header.
    /// </summary>
    public ReadOnlySpan<byte> Finish()
    {
        var packet = _buffer.AsSpan(VirtioNetHeader.Size, _length);
        if (Count == 1)
        {
            // Nothing was joined: the segment as it came, behind an all-zero header (no offload needed).
            _buffer.AsSpan(0, VirtioNetHeader.Size).Clear();
            Count = 0;
            return _buffer.AsSpan(0, VirtioNetHeader.Size + _length);
        }

        var tcp = _length - _ipLength;
        ulong pseudo;
        if (_ipv6)
        {
            BinaryPrimitives.WriteUInt16BigEndian(packet[4..], (ushort)(_length - 40));
            pseudo = InternetChecksum.PseudoHeaderV6(packet, 6, tcp);
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(packet[2..], (ushort)_length);
            BinaryPrimitives.WriteUInt16BigEndian(packet[10..], 0);
            BinaryPrimitives.WriteUInt16BigEndian(packet[10..], InternetChecksum.Finish(InternetChecksum.Add(packet[.._ipLength])));
            pseudo = InternetChecksum.PseudoHeaderV4(packet, 6, tcp);
        }

        BinaryPrimitives.WriteUInt16BigEndian(packet[(_ipLength + 16)..], InternetChecksum.Fold(pseudo));
        new VirtioNetHeader(VirtioNetHeader.NeedsChecksum, _ipv6 ? VirtioNetHeader.GsoTcpV6 : VirtioNetHeader.GsoTcpV4,
            (ushort)_headers, (ushort)_gsoSize, (ushort)_ipLength, 16).Write(_buffer);
        Count = 0;
        return _buffer.AsSpan(0, VirtioNetHeader.Size + _length);
    }

    /// <summary>A TCP segment with data, ACK set and no SYN, FIN, RST, URG, ECE or CWR; IPv4 not fragmented.</summary>
    private static bool Candidate(ReadOnlySpan<byte> segment, out bool ipv6, out int ipLength, out int tcpLength, out int payload)
    {
        tcpLength = 0;
        payload = 0;
        if (!GsoSegmenter.TryReadIp(segment, out ipv6, out ipLength, out var protocol) || protocol != 6 || segment.Length < ipLength + 20)
        {
            return false;
        }

        var total = ipv6 ? 40 + BinaryPrimitives.ReadUInt16BigEndian(segment[4..]) : BinaryPrimitives.ReadUInt16BigEndian(segment[2..]);
        tcpLength = (segment[ipLength + 12] >> 4) * 4;
        payload = total - ipLength - tcpLength;
        var flags = segment[ipLength + 13];
        return total == segment.Length && tcpLength >= 20 && payload > 0 && (flags & ~0x08) == 0x10;
    }

    /// <summary>Everything but the lengths, checksums, identification, sequence number and PSH is the same.</summary>
    private static bool SameHeaders(ReadOnlySpan<byte> first, ReadOnlySpan<byte> next, bool ipv6, int ipLength)
    {
        if (ipv6)
        {
            // Version, traffic class, flow label; next header and hop limit; addresses.
            if (!first[..4].SequenceEqual(next[..4]) || !first[6..40].SequenceEqual(next[6..40]))
            {
                return false;
            }
        }
        else if (first[0] != next[0] || first[1] != next[1] || first[6] != next[6] || first[8] != next[8] || first[9] != next[9] ||
            !first[12..ipLength].SequenceEqual(next[12..ipLength]))
        {
            // Header length, TOS, DF, TTL, protocol, addresses and options.
            return false;
        }

        var a = first[ipLength..];
        var b = next[ipLength..];
        // Ports; acknowledgement; header length; window; urgent pointer and options.
        return a[..4].SequenceEqual(b[..4]) && a[8..13].SequenceEqual(b[8..13]) && a[14..16].SequenceEqual(b[14..16]) &&
            a[18..].SequenceEqual(b.Slice(18, first.Length - ipLength - 18));
    }
}
