using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace MigrationTools.Analysis.Quic;

/// <summary>
/// The path-validation rules, applied to each datagram of a followed connection (the migration rules are in
/// <see cref="MigrationRules"/>); each rule is one method and names the RFC 9000 section it rests on (or, where it is
/// stricter than the RFC, quic-interop-runner's check it follows).
/// </summary>
internal sealed class PathValidator(QuicProbeOptions options, ChallengeTimer timer, MigrationFollowing following)
{
    /// <summary>Datagrams between a followed connection's endpoints that did not parse as QUIC, or were cut short.</summary>
    public long Unparsable { get; private set; }

    public void OnDatagram(in DatagramContext d, List<QuicProbeEvent> output)
    {
        var connection = d.Connection;
        var path = PathOf(connection, d.FromServer ? connection.PathOf(d.Client, d.Server) : new PathKey(d.Client, d.Server));
        if (d.FromServer)
        {
            OnServerDatagram(d, path, output);
        }
        else
        {
            OnClientDatagram(d, path, output);
        }

        if (d.Frames.HasChallenge)
        {
            OnChallenge(d, path, output);
        }

        if (d.Frames.HasResponse)
        {
            OnResponse(d, path, output);
        }
    }

    /// <summary>
    /// A datagram between a followed connection's endpoints that does not parse as QUIC (corrupted, or cut short by the
    /// capture) may have carried anything: it is counted, so that no verdict resting on its absence is certain.
    /// </summary>
    public void OnUnparsable(QuicConnection connection, bool fromServer, Capture.NetEndpoint source, Capture.NetEndpoint destination)
    {
        Unparsable++;
        var sender = fromServer ? Side.Server : Side.Client;
        connection.UnreadableFrom[sender]++;
        var client = fromServer ? destination : source;
        var path = PathOf(connection, fromServer ? connection.PathOf(client, source) : new PathKey(client, destination));
        if (fromServer)
        {
            path.FirstServerPacketChecked = true;
            path.UnreadableToClient++;
        }
        else
        {
            path.UnreadableFromClient++;
            connection.BudgetOf(client).UnreadableReceived++;
        }
    }

    private static PathState PathOf(QuicConnection connection, PathKey key)
    {
        if (!connection.Paths.TryGetValue(key, out var path))
        {
            path = new PathState(key, connection.Paths.Count == 0, connection.Paths.Count);
            connection.Paths[key] = path;
        }

        return path;
    }

    private void OnClientDatagram(in DatagramContext d, PathState path, List<QuicProbeEvent> output)
    {
        var connection = d.Connection;
        path.PacketsFromClient++;
        var budget = connection.BudgetOf(d.Client);
        budget.Received += d.Size;
        budget.TokenSeen |= d.Frames.InitialToken;
        if (d.Frames.Unreadable)
        {
            path.UnreadableFromClient++;
            budget.UnreadableReceived++;
        }

        if (path.IsInitial && d.Frames.ProvesHandshake && !path.Validated[Side.Server])
        {
            // RFC 9000 section 8.1: a Handshake packet from the client completes the validation of its address.
            path.Validated[Side.Server] = true;
            connection.ServerValidatedClients.Add(d.Client);
        }

        connection.ProbingPaths.Touch(path, d.Micros);
        MigrationRules.CheckServerAddress(d, output);
        connection.LastServerFor[d.Client] = d.Server;
        MigrationRules.CheckClientMigration(d, path, output);
        MigrationRules.CheckDcidReused(d, path, output);
        MigrationRules.CheckActiveMigrationDisabled(d, path, output);
        if (connection.ProbingPaths.Count > 0)
        {
            CheckAbandoned(d, path, output);
        }

        connection.LastClient = d.Client;
        if (d.ShortDcid.Length > 0)
        {
            connection.LastClientDcid = d.ShortDcid;
            connection.ClientDcids.Add(d.ShortDcid);
        }
    }

    private void OnServerDatagram(in DatagramContext d, PathState path, List<QuicProbeEvent> output)
    {
        path.PacketsToClient++;
        d.Connection.BudgetOf(d.Client).Sent += d.Size;
        if (d.Frames.Unreadable)
        {
            path.UnreadableToClient++;
        }

        if (!path.ServerSources.Contains(d.Server))
        {
            path.ServerSources.Add(d.Server);
        }

        if (path.IsInitial && d.Frames.ProvesHandshake && d.Connection.ServerAddresses.Contains(d.Server))
        {
            // The server's Handshake packets from the address the client sent to: the client's side of the handshake's path.
            path.Validated[Side.Client] = true;
        }

        CheckSourceAddress(d, path, output);
        following.OnServerDatagram(d, path, output);
        CheckAmplification(d, path, output);
        CheckUnreadableProbe(d, path, output);
    }

    /// <summary>
    /// RFC 9000 section 9: a client discards packets from an address it never sent to, so a server that answers a path
    /// from another address (a server behind a load balancer answering from its real address instead of the VIP) can
    /// never validate it.
    /// </summary>
    private static void CheckSourceAddress(in DatagramContext d, PathState path, List<QuicProbeEvent> output)
    {
        var connection = d.Connection;
        if (connection.ServerAddresses.Contains(d.Server))
        {
            return;
        }

        path.SourceMismatches++;
        if (path.SourceMismatches == 1)
        {
            output.Add(d.Event(QuicProbeEventKind.SourceAddressMismatch, true,
                $"server packet to {d.Client} from {d.Server}, an address the client never sent to (it sent to {string.Join(", ", connection.ServerAddresses)}); " +
                "RFC 9000 section 9 makes the client discard it, so this path cannot validate"));
        }
    }

    /// <summary>
    /// RFC 9000 section 8.1: before it validates a client address the server sends at most three times what it received
    /// from it, counted per address from the first datagram, the handshake's included. The handshake's path is validated
    /// by the client's Handshake packets, visible without keys; a new path only by a PATH_RESPONSE, which needs keys.
    /// </summary>
    private static void CheckAmplification(in DatagramContext d, PathState path, List<QuicProbeEvent> output)
    {
        var connection = d.Connection;
        var budget = connection.BudgetOf(d.Client);
        // Without keys a new path's validation cannot be seen at all: nothing is claimed about it.
        if (budget.Reported || budget.TokenSeen || connection.ServerValidatedClients.Contains(d.Client) || budget.Sent <= 3 * budget.Received ||
            !(path.IsInitial || connection.Keys.HasApplicationKeys))
        {
            return;
        }

        budget.Reported = true;
        // The address is validated by a PATH_RESPONSE from it that echoes a PATH_CHALLENGE sent to it: a datagram either
        // way that could not be read (a response, or the challenge a readable response answers) may have validated it.
        var client = d.Client;
        var unreadableSent = connection.Paths.Values.Where(p => p.Client == client).Sum(p => p.UnreadableToClient);
        var certain = budget.UnreadableReceived == 0 && unreadableSent == 0;
        output.Add(d.Event(QuicProbeEventKind.AmplificationExceeded, certain,
            $"{budget.Sent} bytes sent to the unvalidated address {d.Client}, more than 3 x the {budget.Received} received from it" +
            (path.IsInitial ? " during the handshake, before any Handshake packet came from it" : string.Empty) +
            (certain ? string.Empty : $"; {Unreadable(budget.UnreadableReceived, unreadableSent)} could not be read and may have validated it")));
    }

    private static string Unreadable(long from, long to) => (from, to) switch
    {
        (_, 0) => $"{from} datagram(s) from that address",
        (0, _) => $"{to} datagram(s) to that address",
        _ => $"{from} datagram(s) from that address and {to} to it",
    };

    /// <summary>Without keys a padded server datagram to a new client address is only suspected to be a probe.</summary>
    private static void CheckUnreadableProbe(in DatagramContext d, PathState path, List<QuicProbeEvent> output)
    {
        if (!d.Frames.Decrypted && d.Size >= 1200 && !path.IsInitial && !path.HeuristicProbeReported && !d.Connection.Keys.HasApplicationKeys)
        {
            path.HeuristicProbeReported = true;
            output.Add(d.Event(QuicProbeEventKind.PathProbeSent, false, $"no keys: a {d.Size}-byte datagram from the server to the new client address {d.Client} looks like a padded probe"));
        }
    }

    /// <summary>RFC 9000 section 8.2: PATH_CHALLENGE starts a validation; its timeout is 3 x PTO (section 8.2.4).</summary>
    private void OnChallenge(in DatagramContext d, PathState path, List<QuicProbeEvent> output)
    {
        var connection = d.Connection;
        var hex = Hex(d.Frames.Challenge);
        connection.ChallengeData.Add(hex);
        var challenge = new Challenge(connection, d.Sender, path.Key, d.Micros, d.Frames.PacketNumber, hex, d.Source.ToString(), d.Destination.ToString())
        {
            ResponderUnreadable = connection.UnreadableFrom[d.Sender.Peer()],
            DatagramSize = d.Size,
        };
        connection.Pending[d.Frames.Challenge] = challenge;
        timer.Start(challenge);
        output.Add(d.Event(QuicProbeEventKind.PathProbeSent, true, $"PATH_CHALLENGE {hex} from the {d.Sender.Lower()} in a {d.Size}-byte datagram{DiscardNote(d)}", hex));
        CheckSize(d, path, "PATH_CHALLENGE", hex, "8.2.1", output);

        var times = path.ChallengeTimes[d.Sender];
        times.Add(d.Micros);
        if (times.Count == 1)
        {
            path.ResponderUnreadableAtFirstChallenge[d.Sender] = connection.UnreadableFrom[d.Sender.Peer()];
            if (d.Sender == Side.Client && !path.Validated[Side.Client])
            {
                connection.ProbingPaths.Add(path);
            }
        }

        CheckEndlessProbing(d, path, hex, output);
    }

    /// <summary>RFC 9000 section 8.2.2: a PATH_RESPONSE that echoes a PATH_CHALLENGE validates the challenger's path.</summary>
    private void OnResponse(in DatagramContext d, PathState path, List<QuicProbeEvent> output)
    {
        var connection = d.Connection;
        var hex = Hex(d.Frames.Response);
        connection.ResponseData.Add(hex);
        output.Add(d.Event(QuicProbeEventKind.PathResponse, true, $"PATH_RESPONSE {hex} from the {d.Sender.Lower()} in a {d.Size}-byte datagram{DiscardNote(d)}", hex));
        CheckSize(d, path, "PATH_RESPONSE", hex, "8.2.2", output);
        var discarded = d.FromServer && !connection.ServerAddresses.Contains(d.Server);
        if (discarded && connection.Pending.TryGetValue(d.Frames.Response, out var unheard) && unheard.Sender != d.Sender)
        {
            unheard.DiscardedResponseFrom ??= d.Server.ToString();
        }

        if (discarded || !connection.Pending.Remove(d.Frames.Response, out var challenge) || challenge.Sender == d.Sender)
        {
            return;
        }

        challenge.Answered = true;
        RetireOtherChallenges(connection, challenge);
        CheckResponsePath(d, path, challenge, hex, output);
        if (connection.Paths.TryGetValue(challenge.Path, out var challenged) && !challenged.Validated[challenge.Sender])
        {
            challenged.Validated[challenge.Sender] = true;
            if (challenge.Sender == Side.Client && challenged.ChallengeTimes[Side.Client].Count > 0 && !challenged.Abandoned)
            {
                connection.ProbingPaths.Remove(challenged);
            }
        }

        if (challenge.Sender == Side.Server)
        {
            connection.ServerValidatedClients.Add(challenge.Path.Client);
        }

        output.Add(d.Event(QuicProbeEventKind.PathValidated, true,
            $"the {challenge.Sender.Lower()}'s PATH_CHALLENGE {hex} on the path of {challenge.Path.Client} was answered after {(d.Micros - challenge.Micros) / 1000.0:0.###} ms", hex));
    }

    /// <summary>
    /// RFC 9000 sections 8.2.1 and 8.2.3: an endpoint may send several PATH_CHALLENGEs against loss, and one matching
    /// PATH_RESPONSE validates the path; the challenger's other challenges on that path need no answer any more (one
    /// that comes is still a correct echo).
    /// </summary>
    private static void RetireOtherChallenges(QuicConnection connection, Challenge answered)
    {
        foreach (var waiting in connection.Pending.Values)
        {
            if (waiting.Sender == answered.Sender && waiting.Path.Equals(answered.Path))
            {
                waiting.Retired = true;
            }
        }
    }

    /// <summary>RFC 9000 section 8.2.2: a PATH_RESPONSE goes on the path its PATH_CHALLENGE came on; the initiator still accepts it on another (it validates).</summary>
    private static void CheckResponsePath(in DatagramContext d, PathState path, Challenge challenge, string hex, List<QuicProbeEvent> output)
    {
        if (!challenge.Path.Client.Equals(path.Key.Client))
        {
            output.Add(d.Event(QuicProbeEventKind.ResponseOnWrongPath, true,
                $"PATH_RESPONSE {hex} sent on the path of {d.Client}, but its PATH_CHALLENGE came on the path of {challenge.Path.Client} (RFC 9000 section 8.2.2)", hex));
        }
    }

    /// <summary>
    /// RFC 9000 sections 8.2.1 and 8.2.2: datagrams with PATH_CHALLENGE or PATH_RESPONSE are padded to 1200 bytes, unless a
    /// server that has not validated the client's address could not send that many within 3 x what it received (section 8).
    /// </summary>
    private static void CheckSize(in DatagramContext d, PathState path, string frame, string hex, string section, List<QuicProbeEvent> output)
    {
        if (d.Size >= 1200)
        {
            return;
        }

        var address = d.Connection.BudgetOf(d.Client);
        var budget = (3 * address.Received) - (address.Sent - (d.FromServer ? d.Size : 0));
        if (!(d.FromServer && !d.Connection.ServerValidatedClients.Contains(d.Client) && budget < 1200))
        {
            output.Add(d.Event(QuicProbeEventKind.UndersizedProbe, true, $"{frame} in a {d.Size}-byte datagram; RFC 9000 section {section} asks for at least 1200 bytes", hex));
        }
    }

    /// <summary>Probing one path again and again without validating it (the origin's endless probing); the threshold is a setting.</summary>
    private void CheckEndlessProbing(in DatagramContext d, PathState path, string hex, List<QuicProbeEvent> output)
    {
        var times = path.ChallengeTimes[d.Sender];
        if (path.Validated[d.Sender] || times.Count < options.EndlessProbingThreshold || path.EndlessReported[d.Sender])
        {
            return;
        }

        path.EndlessReported[d.Sender] = true;
        var gaps = times.Zip(times.Skip(1), (a, b) => Math.Round((b - a) / 1e6, 3)).ToArray();
        var unreadable = d.Connection.UnreadableFrom[d.Sender.Peer()] - path.ResponderUnreadableAtFirstChallenge[d.Sender];
        output.Add(d.Event(QuicProbeEventKind.EndlessProbing, unreadable == 0,
            $"{times.Count} PATH_CHALLENGEs from the {d.Sender.Lower()} on the path of {d.Client} and none validated; gaps {string.Join(", ", gaps.Select(g => g.ToString("0.###", CultureInfo.InvariantCulture)))} s" +
            (unreadable == 0 ? string.Empty : $"; {unreadable} packet(s) from the {d.Sender.Peer().Lower()} could not be read meanwhile"),
            hex, times.Count, gaps));
    }

    /// <summary>
    /// RFC 9000 section 9.3.2: a path the client probed without validation, and then sent nothing on for the challenge
    /// timeout while it went on from another, has been given up (back to a validated path).
    /// </summary>
    private void CheckAbandoned(in DatagramContext d, PathState current, List<QuicProbeEvent> output)
    {
        var connection = d.Connection;
        foreach (var path in connection.ProbingPaths.SilentSince(d.Micros - timer.TimeoutMicros))
        {
            if (path == current || path.Client.Equals(current.Client))
            {
                continue;
            }

            path.Abandoned = true;
            connection.ProbingPaths.Remove(path);
            var probes = path.ChallengeTimes[Side.Client].Count;
            output.Add(new QuicProbeEvent
            {
                Time = DatagramContext.TimeOf(d.Micros),
                Kind = QuicProbeEventKind.PathAbandoned,
                Connection = connection.Id,
                Sender = "Client",
                ClientAddress = path.Client.ToString(),
                Source = current.Client.ToString(),
                Destination = connection.Server.ToString(),
                Count = probes,
                Certain = true,
                Evidence = $"the client probed {path.Client} {probes} time(s) without validation, has sent nothing from it for {(d.Micros - path.LastClientMicros) / 1e6:0.###} s and now sends from {current.Client}",
            });
        }
    }

    private static string DiscardNote(in DatagramContext d) =>
        d.FromServer && !d.Connection.ServerAddresses.Contains(d.Server) ? $"; sent from {d.Server}, so the client discards it" : string.Empty;

    internal static string Hex(ulong value) => value.ToString("x16", CultureInfo.InvariantCulture);
}
