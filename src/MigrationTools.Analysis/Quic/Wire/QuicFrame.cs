using System;

namespace MigrationTools.Analysis.Quic;

/// <summary>
/// One frame of a decrypted payload, as <see cref="QuicFrameReader"/> read it: the type, the numbers the frame carries
/// (each named for the frames that have it) and its data. A view into the payload, valid while the payload is.
/// </summary>
internal readonly ref struct QuicFrame
{
    internal QuicFrame(QuicFrameType type, ulong rawType)
    {
        Type = type;
        RawType = rawType;
    }

    /// <summary>The frame type (all STREAM variants are <see cref="QuicFrameType.Stream"/>).</summary>
    public QuicFrameType Type { get; }
    /// <summary>The type as sent, e.g. 0x0e for a STREAM frame with offset and length.</summary>
    public ulong RawType { get; }
    /// <summary>PADDING: how many bytes; STREAM, CRYPTO, DATAGRAM: the data length.</summary>
    public ulong Length { get; init; }
    /// <summary>STREAM, CRYPTO: the offset of the data.</summary>
    public ulong Offset { get; init; }
    /// <summary>STREAM, RESET_STREAM, STOP_SENDING, MAX_STREAM_DATA, STREAM_DATA_BLOCKED: the stream.</summary>
    public ulong StreamId { get; init; }
    /// <summary>STREAM: the FIN bit.</summary>
    public bool Fin { get; init; }
    /// <summary>NEW_CONNECTION_ID, RETIRE_CONNECTION_ID: the sequence number.</summary>
    public ulong Sequence { get; init; }
    /// <summary>NEW_CONNECTION_ID: Retire Prior To.</summary>
    public ulong RetirePriorTo { get; init; }
    /// <summary>ACK: the largest acknowledged packet number.</summary>
    public ulong LargestAcknowledged { get; init; }
    /// <summary>ACK: the ACK delay, in units of the sender's ack_delay_exponent.</summary>
    public ulong AckDelay { get; init; }
    /// <summary>ACK: the first ACK range (packets before the largest, acknowledged with it).</summary>
    public ulong FirstAckRange { get; init; }
    /// <summary>ACK: the further (gap, range length) pairs, encoded; read them with <see cref="AckRanges"/>.</summary>
    public ReadOnlySpan<byte> AckRangeData { get; init; }
    /// <summary>ACK: how many (gap, range length) pairs follow the first range.</summary>
    public ulong AckRangeCount { get; init; }
    /// <summary>RESET_STREAM, STOP_SENDING, CONNECTION_CLOSE: the error code.</summary>
    public ulong ErrorCode { get; init; }
    /// <summary>CONNECTION_CLOSE (transport): the frame type that caused it.</summary>
    public ulong TriggerFrameType { get; init; }
    /// <summary>MAX_DATA, MAX_STREAM_DATA, MAX_STREAMS, *_BLOCKED, RESET_STREAM's final size: the value.</summary>
    public ulong Value { get; init; }
    /// <summary>
    /// CRYPTO, STREAM and DATAGRAM data; PATH_CHALLENGE and PATH_RESPONSE data (8 bytes); NEW_CONNECTION_ID's
    /// connection ID; NEW_TOKEN's token; CONNECTION_CLOSE's reason phrase.
    /// </summary>
    public ReadOnlySpan<byte> Data { get; init; }
    /// <summary>NEW_CONNECTION_ID: the stateless reset token (16 bytes).</summary>
    public ReadOnlySpan<byte> ResetToken { get; init; }

    /// <summary>The acknowledged ranges of an ACK frame, largest first, as (smallest, largest) packet numbers.</summary>
    public AckRangeEnumerator AckRanges => new(LargestAcknowledged, FirstAckRange, AckRangeData, AckRangeCount);
}
