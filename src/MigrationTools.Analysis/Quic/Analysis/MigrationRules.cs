using System.Collections.Generic;

namespace MigrationTools.Analysis.Quic;

/// <summary>
/// The migration rules of RFC 9000 section 9, applied to each datagram the client sends: who moved (the client to a new
/// address, or the server to its preferred one), whether it kept a connection ID it should have changed, and whether it
/// moved although the server disabled active migration.
/// </summary>
internal static class MigrationRules
{
    /// <summary>
    /// RFC 9000 section 9.6: a client that sends to the server's preferred address has moved the connection to the
    /// server's new address (a Migration in which the server moved). Every address the client sends to becomes one the
    /// server may answer from.
    /// </summary>
    internal static void CheckServerAddress(in DatagramContext d, List<QuicProbeEvent> output)
    {
        var connection = d.Connection;
        if (!d.NewServerAddress || !connection.PreferredServerAddresses.Contains(d.Server))
        {
            return;
        }

        var before = connection.ServerFor(d.Client);
        output.Add(d.Event(QuicProbeEventKind.Migration, true,
            $"the client now sends to the server's preferred address {d.Server} (before: {before}), as RFC 9000 section 9.6 lets a server ask", moved: "Server"));
        // RFC 9000 section 9.5; quic-interop-runner's connectionmigration test checks that the client's first packet to
        // the preferred address uses a new connection ID (the one given with the address, or another new one).
        if (d.ShortDcid.Length > 0 && connection.ClientDcids.Contains(d.ShortDcid))
        {
            output.Add(d.Event(QuicProbeEventKind.DcidReused, true,
                $"the client's first packet to the server's preferred address {d.Server} goes to Destination Connection ID {d.ShortDcid}, which it used before; RFC 9000 section 9.5 asks for a new one on a new path (quic-interop-runner's connectionmigration check)"));
        }
    }

    /// <summary>RFC 9000 section 9: the client sends from a new address; with its old DCID it is a NAT rebinding unless it probes itself.</summary>
    internal static void CheckClientMigration(in DatagramContext d, PathState path, List<QuicProbeEvent> output)
    {
        var connection = d.Connection;
        if (connection.ClientEndpoints.Contains(d.Client))
        {
            return;
        }

        var previous = connection.ClientEndpoints.Count > 0 ? connection.LastClient : (Capture.NetEndpoint?)null;
        connection.ClientEndpoints.Add(d.Client);
        if (previous is null)
        {
            return;
        }

        path.IsMigrationTarget = true;
        path.DcidBeforeMove = connection.LastClientDcid;
        path.KeptDcid = d.ShortDcid.Length > 0 && d.ShortDcid.Equals(connection.LastClientDcid) ? d.ShortDcid : default;
        var zeroLength = connection.UsesZeroLengthCid
            ? "; the connection uses zero-length connection IDs, so it is followed by its addresses and cannot survive a NAT rebinding (RFC 9000 section 5.1)"
            : string.Empty;
        output.Add(d.Event(QuicProbeEventKind.Migration, true, (path.KeptDcid.Length > 0
            ? $"the client now sends from {d.Client} (before: {previous}), still to Destination Connection ID {d.ShortDcid}: a NAT rebinding, unless the client probes the new path itself (then DcidReused)"
            : $"the client now sends from {d.Client} (before: {previous})") + zeroLength, moved: "Client"));
        if (connection.Keys.ServerParameters is { DisableActiveMigration: true } && !connection.PreferredServerAddresses.Contains(d.Server))
        {
            path.MovedUnderDisabledMigration = true;
        }
    }

    /// <summary>RFC 9000 section 9.5: a client that probes its new address itself knows it moved, and must use a new connection ID.</summary>
    internal static void CheckDcidReused(in DatagramContext d, PathState path, List<QuicProbeEvent> output)
    {
        if (path.KeptDcid.Length > 0 && !path.DcidReuseReported && d.Frames.HasChallenge && d.ShortDcid.Equals(path.KeptDcid))
        {
            path.DcidReuseReported = true;
            output.Add(d.Event(QuicProbeEventKind.DcidReused, true,
                $"the client probes its new address {d.Client} with PATH_CHALLENGE {PathValidator.Hex(d.Frames.Challenge)} yet kept Destination Connection ID {path.KeptDcid}; RFC 9000 section 9.5 asks for a new one when it migrates"));
        }
    }

    /// <summary>
    /// RFC 9000 sections 9 and 18.2: after the server sent disable_active_migration the client must not move to a new
    /// local address by itself (a NAT rebinding is not its doing). It moved by itself when it probes the new path or
    /// uses a new connection ID there (new against the one it used before it moved, when it had used one).
    /// </summary>
    internal static void CheckActiveMigrationDisabled(in DatagramContext d, PathState path, List<QuicProbeEvent> output)
    {
        if (!path.MovedUnderDisabledMigration || path.ActiveMigrationReported)
        {
            return;
        }

        // A client that moved before its first 1-RTT packet (a rebinding during the handshake) had no 1-RTT Destination
        // Connection ID to keep: the first it uses is the server's, not a sign that it moved by itself.
        var newDcid = d.ShortDcid.Length > 0 && path.DcidBeforeMove.Length > 0 && !d.ShortDcid.Equals(path.DcidBeforeMove);
        if (d.Frames.HasChallenge || newDcid)
        {
            path.ActiveMigrationReported = true;
            output.Add(d.Event(QuicProbeEventKind.ActiveMigrationDisabled, true,
                $"the client moved to {d.Client} by itself ({(d.Frames.HasChallenge ? "it probes the new path" : $"with a new Destination Connection ID {d.ShortDcid}")}) although the server sent disable_active_migration; RFC 9000 section 9 forbids that except to the server's preferred address"));
        }
    }
}
