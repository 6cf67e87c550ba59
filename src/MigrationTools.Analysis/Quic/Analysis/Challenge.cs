namespace MigrationTools.Analysis.Quic;

/// <summary>A PATH_CHALLENGE waiting for its PATH_RESPONSE.</summary>
internal sealed class Challenge(QuicConnection connection, Side sender, PathKey path, long micros, ulong packetNumber, string dataHex, string source, string destination)
{
    public QuicConnection Connection { get; } = connection;
    public Side Sender { get; } = sender;
    public PathKey Path { get; } = path;
    public long Micros { get; } = micros;
    public ulong PacketNumber { get; } = packetNumber;
    public string DataHex { get; } = dataHex;
    public string Source { get; } = source;
    public string Destination { get; } = destination;
    public bool Answered { get; set; }
    /// <summary>Another challenge of the same sender on the same path was answered: this one needs no answer.</summary>
    public bool Retired { get; set; }
    /// <summary>Where a PATH_RESPONSE with its data came from that the challenger discards (another server address).</summary>
    public string? DiscardedResponseFrom { get; set; }
    /// <summary>The size of the datagram that carried it.</summary>
    public int DatagramSize { get; init; }
    /// <summary>Packets from the responder that could not be read when the challenge was sent.</summary>
    public long ResponderUnreadable { get; init; }
}
