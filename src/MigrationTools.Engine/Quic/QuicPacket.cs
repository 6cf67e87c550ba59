using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace MigrationTools.Engine.Quic;

/// <summary>Packet types, with v2's long-header type bits already mapped (RFC 9369 section 3.2).</summary>
public enum QuicPacketType
{
    /// <summary>Initial.</summary>
    Initial,
    /// <summary>0-RTT.</summary>
    ZeroRtt,
    /// <summary>Handshake.</summary>
    Handshake,
    /// <summary>Retry.</summary>
    Retry,
    /// <summary>Version Negotiation.</summary>
    VersionNegotiation,
    /// <summary>1-RTT (short header).</summary>
    OneRtt,
}

/// <summary>Where the parts of one QUIC packet lie in its datagram (offsets into the packet).</summary>
public readonly record struct QuicHeader(
    QuicPacketType Type, uint Version, int DcidOffset, int DcidLength, int ScidOffset, int ScidLength,
    int PacketNumberOffset, int PacketLength)
{
    /// <summary>True for long-header packets.</summary>
    public bool IsLong => Type != QuicPacketType.OneRtt;
}

/// <summary>QUIC variable-length integers (RFC 9000 section 16).</summary>
public static class QuicVarInt
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

/// <summary>Header parsing and packet unprotection (RFC 9000 section 17, RFC 9001 section 5).</summary>
public static class QuicPacket
{
    /// <summary>
    /// Parses the long header at the start of <paramref name="datagram"/>; <c>PacketLength</c> tells where a
    /// coalesced next packet starts. False when this is not a well-formed long header of a known version.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParseLong(ReadOnlySpan<byte> datagram, out QuicHeader header)
    {
        header = default;
        if (datagram.Length < 7 || (datagram[0] & 0x80) == 0)
        {
            return false;
        }

        var version = BinaryPrimitives.ReadUInt32BigEndian(datagram[1..]);
        var offset = 5;
        var dcidLength = datagram[offset++];
        if (dcidLength > 20 || offset + dcidLength + 1 > datagram.Length)
        {
            return false;
        }

        var dcidOffset = offset;
        offset += dcidLength;
        var scidLength = datagram[offset++];
        if (scidLength > 20 || offset + scidLength > datagram.Length)
        {
            return false;
        }

        var scidOffset = offset;
        offset += scidLength;
        if (version == 0)
        {
            header = new QuicHeader(QuicPacketType.VersionNegotiation, 0, dcidOffset, dcidLength, scidOffset, scidLength, offset, datagram.Length);
            return true;
        }

        // The fixed bit is not checked: peers may grease it (RFC 9287), as ngtcp2 does.
        if (!QuicVersions.IsKnown(version))
        {
            return false;
        }

        var bits = (datagram[0] >> 4) & 0x03;
        var type = version == QuicVersions.V2
            ? bits switch { 1 => QuicPacketType.Initial, 2 => QuicPacketType.ZeroRtt, 3 => QuicPacketType.Handshake, _ => QuicPacketType.Retry }
            : bits switch { 0 => QuicPacketType.Initial, 1 => QuicPacketType.ZeroRtt, 2 => QuicPacketType.Handshake, _ => QuicPacketType.Retry };
        if (type == QuicPacketType.Retry)
        {
            header = new QuicHeader(type, version, dcidOffset, dcidLength, scidOffset, scidLength, offset, datagram.Length);
            return true;
        }

        if (type == QuicPacketType.Initial)
        {
            if (!QuicVarInt.TryRead(datagram, ref offset, out var tokenLength) || tokenLength > (ulong)(datagram.Length - offset))
            {
                return false;
            }

            offset += (int)tokenLength;
        }

        if (!QuicVarInt.TryRead(datagram, ref offset, out var length) || length > (ulong)(datagram.Length - offset) || length < 20)
        {
            return false;
        }

        header = new QuicHeader(type, version, dcidOffset, dcidLength, scidOffset, scidLength, offset, offset + (int)length);
        return true;
    }

    /// <summary>A short header with a Destination Connection ID of <paramref name="dcidLength"/> bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParseShort(ReadOnlySpan<byte> datagram, int dcidLength, out QuicHeader header)
    {
        header = default;
        if (datagram.Length < 1 + dcidLength + 20 || (datagram[0] & 0x80) != 0)
        {
            return false;
        }

        header = new QuicHeader(QuicPacketType.OneRtt, 0, 1, dcidLength, 0, 0, 1 + dcidLength, datagram.Length);
        return true;
    }

    /// <summary>
    /// Removes header protection and decrypts one packet (<paramref name="packet"/> holds exactly it) into
    /// <paramref name="plaintext"/>, using <paramref name="scratch"/> for the unmasked header. Returns the plaintext
    /// length, or -1 when the packet is too short or does not authenticate with these keys.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int TryUnprotect(QuicPacketKeys keys, ReadOnlySpan<byte> packet, in QuicHeader header, ulong largestPacketNumber,
        Span<byte> scratch, Span<byte> plaintext, out ulong packetNumber, out bool keyPhase)
    {
        packetNumber = 0;
        keyPhase = false;
        var pnOffset = header.PacketNumberOffset;
        if (packet.Length < pnOffset + 4 + 16 || packet.Length > scratch.Length)
        {
            return -1;
        }

        Span<byte> mask = stackalloc byte[5];
        keys.HeaderMask(packet.Slice(pnOffset + 4, 16), mask);
        var first = (byte)(packet[0] ^ (mask[0] & (header.IsLong ? 0x0f : 0x1f)));
        var pnLength = (first & 0x03) + 1;
        var headerLength = pnOffset + pnLength;
        packet[..headerLength].CopyTo(scratch);
        scratch[0] = first;
        ulong truncated = 0;
        for (var i = 0; i < pnLength; i++)
        {
            scratch[pnOffset + i] ^= mask[1 + i];
            truncated = (truncated << 8) | scratch[pnOffset + i];
        }

        packetNumber = QuicCrypto.DecodePacketNumber(largestPacketNumber, truncated, pnLength);
        keyPhase = !header.IsLong && (first & 0x04) != 0;
        var body = packet[headerLength..];
        if (body.Length < 16 || body.Length - 16 > plaintext.Length)
        {
            return -1;
        }

        return keys.TryDecrypt(packetNumber, scratch[..headerLength], body, plaintext) ? body.Length - 16 : -1;
    }
}

/// <summary>One frame of a decrypted payload; <see cref="Data"/> is the frame's payload where it has one.</summary>
public readonly ref struct QuicFrame
{
    internal QuicFrame(ulong type, ulong offset, ulong sequence, ReadOnlySpan<byte> data)
    {
        Type = type;
        Offset = offset;
        Sequence = sequence;
        Data = data;
    }

    /// <summary>The frame type.</summary>
    public ulong Type { get; }
    /// <summary>CRYPTO/STREAM offset.</summary>
    public ulong Offset { get; }
    /// <summary>NEW_CONNECTION_ID sequence number.</summary>
    public ulong Sequence { get; }
    /// <summary>CRYPTO data, PATH_CHALLENGE/RESPONSE data, NEW_CONNECTION_ID connection ID.</summary>
    public ReadOnlySpan<byte> Data { get; }

    /// <summary>PATH_CHALLENGE.</summary>
    public const ulong PathChallenge = 0x1a;
    /// <summary>PATH_RESPONSE.</summary>
    public const ulong PathResponse = 0x1b;
    /// <summary>NEW_CONNECTION_ID.</summary>
    public const ulong NewConnectionId = 0x18;
    /// <summary>CRYPTO.</summary>
    public const ulong Crypto = 0x06;
    /// <summary>PADDING.</summary>
    public const ulong Padding = 0x00;
}

/// <summary>Walks the frames of a decrypted payload (RFC 9000 section 19) without allocating.</summary>
public ref struct QuicFrameReader
{
    private readonly ReadOnlySpan<byte> _payload;
    private int _offset;

    /// <summary>Reads frames from <paramref name="payload"/>.</summary>
    public QuicFrameReader(ReadOnlySpan<byte> payload)
    {
        _payload = payload;
        _offset = 0;
        Malformed = false;
    }

    /// <summary>True when reading stopped at a frame that could not be parsed.</summary>
    public bool Malformed { get; private set; }

    /// <summary>The next frame; false at the end or at a malformed/unknown frame (then <see cref="Malformed"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryNext(out QuicFrame frame)
    {
        frame = default;
        if (_offset >= _payload.Length)
        {
            return false;
        }

        if (!QuicVarInt.TryRead(_payload, ref _offset, out var type))
        {
            return Fail();
        }

        ulong a = 0, b = 0, c = 0;
        switch (type)
        {
            case 0x00:
                while (_offset < _payload.Length && _payload[_offset] == 0)
                {
                    _offset++;
                }

                frame = new QuicFrame(type, 0, 0, default);
                return true;
            case 0x01 or 0x1e:
                frame = new QuicFrame(type, 0, 0, default);
                return true;
            case 0x02 or 0x03:
            {
                if (!Skip(2) || !QuicVarInt.TryRead(_payload, ref _offset, out var ranges) || !Skip(1) || ranges > 10_000 || !Skip((int)ranges * 2) || (type == 0x03 && !Skip(3)))
                {
                    return Fail();
                }

                frame = new QuicFrame(type, 0, 0, default);
                return true;
            }
            case 0x04:
                return Simple(type, 3, out frame);
            case 0x05 or 0x11 or 0x15:
                return Simple(type, 2, out frame);
            case 0x10 or 0x12 or 0x13 or 0x14 or 0x16 or 0x17 or 0x19:
                return Simple(type, 1, out frame);
            case 0x06:
            {
                if (!QuicVarInt.TryRead(_payload, ref _offset, out a) || !QuicVarInt.TryRead(_payload, ref _offset, out b) || b > (ulong)(_payload.Length - _offset))
                {
                    return Fail();
                }

                frame = new QuicFrame(type, a, 0, _payload.Slice(_offset, (int)b));
                _offset += (int)b;
                return true;
            }
            case 0x07:
            {
                if (!QuicVarInt.TryRead(_payload, ref _offset, out b) || b > (ulong)(_payload.Length - _offset))
                {
                    return Fail();
                }

                _offset += (int)b;
                frame = new QuicFrame(type, 0, 0, default);
                return true;
            }
            case >= 0x08 and <= 0x0f:
            {
                if (!QuicVarInt.TryRead(_payload, ref _offset, out _) || ((type & 0x04) != 0 && !QuicVarInt.TryRead(_payload, ref _offset, out a)))
                {
                    return Fail();
                }

                if ((type & 0x02) != 0)
                {
                    if (!QuicVarInt.TryRead(_payload, ref _offset, out b) || b > (ulong)(_payload.Length - _offset))
                    {
                        return Fail();
                    }
                }
                else
                {
                    b = (ulong)(_payload.Length - _offset);
                }

                _offset += (int)b;
                frame = new QuicFrame(type, a, 0, default);
                return true;
            }
            case 0x18:
            {
                if (!QuicVarInt.TryRead(_payload, ref _offset, out a) || !QuicVarInt.TryRead(_payload, ref _offset, out _) || _offset >= _payload.Length)
                {
                    return Fail();
                }

                var length = _payload[_offset++];
                if (length is < 1 or > 20 || _offset + length + 16 > _payload.Length)
                {
                    return Fail();
                }

                frame = new QuicFrame(type, 0, a, _payload.Slice(_offset, length));
                _offset += length + 16;
                return true;
            }
            case 0x1a or 0x1b:
                if (_offset + 8 > _payload.Length)
                {
                    return Fail();
                }

                frame = new QuicFrame(type, 0, 0, _payload.Slice(_offset, 8));
                _offset += 8;
                return true;
            case 0x1c or 0x1d:
            {
                if (!QuicVarInt.TryRead(_payload, ref _offset, out _) || (type == 0x1c && !QuicVarInt.TryRead(_payload, ref _offset, out _)) ||
                    !QuicVarInt.TryRead(_payload, ref _offset, out c) || c > (ulong)(_payload.Length - _offset))
                {
                    return Fail();
                }

                _offset += (int)c;
                frame = new QuicFrame(type, 0, 0, default);
                return true;
            }
            case 0x30:
                _offset = _payload.Length;
                frame = new QuicFrame(type, 0, 0, default);
                return true;
            case 0x31:
            {
                if (!QuicVarInt.TryRead(_payload, ref _offset, out b) || b > (ulong)(_payload.Length - _offset))
                {
                    return Fail();
                }

                _offset += (int)b;
                frame = new QuicFrame(type, 0, 0, default);
                return true;
            }
            default:
                return Fail();
        }
    }

    private bool Simple(ulong type, int varints, out QuicFrame frame)
    {
        frame = new QuicFrame(type, 0, 0, default);
        return Skip(varints) || Fail();
    }

    private bool Skip(int varints)
    {
        for (var i = 0; i < varints; i++)
        {
            if (!QuicVarInt.TryRead(_payload, ref _offset, out _))
            {
                return false;
            }
        }

        return true;
    }

    private bool Fail()
    {
        Malformed = true;
        _offset = _payload.Length;
        return false;
    }
}
