using MigrationTools.Analysis.Capture;

namespace MigrationTools.Analysis.Quic;

/// <summary>
/// The client's non-probing packets, by their highest packet number, came from a new address: what the server did about
/// it (RFC 9000 section 9.3).
/// </summary>
internal sealed class ClientMove(NetEndpoint from, NetEndpoint to, long micros, ulong firstPacketNumber)
{
    public NetEndpoint From { get; } = from;
    public NetEndpoint To { get; } = to;
    public long Micros { get; } = micros;
    /// <summary>The client's first packet number from the new address.</summary>
    public ulong FirstPacketNumber { get; } = firstPacketNumber;
    /// <summary>The client's largest packet number from the new address so far.</summary>
    public ulong LastPacketNumber { get; set; } = firstPacketNumber;
    /// <summary>When the server first acknowledged a packet that came from the new address: it processed it.</summary>
    public long? AcknowledgedMicros { get; set; }
    public ulong AcknowledgedPacketNumber { get; set; }
    /// <summary>Server datagrams to the old address since it acknowledged one from the new address.</summary>
    public int SentToOld { get; set; }
    /// <summary>The server sent to the new address (it follows, or at least probes it).</summary>
    public bool Followed { get; set; }
}
