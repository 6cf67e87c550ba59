namespace MigrationTools.Analysis.Quic;

/// <summary>What the packets of one datagram carried, as far as path validation is concerned.</summary>
internal struct FrameSummary
{
    /// <summary>At least one packet was decrypted.</summary>
    public bool Decrypted;
    /// <summary>At least one packet could not be decrypted (it may have carried anything).</summary>
    public bool Unreadable;
    /// <summary>The packet number of the last decrypted packet.</summary>
    public ulong PacketNumber;
    /// <summary>
    /// At least one decrypted packet carried a frame other than PADDING, PATH_CHALLENGE, PATH_RESPONSE and
    /// NEW_CONNECTION_ID (RFC 9000 section 9.1): the sender uses the path, not only probes it.
    /// </summary>
    public bool NonProbing;
    /// <summary>
    /// A Handshake or 1-RTT packet (read from the header, no keys needed): its sender has processed the peer's
    /// Initial, which completes address validation of the handshake's path (RFC 9000 section 8.1).
    /// </summary>
    public bool ProvesHandshake;
    /// <summary>A client Initial carried a token (RFC 9000 section 8.1.3): the server may have validated the address with it.</summary>
    public bool InitialToken;
    public bool HasChallenge;
    public ulong Challenge;
    public bool HasResponse;
    public ulong Response;
}
