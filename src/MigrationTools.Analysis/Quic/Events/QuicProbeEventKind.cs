namespace MigrationTools.Analysis.Quic;

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
    /// <summary>Verdict: server packets to a client path came from an address the client never sent to (RFC 9000 section 9: the client must discard them).</summary>
    SourceAddressMismatch,
    /// <summary>Verdict: probing on one path went on past the threshold without validation.</summary>
    EndlessProbing,
    /// <summary>Verdict: no matching PATH_RESPONSE within the timeout (3 x PTO).</summary>
    UnansweredChallenge,
    /// <summary>Verdict: a PATH_CHALLENGE/RESPONSE datagram under 1200 bytes not explained by the amplification limit.</summary>
    UndersizedProbe,
    /// <summary>Verdict: a PATH_RESPONSE sent on another path than its PATH_CHALLENGE came on (RFC 9000 section 8.2.2).</summary>
    ResponseOnWrongPath,
    /// <summary>
    /// Verdict: the server sent non-probing packets to a new client address and started no validation of it within the
    /// challenge timeout (RFC 9000 section 9.3); with the first-packet rule, also: its first packet there carried no
    /// PATH_CHALLENGE (quic-interop-runner's check, not certain).
    /// </summary>
    NoChallengeOnNewPath,
    /// <summary>Verdict: the client kept its Destination Connection ID on a new local address (RFC 9000 section 9.5).</summary>
    DcidReused,
    /// <summary>Verdict: more than 3 times the received bytes sent to an unvalidated address (RFC 9000 section 8).</summary>
    AmplificationExceeded,
    /// <summary>
    /// Verdict: the client migrated to a new local address although the server sent disable_active_migration
    /// (RFC 9000 sections 9 and 18.2); moving to the server's preferred address is allowed.
    /// </summary>
    ActiveMigrationDisabled,
    /// <summary>
    /// Verdict: the client's non-probing packets come from a new address and the server acknowledged them, yet it went on
    /// sending to the old address, none to the new one, and did not validate it (RFC 9000 section 9.3).
    /// </summary>
    MigrationNotFollowed,
}
