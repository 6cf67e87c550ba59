namespace MigrationTools.Analysis.Quic;

/// <summary>The TLS 1.3 secrets of one connection, from an SSLKEYLOGFILE.</summary>
internal sealed class KeyLogEntry
{
    /// <summary>The ClientHello random, in hex.</summary>
    public required string ClientRandom { get; init; }
    /// <summary>CLIENT_HANDSHAKE_TRAFFIC_SECRET.</summary>
    public byte[]? ClientHandshake { get; set; }
    /// <summary>SERVER_HANDSHAKE_TRAFFIC_SECRET.</summary>
    public byte[]? ServerHandshake { get; set; }
    /// <summary>CLIENT_TRAFFIC_SECRET_0.</summary>
    public byte[]? ClientTraffic { get; set; }
    /// <summary>SERVER_TRAFFIC_SECRET_0.</summary>
    public byte[]? ServerTraffic { get; set; }
}
