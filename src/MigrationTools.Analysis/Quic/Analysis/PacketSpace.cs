namespace MigrationTools.Analysis.Quic;

/// <summary>Packet number spaces (RFC 9000 section 12.3), each with its own keys and numbering.</summary>
internal enum PacketSpace
{
    Initial,
    Handshake,
    ApplicationData,
}
