using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using MigrationTools.Analysis.Quic;
using Xunit;
using static MigrationTools.Engine.Tests.QuicScenario;

namespace MigrationTools.Engine.Tests;

/// <summary>
/// Every field of every event, the connection summaries and the counters of the analysis of one crafted capture,
/// compared line by line with a transcript under Data/transcripts. The transcripts were read against the rules they
/// name (RFC 9000 sections 8 and 9, the amplification and size arithmetic, the timeout, which packets could not be
/// read) when they were written: they are the reviewed answer, not a recording of whatever the code says. A change in
/// one is a change in what users are told, and is reviewed as such (<see cref="ReviewedCopy"/>).
/// </summary>
public sealed class QuicTranscriptTests : IDisposable
{
    private const ulong A = ChallengeA;
    private const ulong B = ChallengeB;
    private static readonly DateTime Start = DateTime.UnixEpoch.AddSeconds(1_700_000_000);
    private readonly string _directory = Directory.CreateTempSubdirectory("quic-transcripts-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>One capture and how it is analysed.</summary>
    private sealed record Case(Func<QuicScenario> Build, bool WithKeys = true, double TimeoutSeconds = 3);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["working-migration"] = new(() => WorkingMigration()),
        ["working-migration-without-keys"] = new(() => WorkingMigration(), WithKeys: false),
        ["faulty-source"] = new(FaultySource),
        ["faulty-source-without-keys"] = new(FaultySource, WithKeys: false),
        // RFC 9000 section 8.2.1: 1199 bytes is one short of the minimum, 1200 is enough.
        ["challenge-of-1199-bytes"] = new(() => new QuicScenario().Handshake()
            .At(100).FromClient(Client2, ServerCid2, 1199, Frames.Challenge(A))
            .FromServer(Server, Client2, 1200, Frames.Response(A), Frames.Challenge(B))
            .FromClient(Client2, ServerCid2, 1200, Frames.Response(B))),
        ["client-response-undersized"] = new(ClientResponseUndersized),
        // Section 8: 399 bytes from the new address allow 1197 bytes back, so a 250-byte challenge is explained ...
        ["server-challenge-within-a-budget-of-1197"] = new(() => new QuicScenario().Handshake()
            .At(100).FromClient(Client2, ServerCid, 399, Frames.Ping)
            .FromServer(Server, Client2, 250, Frames.Challenge(B))
            .FromClient(Client2, ServerCid, 1200, Frames.Response(B))),
        // ... 400 bytes allow 1200, so it is not.
        ["server-challenge-within-a-budget-of-1200"] = new(() => new QuicScenario().Handshake()
            .At(100).FromClient(Client2, ServerCid, 400, Frames.Ping)
            .FromServer(Server, Client2, 250, Frames.Challenge(B))
            .FromClient(Client2, ServerCid, 1200, Frames.Response(B))),
        // The handshake validated the client's first address: a small challenge there is not explained by the budget,
        // however much the server has sent.
        ["server-challenge-undersized-on-the-handshake-path"] = new(() => new QuicScenario().Handshake()
            .FromServer(Server, Client1, 1200, Frames.Stream(100)).FromServer(Server, Client1, 1200, Frames.Stream(100))
            .FromServer(Server, Client1, 1200, Frames.Stream(100)).FromServer(Server, Client1, 1200, Frames.Stream(100))
            .FromServer(Server, Client1, 100, Frames.Challenge(B))
            .FromClient(Client1, ServerCid, 1200, Frames.Response(B))),
        ["working-migration-in-quic-version-2"] = new(() => new QuicScenario(version: ScenarioKeys.Version2).Handshake().Migrate()),
        ["response-on-another-path"] = new(ResponseOnAnotherPath),
        ["nat-rebinding-not-probed"] = new(() => new QuicScenario().Handshake().RebindNat(serverProbes: false)),
        ["nat-rebinding-validated"] = new(() => new QuicScenario().Handshake().RebindNat(serverProbes: true)),
        ["client-probes-with-its-old-dcid"] = new(() => new QuicScenario().Handshake()
            .At(100).FromClient(Client2, ServerCid, 1200, Frames.Challenge(A))
            .FromServer(Server, Client2, 1200, Frames.Response(A), Frames.Challenge(B))
            .FromClient(Client2, ServerCid, 1200, Frames.Challenge(A + 1))
            .FromServer(Server, Client2, 1200, Frames.Response(A + 1))
            .FromClient(Client2, ServerCid, 1200, Frames.Response(B))),
        // Section 8: 1200 bytes in, 3600 out is the limit; the next datagram crosses it.
        ["amplification-limit"] = new(() => new QuicScenario().Handshake()
            .At(100).FromClient(Client2, ServerCid2, 1200, Frames.Challenge(A))
            .FromServer(Server, Client2, 1200, Frames.Response(A), Frames.Challenge(B))
            .FromServer(Server, Client2, 1200, Frames.Stream(100))
            .FromServer(Server, Client2, 1200, Frames.Stream(100))
            .FromServer(Server, Client2, 0, Frames.Stream(100))
            .FromServer(Server, Client2, 0, Frames.Stream(100))
            .FromClient(Client2, ServerCid2, 1200, Frames.Response(B))
            .FromServer(Server, Client2, 1200, Frames.Stream(1100))),
        // A client packet from the new address that does not authenticate may have been the PATH_RESPONSE.
        ["amplification-after-an-unreadable-client-packet"] = new(() => AfterClientPacket(new QuicScenario().Handshake()
            .At(100).FromClient(Client2, ServerCid2, 1200, Frames.Challenge(A))
            .FromClient(Client2, ServerCid2, 1200, Frames.Response(B)).CorruptLast())),
        // The server's PATH_CHALLENGE to the new address does not authenticate (as a UDP GSO super-datagram captured
        // before segmentation does not, when no connection ID marks where its packets start): the client's readable
        // PATH_RESPONSE answers a challenge never seen, so the address may be validated, and the verdict is not certain.
        ["amplification-after-an-unreadable-server-challenge"] = new(() => AfterServerChallenge(new QuicScenario().Handshake()
            .At(100).FromClient(Client2, ServerCid2, 1200, Frames.Ping)
            .FromServer(Server, Client2, 1200, Frames.Challenge(B)).CorruptLast()
            .FromClient(Client2, ServerCid2, 1200, Frames.Response(B)))),
        // The same when the capture cut it short.
        ["amplification-after-a-cut-client-datagram"] = new(() => AfterClientPacket(new QuicScenario().Handshake()
            .At(100).FromClient(Client2, ServerCid2, 1200, Frames.Challenge(A))
            .FromClient(Client2, ServerCid2, 1200, Frames.Response(B)).CutLast(40))),
        ["probed-path-abandoned"] = new(() => new QuicScenario().Handshake()
            .At(100).FromClient(Client2, ServerCid2, 1200, Frames.Challenge(A))
            .At(3000).FromClient(Client1, ServerCid, 0, Frames.Ping)
            .At(3100).FromClient(Client1, ServerCid, 0, Frames.Ping)
            .At(3200).FromClient(Client1, ServerCid, 0, Frames.Ping)
            .FromServer(Server, Client1, 0, Frames.Stream(100))),
        ["servers-check-of-the-left-path"] = new(ServersCheckOfTheLeftPath),
        ["server-challenge-unanswered-on-the-current-path"] = new(() => new QuicScenario().Handshake()
            .At(100).FromServer(Server, Client1, 1200, Frames.Challenge(B))
            .At(5000).FromClient(Client1, ServerCid, 0, Frames.Ping)),
        // The timeout is 3 s: an answer 3 s after the challenge is in time (the timer fires only after it).
        ["answered-at-the-timeout"] = new(() => ChallengeAnsweredAt(3100)),
        ["answered-after-2.8-s-with-a-1-s-timeout"] = new(() => ChallengeAnsweredAt(2900), TimeoutSeconds: 1),
        ["unanswered-after-an-unreadable-server-packet"] = new(() => new QuicScenario().Handshake()
            .At(100).FromClient(Client2, ServerCid2, 1200, Frames.Challenge(A))
            .FromServer(Server, Client2, 1200, Frames.Response(A)).CorruptLast()
            .At(5000).FromClient(Client2, ServerCid2, 0, Frames.Ping)),
        ["unanswered-after-a-cut-server-datagram"] = new(() => new QuicScenario().Handshake()
            .At(100).FromClient(Client2, ServerCid2, 1200, Frames.Challenge(A))
            .FromServer(Server, Client2, 1200, Frames.Response(A)).CutLast(30)
            .At(5000).FromClient(Client2, ServerCid2, 0, Frames.Ping)),
        ["endless-probing-past-an-unreadable-server-packet"] = new(EndlessPastUnreadable),
        ["without-keys-only-a-full-size-datagram-looks-like-a-probe"] = new(() => new QuicScenario().Handshake()
            .At(100).FromClient(Client2, ServerCid, 1200, Frames.Ping)
            .FromServer(Server, Client2, 1199, Frames.Ping)
            .FromServer(Server, Client2, 1200, Frames.Ping)
            .FromServer(Server, Client2, 1200, Frames.Ping), WithKeys: false),
        ["preferred-address"] = new(() => PreferredAddressMigration()),
        ["preferred-address-with-the-old-dcid"] = new(() => PreferredAddressMigration(reuseDcid: true)),
        // The answer from the preferred address (another port than the handshake's) is cut short by the capture.
        ["preferred-address-answer-cut-short"] = new(() => new QuicScenario().Handshake(PreferredAddressParameters())
            .At(100).FromClientTo(Client1, PreferredServer, PreferredCid, 1200, Frames.Challenge(A))
            .FromServer(PreferredServer, Client1, 1200, Frames.Response(A)).CutLast(30)
            .At(5000).FromClientTo(Client1, PreferredServer, PreferredCid, 0, Frames.Ping)),
        ["zero-length-cid-rebinding"] = new(() => new QuicScenario(zeroLengthClientCid: true).Handshake().RebindNat(serverProbes: true)),
        // The client chose a zero-length connection ID, as browsers do, and the server answers from its real address.
        ["zero-length-cid-faulty-source"] = new(() => new QuicScenario(zeroLengthClientCid: true).Handshake()
            .At(100).FromClient(Client2, ServerCid2, 1200, Frames.Challenge(A))
            .FromServer(ServerRealIp, Client2, 1200, Frames.Response(A), Frames.Challenge(B))),
        ["active-migration-disabled-probed"] = new(() => new QuicScenario().Handshake(DisableActiveMigrationParameters).Migrate()),
        ["active-migration-disabled-new-dcid"] = new(() => new QuicScenario().Handshake(DisableActiveMigrationParameters)
            .At(100).FromClient(Client2, ServerCid, 1200, Frames.Ping)
            .FromServer(Server, Client2, 1200, Frames.Challenge(B))
            .FromClient(Client2, ServerCid2, 1200, Frames.Response(B))),
        // The client's address changed before it sent a 1-RTT packet (a rebinding during the handshake): its first
        // 1-RTT Destination Connection ID is the server's, not a new one, so nothing says it moved by itself.
        ["active-migration-disabled-move-during-handshake"] = new(() => new QuicScenario().Handshake(DisableActiveMigrationParameters, firstShortFrom: Client2)
            .At(100).FromClient(Client2, ServerCid, 1200, Frames.Ping)
            .FromServer(Server, Client2, 1200, Frames.Challenge(B))
            .FromClient(Client2, ServerCid, 1200, Frames.Response(B))),
        ["active-migration-disabled-nat-rebinding"] = new(() => new QuicScenario().Handshake(DisableActiveMigrationParameters).RebindNat(serverProbes: true)),
    };

    /// <summary>After a client packet on Client2 the server sends 8,400 bytes there, more than 3 x the 2,400 it got, then the client validates.</summary>
    private static QuicScenario AfterClientPacket(QuicScenario scenario)
    {
        scenario.FromServer(Server, Client2, 1200, Frames.Response(A), Frames.Challenge(B));
        for (var i = 0; i < 6; i++)
        {
            scenario.FromServer(Server, Client2, 1200, Frames.Stream(100));
        }

        return scenario.FromClient(Client2, ServerCid2, 1200, Frames.Response(B));
    }

    /// <summary>After the client's answer on Client2 the server sends 7,200 more bytes there, more than 3 x the 2,400 it got.</summary>
    private static QuicScenario AfterServerChallenge(QuicScenario scenario)
    {
        for (var i = 0; i < 6; i++)
        {
            scenario.FromServer(Server, Client2, 1200, Frames.Stream(100));
        }

        return scenario;
    }

    /// <summary>Five client challenges on Client2 that nobody answers; after the first one a server packet does not authenticate.</summary>
    private static QuicScenario EndlessPastUnreadable()
    {
        var scenario = new QuicScenario().Handshake().At(100).FromClient(Client2, ServerCid2, 1200, Frames.Challenge(A))
            .FromServer(Server, Client2, 1200, Frames.Stream(10)).CorruptLast();
        foreach (var at in new[] { 400, 1000, 2200, 4600 })
        {
            scenario.At(at).FromClient(Client2, ServerCid2, 1200, Frames.Challenge(A + (ulong)at));
        }

        return scenario;
    }

    public static TheoryData<string> Names => new(Cases.Keys.Order());

    [Theory]
    [MemberData(nameof(Names))]
    public void TheAnalysisSaysWhatTheReviewedTranscriptSays(string name)
    {
        var (build, withKeys, timeout) = Cases[name];
        var events = build().Analyze(_directory, out var analyzer, withKeys, timeout);
        var actual = Render(events, analyzer);

        var difference = ReviewedCopy.Difference(Path.Combine("transcripts", name + ".txt"), actual);
        Assert.True(difference is null, difference);
    }

    /// <summary>Events, one per line with every field, then the summaries and the counters.</summary>
    private static string Render(IReadOnlyList<QuicProbeEvent> events, QuicProbeAnalyzer analyzer)
    {
        var text = new StringBuilder();
        foreach (var e in events)
        {
            text.Append(CultureInfo.InvariantCulture, $"{(e.Time - Start).TotalMilliseconds:0.###} ms {e.Kind}{(e.Certain ? string.Empty : " (not certain)")} sender={e.Sender}");
            text.Append(e.Moved is null ? string.Empty : $" moved={e.Moved}");
            text.Append(CultureInfo.InvariantCulture, $" client={e.ClientAddress} {e.Source} > {e.Destination} size={e.DatagramSize}");
            text.Append(e.PacketNumber is null ? string.Empty : $" pn={e.PacketNumber}");
            text.Append(e.Data is null ? string.Empty : $" data={e.Data}");
            text.Append(e.Count is null ? string.Empty : $" count={e.Count}");
            text.Append(e.GapsSeconds is null ? string.Empty : $" gaps={string.Join(",", e.GapsSeconds.Select(g => g.ToString(CultureInfo.InvariantCulture)))}");
            text.Append('\n').Append("    ").Append(e.Evidence).Append('\n');
        }

        foreach (var c in analyzer.Summaries(events))
        {
            text.Append(CultureInfo.InvariantCulture, $"connection {c.Connection} v{c.Version} server={c.Server} clients={string.Join(",", c.ClientAddresses)} validations={c.Validations} ");
            text.Append(CultureInfo.InvariantCulture, $"verdicts={string.Join(",", c.Verdicts)} decrypted={c.Decrypted} packets={c.Packets} undecryptable={c.UndecryptablePackets} preferred={c.PreferredAddress} zero-length={c.ZeroLengthConnectionIds}\n");
            foreach (var p in c.Paths)
            {
                text.Append(CultureInfo.InvariantCulture, $"  path {p.ClientAddress} > {p.ServerAddress} sources={string.Join(",", p.ServerSources)} challenges server={p.ChallengesFromServer} client={p.ChallengesFromClient} ");
                text.Append(CultureInfo.InvariantCulture, $"validated by server={p.ValidatedByServer} by client={p.ValidatedByClient} packets from client={p.PacketsFromClient} to client={p.PacketsToClient} source mismatches={p.SourceMismatches}\n");
            }
        }

        foreach (var (connection, (challenges, responses)) in analyzer.PathFrames)
        {
            text.Append(CultureInfo.InvariantCulture, $"path frames {connection}: challenges={string.Join(",", challenges)} responses={string.Join(",", responses)}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"datagrams={analyzer.Datagrams} quic={analyzer.QuicDatagrams} decrypted={analyzer.Decrypted} undecryptable={analyzer.Undecryptable} ");
        text.Append(CultureInfo.InvariantCulture, $"truncated={analyzer.Truncated} unparsable={analyzer.Unparsable} malformed={analyzer.MalformedFrames}\n");
        return text.ToString();
    }
}
