using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace MigrationTools.Analysis.Quic;

/// <summary>Header parsing and packet unprotection (RFC 9000 section 17, RFC 9001 section 5).</summary>
internal static class QuicPacket
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

        if (keys.TryDecrypt(packetNumber, scratch[..headerLength], body, plaintext))
        {
            return body.Length - 16;
        }

        // A capture that missed more than half a packet-number window decodes the number one window off (RFC 9000
        // appendix A.3 assumes a receiver that saw the packets in between): the neighbouring windows are tried, later
        // ones first, and the AEAD tag decides which number is right.
        var window = 1UL << (8 * pnLength);
        for (var k = 1; k <= GapWindowsForward + GapWindowsBack; k++)
        {
            var candidate = k <= GapWindowsForward ? packetNumber + ((ulong)k * window) : packetNumber - ((ulong)(k - GapWindowsForward) * window);
            if (candidate >= MaxPacketNumber || (k > GapWindowsForward && (ulong)(k - GapWindowsForward) * window > packetNumber))
            {
                continue;
            }

            if (keys.TryDecrypt(candidate, scratch[..headerLength], body, plaintext))
            {
                packetNumber = candidate;
                return body.Length - 16;
            }
        }

        return -1;
    }

    /// <summary>Packet-number windows tried past the decoded number when a packet does not authenticate (gaps in a capture).</summary>
    internal const int GapWindowsForward = 4;

    /// <summary>Windows tried before the decoded number (a packet reordered across a gap).</summary>
    internal const int GapWindowsBack = 1;

    private const ulong MaxPacketNumber = 1UL << 62;
}
