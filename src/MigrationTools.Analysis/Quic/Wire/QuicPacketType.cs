namespace MigrationTools.Analysis.Quic;

/// <summary>Packet types, with v2's long-header type bits already mapped (RFC 9369 section 3.2).</summary>
internal enum QuicPacketType
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
