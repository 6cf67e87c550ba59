using System;
using System.Collections.Generic;

namespace MigrationTools.Analysis.Quic;

/// <summary>Settings of the analysis.</summary>
internal sealed record QuicProbeOptions
{
    /// <summary>UDP ports to look at; empty: any datagram whose header parses as QUIC.</summary>
    public IReadOnlySet<int> Ports { get; init; } = new HashSet<int>();
    /// <summary>How long a PATH_CHALLENGE may wait for its PATH_RESPONSE (3 x PTO; 3 s by default).</summary>
    public TimeSpan ChallengeTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The challenge timeout in the capture's unit, microseconds (whole milliseconds, as set).</summary>
    internal long ChallengeTimeoutMicros => (long)ChallengeTimeout.TotalMilliseconds * 1000;
    /// <summary>PATH_CHALLENGEs on one path without validation before EndlessProbing is reported.</summary>
    public int EndlessProbingThreshold { get; init; } = 5;
    /// <summary>
    /// Also apply quic-interop-runner's first-packet check, stricter than RFC 9000: the server's first packet to a new
    /// client address carries a PATH_CHALLENGE. Its findings are not certain.
    /// </summary>
    public bool FirstPacketRule { get; init; }
    /// <summary>
    /// Most connections followed at once; the Initials of further ones are counted
    /// (<see cref="QuicProbeAnalyzer.ConnectionsNotFollowed"/>), so a capture of a flood stays within bounded memory.
    /// </summary>
    public int MaxConnections { get; init; } = 10_000;
    /// <summary>TLS secrets for Handshake and 1-RTT packets (secrets found in pcapng captures are added to it).</summary>
    public KeyLog? KeyLog { get; init; }
}
