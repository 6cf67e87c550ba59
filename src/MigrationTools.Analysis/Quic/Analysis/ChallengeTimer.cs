using System.Collections.Generic;

namespace MigrationTools.Analysis.Quic;

/// <summary>
/// The PATH_CHALLENGEs waiting for an answer, in the order they were sent, and what their time running out means:
/// UnansweredChallenge, or, for the server's check of a path the client has left, PathAbandoned (RFC 9000 section
/// 9.3.3 expects that check to time out).
/// </summary>
internal sealed class ChallengeTimer(QuicProbeOptions options)
{
    private readonly Queue<Challenge> _waiting = new();
    private readonly long _timeoutMicros = options.ChallengeTimeoutMicros;

    public long TimeoutMicros => _timeoutMicros;

    public void Start(Challenge challenge) => _waiting.Enqueue(challenge);

    /// <summary>Reports the challenges whose time ran out by <paramref name="micros"/>.</summary>
    public void Advance(long micros, List<QuicProbeEvent> output)
    {
        while (_waiting.Count > 0 && _waiting.Peek().Micros + _timeoutMicros < micros)
        {
            var challenge = _waiting.Dequeue();
            if (challenge.Answered || challenge.Retired)
            {
                continue;
            }

            if (challenge.Sender == Side.Server && !challenge.Path.Client.Equals(challenge.Connection.LastClient))
            {
                output.Add(Abandoned(challenge));
            }
            else if (!(challenge.Connection.Paths.TryGetValue(challenge.Path, out var path) && path.Validated[challenge.Sender]))
            {
                // A challenge on a path its sender has validated since (another challenge's response did) is no failure.
                output.Add(Unanswered(challenge));
            }
        }
    }

    /// <summary>RFC 9000 section 9.3.3: after a migration the server validates the previous path too; when the client has left it, that validation is meant to time out.</summary>
    private QuicProbeEvent Abandoned(Challenge challenge) => new()
    {
        Time = DatagramContext.TimeOf(challenge.Micros + _timeoutMicros),
        Kind = QuicProbeEventKind.PathAbandoned,
        Connection = challenge.Connection.Id,
        Sender = "Server",
        ClientAddress = challenge.Path.Client.ToString(),
        Source = challenge.Source,
        Destination = challenge.Destination,
        PacketNumber = challenge.PacketNumber,
        Data = challenge.DataHex,
        DatagramSize = challenge.DatagramSize,
        Certain = true,
        Evidence = $"the server's PATH_CHALLENGE {challenge.DataHex} on {challenge.Path.Client}, a path the client has left for {challenge.Connection.LastClient}, went unanswered for {options.ChallengeTimeout.TotalSeconds:0.###} s, as RFC 9000 section 9.3.3 expects",
    };

    /// <summary>No PATH_RESPONSE in time; packets from the responder that could not be read since may have carried it, and then it is not certain.</summary>
    private QuicProbeEvent Unanswered(Challenge challenge)
    {
        var responder = challenge.Sender.Peer();
        var unreadable = challenge.Connection.UnreadableFrom[responder] - challenge.ResponderUnreadable;
        return new QuicProbeEvent
        {
            Time = DatagramContext.TimeOf(challenge.Micros + _timeoutMicros),
            Kind = QuicProbeEventKind.UnansweredChallenge,
            Connection = challenge.Connection.Id,
            Sender = challenge.Sender.ToString(),
            ClientAddress = challenge.Path.Client.ToString(),
            Source = challenge.Source,
            Destination = challenge.Destination,
            PacketNumber = challenge.PacketNumber,
            Data = challenge.DataHex,
            DatagramSize = challenge.DatagramSize,
            Certain = unreadable == 0,
            Evidence = $"the {challenge.Sender.Lower()}'s PATH_CHALLENGE {challenge.DataHex} got no answer it could accept within {options.ChallengeTimeout.TotalSeconds:0.###} s, and its path was never validated" +
                (challenge.DiscardedResponseFrom is null ? string.Empty : $" (a PATH_RESPONSE with that data came from {challenge.DiscardedResponseFrom}, an address the client never sent to, so the client discards it)") +
                (unreadable == 0 ? string.Empty : $"; {unreadable} packet(s) from the {responder.Lower()} could not be read meanwhile and may have carried it"),
        };
    }
}
