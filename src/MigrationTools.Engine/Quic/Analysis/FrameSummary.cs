namespace MigrationTools.Engine.Quic;

/// <summary>What the packets of one datagram carried, as far as path validation is concerned.</summary>
internal struct FrameSummary
{
    /// <summary>At least one packet was decrypted.</summary>
    public bool Decrypted;
    /// <summary>At least one packet could not be decrypted (it may have carried anything).</summary>
    public bool Unreadable;
    /// <summary>The packet number of the last decrypted packet.</summary>
    public ulong PacketNumber;
    public bool HasChallenge;
    public ulong Challenge;
    public bool HasResponse;
    public ulong Response;
}
