using System;
using System.Buffers.Binary;
using System.Net;

namespace MigrationTools.Analysis.Quic;

/// <summary>
/// The transport parameters of one endpoint (RFC 9000 section 18), as far as path validation and migration need
/// them: the preferred address, disable_active_migration, active_connection_id_limit and max_udp_payload_size.
/// </summary>
internal sealed record TransportParameters
{
    /// <summary>The server's preferred address (section 9.6), when it sent one.</summary>
    public PreferredAddress? PreferredAddress { get; init; }
    /// <summary>The endpoint forbids active migration to other addresses than the preferred one (section 9).</summary>
    public bool DisableActiveMigration { get; init; }
    /// <summary>How many connection IDs of the peer the endpoint keeps (default 2).</summary>
    public ulong ActiveConnectionIdLimit { get; init; } = 2;
    /// <summary>The endpoint accepts packets with the fixed bit cleared (grease_quic_bit, RFC 9287).</summary>
    public bool GreaseQuicBit { get; init; }
    /// <summary>The largest UDP payload the endpoint accepts (default 65527).</summary>
    public ulong MaxUdpPayloadSize { get; init; } = 65527;

    /// <summary>Reads the quic_transport_parameters extension's data; null when it is malformed.</summary>
    public static TransportParameters? TryParse(ReadOnlySpan<byte> data)
    {
        var result = new TransportParameters();
        var offset = 0;
        while (offset < data.Length)
        {
            if (!QuicVarInt.TryRead(data, ref offset, out var id) || !QuicVarInt.TryRead(data, ref offset, out var length) || length > (ulong)(data.Length - offset))
            {
                return null;
            }

            var value = data.Slice(offset, (int)length);
            offset += (int)length;
            switch (id)
            {
                case TransportParameterId.DisableActiveMigration:
                    if (!value.IsEmpty)
                    {
                        return null;
                    }

                    result = result with { DisableActiveMigration = true };
                    break;
                case TransportParameterId.GreaseQuicBit:
                    if (!value.IsEmpty)
                    {
                        return null;
                    }

                    result = result with { GreaseQuicBit = true };
                    break;
                case TransportParameterId.PreferredAddress:
                    var preferred = ParsePreferredAddress(value);
                    if (preferred is null)
                    {
                        return null;
                    }

                    result = result with { PreferredAddress = preferred };
                    break;
                case TransportParameterId.ActiveConnectionIdLimit when Number(value) is { } limit:
                    result = result with { ActiveConnectionIdLimit = limit };
                    break;
                case TransportParameterId.MaxUdpPayloadSize when Number(value) is { } size:
                    result = result with { MaxUdpPayloadSize = size };
                    break;
            }
        }

        return result;
    }

    private static ulong? Number(ReadOnlySpan<byte> value)
    {
        var offset = 0;
        return QuicVarInt.TryRead(value, ref offset, out var number) && offset == value.Length ? number : null;
    }

    /// <summary>IPv4 address (4) and port (2), IPv6 address (16) and port (2), CID length (1) and CID, reset token (16).</summary>
    private static PreferredAddress? ParsePreferredAddress(ReadOnlySpan<byte> value)
    {
        if (value.Length < 4 + 2 + 16 + 2 + 1 + 16)
        {
            return null;
        }

        var cidLength = value[24];
        if (cidLength is < 1 or > 20 || value.Length != 25 + cidLength + 16)
        {
            return null;
        }

        var v4 = value[..4];
        var v4Port = BinaryPrimitives.ReadUInt16BigEndian(value[4..]);
        var v6 = value.Slice(6, 16);
        var v6Port = BinaryPrimitives.ReadUInt16BigEndian(value[22..]);
        return new PreferredAddress(
            v4.IndexOfAnyExcept((byte)0) < 0 && v4Port == 0 ? null : new IPEndPoint(new IPAddress(v4), v4Port),
            v6.IndexOfAnyExcept((byte)0) < 0 && v6Port == 0 ? null : new IPEndPoint(new IPAddress(v6), v6Port),
            Convert.ToHexString(value.Slice(25, cidLength)).ToLowerInvariant(),
            Convert.ToHexString(value.Slice(25 + cidLength, 16)).ToLowerInvariant());
    }
}
