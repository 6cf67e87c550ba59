using System;
using System.Buffers.Binary;

namespace MigrationTools.Analysis.Quic;

/// <summary>
/// The parts of TLS 1.3 handshake messages (RFC 8446 section 4) a QUIC analysis needs, read from the start of a CRYPTO
/// stream: the ClientHello's random and transport parameters, the ServerHello's cipher suite, and the
/// EncryptedExtensions' transport parameters (the quic_transport_parameters extension, RFC 9001 section 8.2).
/// </summary>
internal static class TlsHandshake
{
    internal const byte ClientHello = 1;
    internal const byte ServerHello = 2;
    internal const byte EncryptedExtensions = 8;
    private const ushort QuicTransportParametersExtension = 0x39;

    /// <summary>The message of <paramref name="type"/> at the start of <paramref name="stream"/>, once it has arrived whole.</summary>
    internal static bool TryMessage(ReadOnlySpan<byte> stream, byte type, out ReadOnlySpan<byte> body)
    {
        body = default;
        if (stream.Length < 4 || stream[0] != type)
        {
            return false;
        }

        var length = (stream[1] << 16) | (stream[2] << 8) | stream[3];
        if (4 + length > stream.Length)
        {
            return false;
        }

        body = stream.Slice(4, length);
        return true;
    }

    /// <summary>The ClientHello's random (32 bytes after the legacy version), from its first 38 bytes.</summary>
    internal static bool TryClientRandom(ReadOnlySpan<byte> stream, out ReadOnlySpan<byte> random)
    {
        random = default;
        if (stream.Length < 38 || stream[0] != ClientHello)
        {
            return false;
        }

        random = stream.Slice(6, 32);
        return true;
    }

    /// <summary>The cipher suite a ServerHello chose, from its first bytes.</summary>
    internal static QuicCipherSuite? ServerCipherSuite(ReadOnlySpan<byte> stream)
    {
        // ServerHello: type, length (3), version (2), random (32), session id (1 + n), cipher suite (2).
        if (stream.Length < 40 || stream[0] != ServerHello)
        {
            return null;
        }

        var at = 39 + stream[38];
        if (at + 2 > stream.Length)
        {
            return null;
        }

        var value = BinaryPrimitives.ReadUInt16BigEndian(stream[at..]);
        return Enum.IsDefined(typeof(QuicCipherSuite), (int)value) ? (QuicCipherSuite)value : null;
    }

    /// <summary>The client's transport parameters, once the whole ClientHello has arrived (it may span several Initials).</summary>
    internal static TransportParameters? ClientTransportParameters(ReadOnlySpan<byte> stream)
    {
        if (!TryMessage(stream, ClientHello, out var body) || body.Length < 35)
        {
            return null;
        }

        // legacy_version (2), random (32), session id (1 + n), cipher suites (2 + n), compression methods (1 + n), extensions.
        var at = 34;
        at += 1 + body[at];
        if (at + 2 > body.Length)
        {
            return null;
        }

        at += 2 + BinaryPrimitives.ReadUInt16BigEndian(body[at..]);
        if (at >= body.Length)
        {
            return null;
        }

        at += 1 + body[at];
        return at <= body.Length ? FromExtensions(body[at..]) : null;
    }

    /// <summary>The server's transport parameters, from the EncryptedExtensions at the start of the Handshake stream.</summary>
    internal static TransportParameters? ServerTransportParameters(ReadOnlySpan<byte> stream) =>
        TryMessage(stream, EncryptedExtensions, out var body) ? FromExtensions(body) : null;

    /// <summary>Finds quic_transport_parameters in an extensions block (a 2-byte length, then type, length, data each).</summary>
    private static TransportParameters? FromExtensions(ReadOnlySpan<byte> block)
    {
        if (block.Length < 2)
        {
            return null;
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(block);
        if (2 + length > block.Length)
        {
            return null;
        }

        var extensions = block.Slice(2, length);
        while (extensions.Length >= 4)
        {
            var type = BinaryPrimitives.ReadUInt16BigEndian(extensions);
            var size = BinaryPrimitives.ReadUInt16BigEndian(extensions[2..]);
            if (4 + size > extensions.Length)
            {
                return null;
            }

            if (type == QuicTransportParametersExtension)
            {
                return TransportParameters.TryParse(extensions.Slice(4, size));
            }

            extensions = extensions[(4 + size)..];
        }

        return null;
    }
}
