using System;
using System.Linq;
using System.Text.Json;

namespace MigrationTools.Analysis.Quic;

/// <summary>Writes a packet's frames as qlog (0.3, the QUIC event definitions ngtcp2 and qvis use) frame objects.</summary>
internal static class QlogFrames
{
    /// <summary>Writes the "frames" array of a decrypted payload.</summary>
    internal static void Write(Utf8JsonWriter json, ReadOnlySpan<byte> payload)
    {
        json.WriteStartArray("frames");
        var reader = new QuicFrameReader(payload);
        while (reader.TryNext(out var frame))
        {
            WriteFrame(json, frame);
        }

        json.WriteEndArray();
    }

    private static void WriteFrame(Utf8JsonWriter json, in QuicFrame frame)
    {
        json.WriteStartObject();
        json.WriteString(FrameTypeName, Encoded(frame.Type));
        switch (frame.Type)
        {
            case QuicFrameType.Padding:
                json.WriteNumber("length", frame.Length);
                break;
            case QuicFrameType.Ack or QuicFrameType.AckEcn:
                json.WriteNumber("ack_delay", frame.AckDelay);
                json.WriteStartArray("acked_ranges");
                foreach (var (smallest, largest) in frame.AckRanges)
                {
                    json.WriteStartArray();
                    json.WriteNumberValue(smallest);
                    if (largest != smallest)
                    {
                        json.WriteNumberValue(largest);
                    }

                    json.WriteEndArray();
                }

                json.WriteEndArray();
                break;
            case QuicFrameType.Stream:
                json.WriteNumber("stream_id", frame.StreamId);
                json.WriteNumber("offset", frame.Offset);
                json.WriteNumber("length", frame.Data.Length);
                json.WriteBoolean("fin", frame.Fin);
                break;
            case QuicFrameType.Crypto:
                json.WriteNumber("offset", frame.Offset);
                json.WriteNumber("length", frame.Data.Length);
                break;
            case QuicFrameType.NewConnectionId:
                json.WriteNumber("sequence_number", frame.Sequence);
                json.WriteNumber("retire_prior_to", frame.RetirePriorTo);
                json.WriteNumber("connection_id_length", frame.Data.Length);
                json.WriteString("connection_id", Hex(frame.Data));
                json.WriteString("stateless_reset_token", Hex(frame.ResetToken));
                break;
            case QuicFrameType.RetireConnectionId:
                json.WriteNumber("sequence_number", frame.Sequence);
                break;
            case QuicFrameType.PathChallenge or QuicFrameType.PathResponse:
                json.WriteString("data", Hex(frame.Data));
                break;
            case QuicFrameType.ConnectionClose or QuicFrameType.ApplicationClose:
                json.WriteString("error_space", frame.Type == QuicFrameType.ConnectionClose ? "transport" : "application");
                json.WriteNumber("error_code", frame.ErrorCode);
                break;
            case QuicFrameType.MaxData or QuicFrameType.MaxStreamData or QuicFrameType.MaxStreamsBidi or QuicFrameType.MaxStreamsUni:
                json.WriteNumber("maximum", frame.Value);
                break;
        }

        json.WriteEndObject();
    }

    private static readonly JsonEncodedText FrameTypeName = JsonEncodedText.Encode("frame_type");
    private static readonly System.Collections.Generic.Dictionary<QuicFrameType, JsonEncodedText> EncodedNames =
        Enum.GetValues<QuicFrameType>().ToDictionary(t => t, t => JsonEncodedText.Encode(Name(t)));

    private static JsonEncodedText Encoded(QuicFrameType type) => EncodedNames.TryGetValue(type, out var name) ? name : JsonEncodedText.Encode("unknown");

    /// <summary>The qlog name of a frame type.</summary>
    internal static string Name(QuicFrameType type) => type switch
    {
        QuicFrameType.Padding => "padding",
        QuicFrameType.Ping => "ping",
        QuicFrameType.Ack or QuicFrameType.AckEcn => "ack",
        QuicFrameType.ResetStream => "reset_stream",
        QuicFrameType.StopSending => "stop_sending",
        QuicFrameType.Crypto => "crypto",
        QuicFrameType.NewToken => "new_token",
        QuicFrameType.Stream => "stream",
        QuicFrameType.MaxData => "max_data",
        QuicFrameType.MaxStreamData => "max_stream_data",
        QuicFrameType.MaxStreamsBidi or QuicFrameType.MaxStreamsUni => "max_streams",
        QuicFrameType.DataBlocked => "data_blocked",
        QuicFrameType.StreamDataBlocked => "stream_data_blocked",
        QuicFrameType.StreamsBlockedBidi or QuicFrameType.StreamsBlockedUni => "streams_blocked",
        QuicFrameType.NewConnectionId => "new_connection_id",
        QuicFrameType.RetireConnectionId => "retire_connection_id",
        QuicFrameType.PathChallenge => "path_challenge",
        QuicFrameType.PathResponse => "path_response",
        QuicFrameType.ConnectionClose or QuicFrameType.ApplicationClose => "connection_close",
        QuicFrameType.HandshakeDone => "handshake_done",
        QuicFrameType.Datagram or QuicFrameType.DatagramWithLength => "datagram",
        _ => "unknown",
    };

    /// <summary>Writes lower-case hex of <paramref name="bytes"/> as UTF-8 into <paramref name="output"/> (twice as long).</summary>
    internal static void WriteHex(ReadOnlySpan<byte> bytes, Span<byte> output)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            output[2 * i] = Digits[bytes[i] >> 4];
            output[(2 * i) + 1] = Digits[bytes[i] & 0x0f];
        }
    }

    private static ReadOnlySpan<byte> Digits => "0123456789abcdef"u8;

    /// <summary>Lower-case hex.</summary>
    internal static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
}
