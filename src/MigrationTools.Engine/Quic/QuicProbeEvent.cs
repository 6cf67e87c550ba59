using System;
using System.Collections.Generic;

namespace MigrationTools.Engine.Quic;

/// <summary>What a <see cref="QuicProbeEvent"/> reports.</summary>
public enum QuicProbeEventKind
{
    /// <summary>A PATH_CHALLENGE was sent (or, without keys, a datagram looks like a probe).</summary>
    PathProbeSent,
    /// <summary>A PATH_RESPONSE was sent.</summary>
    PathResponse,
    /// <summary>A PATH_RESPONSE echoed a PATH_CHALLENGE: the challenger's path is validated.</summary>
    PathValidated,
    /// <summary>The client sent from a new address (a new path).</summary>
    Migration,
    /// <summary>
    /// A path was given up: the client left a path it probed without validation (RFC 9000 section 9.3.2), or the
    /// server's check of a path the client has left timed out, as RFC 9000 section 9.3.3 expects.
    /// </summary>
    PathAbandoned,
    /// <summary>Verdict: server packets to a client path came from an address the client never sent to (RFC 9000 section 9: the client must discard them; quic-go PR 5544).</summary>
    SourceAddressMismatch,
    /// <summary>Verdict: probing on one path went on past the threshold without validation.</summary>
    EndlessProbing,
    /// <summary>Verdict: no matching PATH_RESPONSE within the timeout (3 x PTO).</summary>
    UnansweredChallenge,
    /// <summary>Verdict: a PATH_CHALLENGE/RESPONSE datagram under 1200 bytes not explained by the amplification limit.</summary>
    UndersizedProbe,
    /// <summary>Verdict: a PATH_RESPONSE sent on another path than its PATH_CHALLENGE came on (RFC 9000 section 8.2.2).</summary>
    ResponseOnWrongPath,
    /// <summary>Verdict: the first server packet on a new client path carries no PATH_CHALLENGE.</summary>
    NoChallengeOnNewPath,
    /// <summary>Verdict: the client kept its Destination Connection ID on a new local address (RFC 9000 section 9.5).</summary>
    DcidReused,
    /// <summary>Verdict: more than 3 times the received bytes sent to an unvalidated address (RFC 9000 section 8).</summary>
    AmplificationExceeded,
}

/// <summary>One finding of Watch-QuicProbe, as it happens.</summary>
public sealed class QuicProbeEvent
{
    /// <summary>Capture time.</summary>
    public DateTime Time { get; init; }
    /// <summary>What happened.</summary>
    public QuicProbeEventKind Kind { get; init; }
    /// <summary>True for the failure verdicts.</summary>
    public bool IsVerdict => Kind >= QuicProbeEventKind.SourceAddressMismatch;
    /// <summary>The connection: the client's first Destination Connection ID, in hex.</summary>
    public string Connection { get; init; } = string.Empty;
    /// <summary>Client or Server: who sent the packet the event is about.</summary>
    public string Sender { get; init; } = string.Empty;
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
    /// <summary>The UDP payload size of the datagram.</summary>
    public int DatagramSize { get; init; }
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

/// <summary>One path of a connection, as seen at the end.</summary>
public sealed record QuicPathSummary(
    string ClientAddress, IReadOnlyList<string> ServerSources, int ChallengesFromServer, int ChallengesFromClient,
    bool ValidatedByServer, bool ValidatedByClient, long PacketsFromClient, long PacketsToClient, int SourceMismatches);

/// <summary>One connection at the end of Watch-QuicProbe -Summary.</summary>
public sealed record QuicConnectionSummary(
    string Connection, string Version, string Server, IReadOnlyList<string> ClientAddresses, IReadOnlyList<QuicPathSummary> Paths,
    int Validations, IReadOnlyList<string> Verdicts, bool Decrypted, long Packets, long UndecryptablePackets, string? QlogCheck);
