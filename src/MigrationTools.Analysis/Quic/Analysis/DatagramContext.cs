using System;
using MigrationTools.Analysis.Capture;

namespace MigrationTools.Analysis.Quic;

/// <summary>One datagram of a connection as the path rules see it: who sent it where, what it carried, and on which path.</summary>
internal readonly struct DatagramContext
{
    public required long Micros { get; init; }
    public required QuicConnection Connection { get; init; }
    public required Side Sender { get; init; }
    public required NetEndpoint Source { get; init; }
    public required NetEndpoint Destination { get; init; }
    public NetEndpoint? OuterSource { get; init; }
    public NetEndpoint? OuterDestination { get; init; }
    /// <summary>The UDP payload size of the datagram (of the segment, for a GSO super-datagram).</summary>
    public required int Size { get; init; }
    public required FrameSummary Frames { get; init; }
    /// <summary>The Destination Connection ID of its short-header packet, if it had one.</summary>
    public CidKey ShortDcid { get; init; }
    /// <summary>The client sends to this server address for the first time.</summary>
    public bool NewServerAddress { get; init; }

    public bool FromServer => Sender == Side.Server;
    public NetEndpoint Client => FromServer ? Destination : Source;
    public NetEndpoint Server => FromServer ? Source : Destination;

    /// <summary>An event about this datagram.</summary>
    public QuicProbeEvent Event(QuicProbeEventKind kind, bool certain, string evidence, string? data = null, int? count = null, double[]? gaps = null, string? moved = null) => new()
    {
        Time = TimeOf(Micros),
        Kind = kind,
        Connection = Connection.Id,
        Sender = FromServer ? "Server" : "Client",
        ClientAddress = Client.ToString(),
        Source = Source.ToString(),
        Destination = Destination.ToString(),
        OuterSource = OuterSource?.ToString(),
        OuterDestination = OuterDestination?.ToString(),
        PacketNumber = Frames.Decrypted ? Frames.PacketNumber : null,
        DatagramSize = Size,
        Data = data,
        Count = count,
        GapsSeconds = gaps,
        Certain = certain,
        Evidence = evidence,
        Moved = moved,
    };

    /// <summary>A capture time as a DateTime; the capture reader keeps times within its range.</summary>
    public static DateTime TimeOf(long micros) => DateTime.UnixEpoch.AddTicks(Math.Clamp(micros, 0, 253_402_300_799_999_999) * 10);
}
