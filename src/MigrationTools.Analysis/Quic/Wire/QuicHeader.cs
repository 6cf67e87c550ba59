namespace MigrationTools.Analysis.Quic;

/// <summary>Where the parts of one QUIC packet lie in its datagram (offsets into the packet).</summary>
internal readonly record struct QuicHeader(
    QuicPacketType Type, uint Version, int DcidOffset, int DcidLength, int ScidOffset, int ScidLength,
    int PacketNumberOffset, int PacketLength)
{
    /// <summary>True for long-header packets.</summary>
    public bool IsLong => Type != QuicPacketType.OneRtt;
}
