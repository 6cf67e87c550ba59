using System;
using System.Collections.Generic;

namespace MigrationTools.Analysis.Quic;

/// <summary>
/// RFC 9000 section 9.3: a server that receives a non-probing packet from a new client address, and takes it (it is the
/// highest-numbered one), sends to that address from then on and validates it. Two failures are checked against a bound,
/// the challenge timeout (3 x PTO, <see cref="QuicProbeOptions.ChallengeTimeout"/>): a server that sends non-probing
/// packets to the new address without ever starting validation (<see cref="QuicProbeEventKind.NoChallengeOnNewPath"/>),
/// and a server that acknowledges the client's packets from the new address yet goes on sending to the old one
/// (<see cref="QuicProbeEventKind.MigrationNotFollowed"/>). With <see cref="QuicProbeOptions.FirstPacketRule"/>
/// quic-interop-runner's stricter check is applied as well: the server's first packet to the new address carries a
/// PATH_CHALLENGE (reported as not certain: the RFC does not ask for it).
/// </summary>
internal sealed class MigrationFollowing(QuicProbeOptions options)
{
    private readonly long _boundMicros = options.ChallengeTimeoutMicros;
    private readonly Queue<(long Due, QuicConnection Connection, PathState? Path, ClientMove? Move)> _deadlines = new();

    /// <summary>A decrypted 1-RTT packet of the client: the highest-numbered non-probing one tells where the client is.</summary>
    public void OnClientPacket(QuicConnection connection, Capture.NetEndpoint source, ulong packetNumber, bool nonProbing, long micros)
    {
        if (!nonProbing || (connection.LargestClientPacket is { } largest && packetNumber <= largest))
        {
            return;
        }

        connection.LargestClientPacket = packetNumber;
        if (connection.ActiveClient is not { } active || active.Equals(source))
        {
            connection.ActiveClient = source;
            if (connection.Move is { } move && move.To.Equals(source))
            {
                move.LastPacketNumber = packetNumber;
            }

            return;
        }

        connection.ActiveClient = source;
        connection.Move = new ClientMove(active, source, micros, packetNumber);
    }

    /// <summary>An ACK frame of the server: does it acknowledge a packet the client sent from its new address?</summary>
    public void OnServerAck(QuicConnection connection, AckRangeEnumerator ranges, long micros)
    {
        if (connection.Move is not { AcknowledgedMicros: null } move)
        {
            return;
        }

        foreach (var (smallest, largest) in ranges)
        {
            if (smallest <= move.LastPacketNumber && largest >= move.FirstPacketNumber)
            {
                move.AcknowledgedMicros = micros;
                move.AcknowledgedPacketNumber = Math.Min(largest, move.LastPacketNumber);
                _deadlines.Enqueue((micros + _boundMicros, connection, null, move));
                return;
            }
        }
    }

    /// <summary>A server datagram: to the new address (followed), to the old one (counted), or the first non-probing one on a new path.</summary>
    public void OnServerDatagram(in DatagramContext d, PathState path, List<QuicProbeEvent> output)
    {
        var connection = d.Connection;
        if (connection.Move is { Followed: false } move)
        {
            if (move.To.Equals(d.Client))
            {
                move.Followed = true;
            }
            else if (move.From.Equals(d.Client) && move.AcknowledgedMicros is not null)
            {
                move.SentToOld++;
            }
        }

        if (!path.IsMigrationTarget || connection.ServerValidatedClients.Contains(d.Client))
        {
            return;
        }

        if (options.FirstPacketRule && !path.FirstServerPacketChecked && (d.Frames.Decrypted || d.Frames.Unreadable))
        {
            path.FirstServerPacketChecked = true;
            if (d.Frames.Decrypted && !d.Frames.Unreadable && !d.Frames.HasChallenge)
            {
                output.Add(d.Event(QuicProbeEventKind.NoChallengeOnNewPath, false,
                    $"the server's first packet to the new client address {d.Client} carries no PATH_CHALLENGE; quic-interop-runner's rebind tests ask for one there, RFC 9000 section 9.3 only asks the server to start validation"));
            }
        }

        if (d.Frames.NonProbing && path.ServerDataMicros is null)
        {
            path.ServerDataMicros = d.Micros;
            _deadlines.Enqueue((d.Micros + _boundMicros, connection, path, null));
        }
    }

    /// <summary>Reports what the bound ran out on by <paramref name="micros"/>.</summary>
    public void Advance(long micros, List<QuicProbeEvent> output)
    {
        while (_deadlines.Count > 0 && _deadlines.Peek().Due < micros)
        {
            var (due, connection, path, move) = _deadlines.Dequeue();
            if (path is not null)
            {
                CheckValidationStarted(due, connection, path, output);
            }
            else if (move is not null)
            {
                CheckFollowed(due, connection, move, output);
            }
        }
    }

    private void CheckValidationStarted(long due, QuicConnection connection, PathState path, List<QuicProbeEvent> output)
    {
        if (path.ChallengeTimes[Side.Server].Count > 0 || connection.ServerValidatedClients.Contains(path.Client))
        {
            return;
        }

        var unreadable = path.UnreadableToClient;
        output.Add(new QuicProbeEvent
        {
            Time = DatagramContext.TimeOf(due),
            Kind = QuicProbeEventKind.NoChallengeOnNewPath,
            Connection = connection.Id,
            Sender = "Server",
            ClientAddress = path.Client.ToString(),
            Source = path.Key.Server.ToString(),
            Destination = path.Client.ToString(),
            Certain = unreadable == 0,
            Evidence = $"the server sent non-probing packets to the new client address {path.Client} for {options.ChallengeTimeout.TotalSeconds:0.###} s without a PATH_CHALLENGE there; " +
                "RFC 9000 section 9.3 asks it to validate a new address it sends to" +
                (unreadable == 0 ? string.Empty : $"; {unreadable} server datagram(s) to that address could not be read and may have carried one"),
        });
    }

    private void CheckFollowed(long due, QuicConnection connection, ClientMove move, List<QuicProbeEvent> output)
    {
        if (move != connection.Move || move.Followed || move.SentToOld == 0)
        {
            return;
        }

        var disabled = connection.Keys.ServerParameters is { DisableActiveMigration: true }
            ? "; the server sent disable_active_migration, which would let it drop packets from a new address (RFC 9000 section 9), but it processed them instead"
            : string.Empty;
        output.Add(new QuicProbeEvent
        {
            Time = DatagramContext.TimeOf(due),
            Kind = QuicProbeEventKind.MigrationNotFollowed,
            Connection = connection.Id,
            Sender = "Server",
            ClientAddress = move.To.ToString(),
            Source = connection.ServerFor(move.To).ToString(),
            Destination = move.From.ToString(),
            Count = move.SentToOld,
            Certain = true,
            Evidence = $"the client's packets come from {move.To} since packet {move.FirstPacketNumber} (before: {move.From}); the server acknowledged packet {move.AcknowledgedPacketNumber} from there, " +
                $"yet in the {options.ChallengeTimeout.TotalSeconds:0.###} s after it sent {move.SentToOld} datagram(s) to the old address and none to the new one, and did not validate it (RFC 9000 section 9.3)" + disabled,
        });
    }
}
