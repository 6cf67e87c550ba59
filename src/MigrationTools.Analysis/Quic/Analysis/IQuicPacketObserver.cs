namespace MigrationTools.Analysis.Quic;

/// <summary>An output that records what the analyzer saw: every packet of a followed connection, and every event.</summary>
internal interface IQuicPacketObserver
{
    /// <summary>A packet (after duplicates are dropped; decrypted when keys allowed).</summary>
    void OnPacket(in ObservedPacket packet);

    /// <summary>An event the analysis produced.</summary>
    void OnEvent(QuicProbeEvent quicEvent);
}
