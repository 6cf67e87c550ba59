using System;

namespace MigrationTools.Analysis.Quic;

/// <summary>One finding of Watch-QuicProbe, as it happens.</summary>
public sealed class QuicProbeEvent
{
    /// <summary>Capture time.</summary>
    public DateTime Time { get; init; }
    /// <summary>What happened.</summary>
    public QuicProbeEventKind Kind { get; init; }
    /// <summary>The kind as a name, for exports (JSON writes enums as numbers).</summary>
    public string KindName => Kind.ToString();
    /// <summary>True for the failure verdicts.</summary>
    public bool IsVerdict => QuicProbeVerdicts.IsVerdict(Kind);
    /// <summary>The connection: the client's first Destination Connection ID, in hex.</summary>
    public string Connection { get; init; } = string.Empty;
    /// <summary>Client or Server: who sent the packet the event is about.</summary>
    public string Sender { get; init; } = string.Empty;
    /// <summary>Migration: which side's address changed, Client (a new client address) or Server (the preferred address).</summary>
    public string? Moved { get; init; }
    /// <summary>The client address of the path concerned.</summary>
    public string ClientAddress { get; init; } = string.Empty;
    /// <summary>The packet's source (address:port).</summary>
    public string Source { get; init; } = string.Empty;
    /// <summary>The packet's destination (address:port).</summary>
    public string Destination { get; init; } = string.Empty;
    /// <summary>The IP-in-IP outer source, where the packet was captured encapsulated.</summary>
    public string? OuterSource { get; init; }
    /// <summary>The IP-in-IP outer destination.</summary>
    public string? OuterDestination { get; init; }
    /// <summary>The QUIC packet number, when decrypted.</summary>
    public ulong? PacketNumber { get; init; }
    /// <summary>The UDP payload size of the datagram the event is about; none for a bound that ran out with no datagram.</summary>
    public int? DatagramSize { get; init; }
    /// <summary>PATH_CHALLENGE/PATH_RESPONSE data, in hex.</summary>
    public string? Data { get; init; }
    /// <summary>How many (probes, packets) the event covers.</summary>
    public int? Count { get; init; }
    /// <summary>Seconds between successive probes (EndlessProbing).</summary>
    public double[]? GapsSeconds { get; init; }
    /// <summary>Decrypted frames (certain) or header-level heuristics (not certain).</summary>
    public bool Certain { get; init; }
    /// <summary>What the finding rests on.</summary>
    public string Evidence { get; init; } = string.Empty;

    /// <inheritdoc />
    public override string ToString() => $"{Time:HH:mm:ss.ffffff} {Kind} {Source} > {Destination} {Evidence}";
}
