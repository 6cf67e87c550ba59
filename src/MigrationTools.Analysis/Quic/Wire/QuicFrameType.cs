namespace MigrationTools.Analysis.Quic;

/// <summary>QUIC frame types (RFC 9000 section 19 and table 3; RFC 9221 for DATAGRAM), by their names.</summary>
internal enum QuicFrameType : ulong
{
    /// <summary>PADDING (19.1).</summary>
    Padding = 0x00,
    /// <summary>PING (19.2).</summary>
    Ping = 0x01,
    /// <summary>ACK (19.3).</summary>
    Ack = 0x02,
    /// <summary>ACK with ECN counts (19.3).</summary>
    AckEcn = 0x03,
    /// <summary>RESET_STREAM (19.4).</summary>
    ResetStream = 0x04,
    /// <summary>STOP_SENDING (19.5).</summary>
    StopSending = 0x05,
    /// <summary>CRYPTO (19.6).</summary>
    Crypto = 0x06,
    /// <summary>NEW_TOKEN (19.7).</summary>
    NewToken = 0x07,
    /// <summary>STREAM (19.8): types 0x08 to 0x0f, the low bits saying OFF, LEN and FIN.</summary>
    Stream = 0x08,
    /// <summary>MAX_DATA (19.9).</summary>
    MaxData = 0x10,
    /// <summary>MAX_STREAM_DATA (19.10).</summary>
    MaxStreamData = 0x11,
    /// <summary>MAX_STREAMS for bidirectional streams (19.11).</summary>
    MaxStreamsBidi = 0x12,
    /// <summary>MAX_STREAMS for unidirectional streams (19.11).</summary>
    MaxStreamsUni = 0x13,
    /// <summary>DATA_BLOCKED (19.12).</summary>
    DataBlocked = 0x14,
    /// <summary>STREAM_DATA_BLOCKED (19.13).</summary>
    StreamDataBlocked = 0x15,
    /// <summary>STREAMS_BLOCKED for bidirectional streams (19.14).</summary>
    StreamsBlockedBidi = 0x16,
    /// <summary>STREAMS_BLOCKED for unidirectional streams (19.14).</summary>
    StreamsBlockedUni = 0x17,
    /// <summary>NEW_CONNECTION_ID (19.15).</summary>
    NewConnectionId = 0x18,
    /// <summary>RETIRE_CONNECTION_ID (19.16).</summary>
    RetireConnectionId = 0x19,
    /// <summary>PATH_CHALLENGE (19.17).</summary>
    PathChallenge = 0x1a,
    /// <summary>PATH_RESPONSE (19.18).</summary>
    PathResponse = 0x1b,
    /// <summary>CONNECTION_CLOSE with a transport error (19.19).</summary>
    ConnectionClose = 0x1c,
    /// <summary>CONNECTION_CLOSE with an application error (19.19).</summary>
    ApplicationClose = 0x1d,
    /// <summary>HANDSHAKE_DONE (19.20).</summary>
    HandshakeDone = 0x1e,
    /// <summary>DATAGRAM without a length (RFC 9221 section 4).</summary>
    Datagram = 0x30,
    /// <summary>DATAGRAM with a length (RFC 9221 section 4).</summary>
    DatagramWithLength = 0x31,
}
