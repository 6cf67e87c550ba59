namespace MigrationTools.Analysis.Quic;

/// <summary>Transport parameter ids (RFC 9000 section 18.2), by their names.</summary>
internal static class TransportParameterId
{
    internal const ulong OriginalDestinationConnectionId = 0x00;
    internal const ulong MaxIdleTimeout = 0x01;
    internal const ulong StatelessResetToken = 0x02;
    internal const ulong MaxUdpPayloadSize = 0x03;
    internal const ulong DisableActiveMigration = 0x0c;
    internal const ulong PreferredAddress = 0x0d;
    internal const ulong ActiveConnectionIdLimit = 0x0e;
    internal const ulong InitialSourceConnectionId = 0x0f;
    internal const ulong RetrySourceConnectionId = 0x10;
    /// <summary>RFC 9287: the endpoint accepts packets whose fixed bit is 0.</summary>
    internal const ulong GreaseQuicBit = 0x2ab2;
}
