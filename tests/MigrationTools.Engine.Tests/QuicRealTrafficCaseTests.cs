using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using MigrationTools.Analysis.Quic;
using Xunit;
using static MigrationTools.Engine.Tests.QuicScenario;

namespace MigrationTools.Engine.Tests;

/// <summary>
/// The cases real traffic (browsers, ngtcp2 with loss, quic-go) showed the analyzer getting wrong, each reproduced on a
/// crafted capture: a fix reverted makes its test fail.
/// </summary>
public sealed class QuicRealTrafficCaseTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("quic-real-cases-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static QuicProbeEventKind[] Verdicts(IEnumerable<QuicProbeEvent> events, bool certainOnly = true) =>
        events.Where(e => e.IsVerdict && (e.Certain || !certainOnly)).Select(e => e.Kind).Distinct().ToArray();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TwoZeroPaddedServerInitialsThatEndAlikeAreBothReadAndEveryLaterPacketDecrypts(bool zeroLengthClientCid)
    {
        // The server's ACK-only Initial and its ServerHello Initial, each filled with zeros to 1200 bytes: they end alike.
        var events = new QuicScenario(zeroLengthClientCid: zeroLengthClientCid).Handshake(zeroPaddedServerInitials: true).Migrate()
            .Analyze(_directory, out var analyzer);

        Assert.Equal(0, analyzer.Undecryptable);
        // 1 client Initial, 2 server Initials, then every 1-RTT packet: 2 of the handshake and 5 of the migration.
        Assert.Equal(10, analyzer.Decrypted);
        Assert.Equal(2, events.Count(e => e.Kind == QuicProbeEventKind.PathValidated));
    }

    [Fact]
    public void ZeroBytesAfterACoalescedInitialArePaddingNotAPacket()
    {
        // A browser-like client (zero-length connection ID): the server's Initial is followed by zeros to 1200 bytes,
        // which a reader that ignores the fixed bit takes for a short-header packet routed by address.
        new QuicScenario(zeroLengthClientCid: true).Handshake(zeroPaddedServerInitials: true).Analyze(_directory, out var analyzer);

        Assert.Equal(0, analyzer.Undecryptable);
        Assert.Equal(0, analyzer.Unparsable);
    }

    [Theory]
    [InlineData(134)]
    [InlineData(700)]
    public void DecryptionSurvivesACaptureGapOfMoreThanHalfAPacketNumberWindow(int missed)
    {
        // Past the first window, so that a wrong decoding can go below the gap as well as above it.
        var scenario = new QuicScenario().Handshake().PacketNumberLength(1);
        for (var i = 0; i < 300; i++)
        {
            scenario.FromServer(Server, Client1, 0, Frames.Stream(100));
        }

        // The capture misses these (a tcpdump whose buffer overflowed); 1-byte packet numbers cannot span the gap.
        for (var i = 0; i < missed; i++)
        {
            scenario.FromServer(Server, Client1, 0, Frames.Stream(100)).Drop(scenario.Captured.Count - 1);
        }

        for (var i = 0; i < 10; i++)
        {
            scenario.FromServer(Server, Client1, 0, Frames.Stream(100));
        }

        var events = scenario.PacketNumberLength(4).Migrate().Analyze(_directory, out var analyzer);

        Assert.Equal(0, analyzer.Undecryptable);
        Assert.Equal(1 + 1 + 2 + 310 + 5, analyzer.Decrypted);
        Assert.Equal(2, events.Count(e => e.Kind == QuicProbeEventKind.PathValidated));
    }

    [Fact]
    public void APacketThatNeverAuthenticatesIsStillCountedAfterTheGapRecovery()
    {
        var scenario = new QuicScenario().Handshake().PacketNumberLength(1);
        scenario.FromServer(Server, Client1, 0, Frames.Stream(100)).CorruptLast().FromServer(Server, Client1, 0, Frames.Stream(100));

        scenario.Analyze(_directory, out var analyzer);

        Assert.Equal(1, analyzer.Undecryptable);
    }

    [Fact]
    public void AChallengeLostAgainstASecondOneThatIsAnsweredIsNoUnansweredChallenge()
    {
        // The server challenges the client's new address twice; the first is lost on the way, the second answered.
        var events = new QuicScenario().Handshake()
            .At(100).FromClient(Client2, ServerCid2, 1200, Frames.Challenge(ChallengeA))
            .FromServer(Server, Client2, 1200, Frames.Response(ChallengeA), Frames.Challenge(ChallengeB))
            .At(110).FromServer(Server, Client2, 1200, Frames.Challenge(ChallengeB + 1))
            .At(120).FromClient(Client2, ServerCid2, 1200, Frames.Response(ChallengeB + 1))
            .At(5000).FromClient(Client2, ServerCid2, 0, Frames.Ping)
            .Analyze(_directory);

        Assert.Contains(events, e => e.Kind == QuicProbeEventKind.PathValidated && e.Sender == "Client" && e.Data == PathValidator.Hex(ChallengeB + 1));
        Assert.DoesNotContain(events, e => e.Kind == QuicProbeEventKind.UnansweredChallenge);
        Assert.Empty(Verdicts(events, certainOnly: false));
    }

    [Fact]
    public void AnUnansweredChallengeOnAPathThatIsNeverValidatedIsStillReported()
    {
        var events = new QuicScenario().Handshake()
            .At(100).FromClient(Client2, ServerCid2, 1200, Frames.Challenge(ChallengeA))
            .FromServer(Server, Client2, 1200, Frames.Response(ChallengeA), Frames.Challenge(ChallengeB))
            .At(110).FromServer(Server, Client2, 1200, Frames.Challenge(ChallengeB + 1))
            .At(5000).FromClient(Client2, ServerCid2, 0, Frames.Ping)
            .Analyze(_directory);

        var unanswered = events.Where(e => e.Kind == QuicProbeEventKind.UnansweredChallenge).ToArray();
        Assert.Equal(2, unanswered.Length);
        Assert.All(unanswered, e => Assert.Equal(1200, e.DatagramSize));
    }

    /// <summary>
    /// A client that moves during a transfer (new address, new connection ID); the server's first packet to the new
    /// address is ACK-only and its PATH_CHALLENGE follows <paramref name="challengeAfterMs"/> later.
    /// </summary>
    private static QuicScenario MigrationDuringTransfer(double challengeAfterMs)
    {
        var scenario = new QuicScenario().Handshake();
        for (var i = 0; i < 5; i++)
        {
            scenario.At(20 + i).FromServer(Server, Client1, 1200, Frames.Stream(1000)).FromClient(Client1, ServerCid, 0, Frames.Ack(2));
        }

        return scenario.At(100).FromClient(Client2, ServerCid2, 1200, Frames.Ack(7), Frames.Stream(20))
            .At(101).FromServer(Server, Client2, 0, Frames.Ack(8))
            .At(101 + challengeAfterMs).FromServer(Server, Client2, 1200, Frames.Challenge(ChallengeB))
            .At(102 + challengeAfterMs).FromClient(Client2, ServerCid2, 1200, Frames.Response(ChallengeB))
            .At(103 + challengeAfterMs).FromServer(Server, Client2, 1200, Frames.Stream(1000))
            .At(5000).FromClient(Client2, ServerCid2, 0, Frames.Ping)
            .FromServer(Server, Client2, 0, Frames.Stream(100));
    }

    [Fact]
    public void AnAckOnlyFirstPacketToTheNewAddressWithTheChallengeSoonAfterIsNoVerdict()
    {
        var events = MigrationDuringTransfer(challengeAfterMs: 9).Analyze(_directory);

        Assert.Empty(Verdicts(events, certainOnly: false));
        Assert.Contains(events, e => e.Kind == QuicProbeEventKind.PathValidated && e.Sender == "Client" && e.Data == PathValidator.Hex(ChallengeB));
    }

    [Fact]
    public void TheFirstPacketRuleIsOptInAndNotCertain()
    {
        var events = MigrationDuringTransfer(challengeAfterMs: 9).Analyze(_directory, out _, firstPacketRule: true);

        var strict = Assert.Single(events, e => e.IsVerdict);
        Assert.Equal(QuicProbeEventKind.NoChallengeOnNewPath, strict.Kind);
        Assert.False(strict.Certain);
        Assert.Contains("quic-interop-runner", strict.Evidence);
    }

    [Fact]
    public void AChallengeOnlyAfterTheBoundIsNoChallengeOnNewPath()
    {
        var events = MigrationDuringTransfer(challengeAfterMs: 3500).Analyze(_directory);

        var verdict = Assert.Single(events, e => e.IsVerdict);
        Assert.Equal(QuicProbeEventKind.NoChallengeOnNewPath, verdict.Kind);
        Assert.True(verdict.Certain);
        Assert.Equal("10.210.0.2:40000", verdict.ClientAddress);
    }

    /// <summary>
    /// quic-go 0.29's behaviour: the client's packets come from a new address (it moved, or a NAT rebound it); the server
    /// acknowledges them and answers, but only ever to the old address.
    /// </summary>
    private static QuicScenario ServerStaysOnTheOldAddress(IPEndPoint newAddress, bool disableActiveMigration = false)
    {
        var scenario = disableActiveMigration
            ? new QuicScenario().Handshake(serverParameters: new byte[] { 0x0c, 0x00 })
            : new QuicScenario().Handshake();
        scenario.At(100).FromClient(newAddress, ServerCid, 0, Frames.Stream(30));
        for (var i = 0; i < 6; i++)
        {
            scenario.At(110 + (i * 700)).FromServer(Server, Client1, 0, Frames.Ack(3), Frames.Stream(200));
        }

        return scenario.At(5000).FromClient(newAddress, ServerCid, 0, Frames.Ping);
    }

    [Theory]
    [InlineData("10.200.0.2", 40001)]
    [InlineData("10.210.0.2", 40000)]
    public void AServerThatAcknowledgesTheNewAddressButSendsToTheOldOneDidNotFollow(string address, int port)
    {
        var events = ServerStaysOnTheOldAddress(new IPEndPoint(IPAddress.Parse(address), port)).Analyze(_directory);

        var verdict = Assert.Single(events, e => e.Kind == QuicProbeEventKind.MigrationNotFollowed);
        Assert.True(verdict.Certain);
        Assert.Equal($"{address}:{port}", verdict.ClientAddress);
        Assert.Equal("10.200.0.2:40000", verdict.Destination);
        // Five datagrams to the old address within 3 s of the first acknowledgement (at 110 ms).
        Assert.Equal(5, verdict.Count);
        // The client's packet 2 was the first from the new address; the server's ACK of 0 to 3 covers it.
        Assert.Contains("since packet 2", verdict.Evidence);
        Assert.Contains("acknowledged packet 2", verdict.Evidence);
        Assert.DoesNotContain("disable_active_migration", verdict.Evidence);
    }

    [Fact]
    public void DisableActiveMigrationIsNamedNotTakenAsAnExcuse()
    {
        var events = ServerStaysOnTheOldAddress(Client2, disableActiveMigration: true).Analyze(_directory);

        var verdict = Assert.Single(events, e => e.Kind == QuicProbeEventKind.MigrationNotFollowed);
        Assert.Contains("disable_active_migration", verdict.Evidence);
    }

    [Fact]
    public void AServerThatFollowsTheNewAddressIsNoMigrationNotFollowed()
    {
        var events = new QuicScenario().Handshake().RebindNat(serverProbes: true)
            .At(200).FromServer(Server, Client2, 0, Frames.Ack(3), Frames.Stream(200))
            .At(5000).FromClient(Client2, ServerCid, 0, Frames.Ping).FromServer(Server, Client2, 0, Frames.Ack(4))
            .Analyze(_directory);

        Assert.DoesNotContain(events, e => e.Kind == QuicProbeEventKind.MigrationNotFollowed);
        Assert.Empty(Verdicts(events, certainOnly: false));
    }

    [Fact]
    public void ProbingFromANewAddressWhileStayingOnTheOldIsNoMove()
    {
        // The client only probes the new address (PATH_CHALLENGE), its data stays on the old one: the server rightly stays.
        var events = new QuicScenario().Handshake()
            .At(100).FromClient(Client2, ServerCid2, 1200, Frames.Challenge(ChallengeA))
            .FromServer(Server, Client2, 1200, Frames.Response(ChallengeA))
            .At(150).FromClient(Client1, ServerCid, 0, Frames.Stream(30))
            .At(200).FromServer(Server, Client1, 0, Frames.Ack(4), Frames.Stream(200))
            .At(5000).FromServer(Server, Client1, 0, Frames.Ack(4), Frames.Stream(200))
            .Analyze(_directory);

        Assert.DoesNotContain(events, e => e.Kind == QuicProbeEventKind.MigrationNotFollowed);
    }

    [Fact]
    public void AServerAnsweringTheHandshakeFromItsRealAddressExceedsTheAmplificationLimit()
    {
        // The client reaches the VIP; the server answers from its real address, which the client discards, so no
        // Handshake packet ever comes back; yet the server sends 3.1 times what it received.
        var events = new QuicScenario().ClientHelloOnly()
            .ServerLongPackets(ServerRealIp, Client1, handshake: false, count: 1, padTo: 1200)
            .ServerLongPackets(ServerRealIp, Client1, handshake: true, count: 2, padTo: 1200)
            .ServerLongPackets(ServerRealIp, Client1, handshake: true, count: 1, padTo: 120)
            .Analyze(_directory, out var analyzer);

        var amplification = Assert.Single(events, e => e.Kind == QuicProbeEventKind.AmplificationExceeded);
        Assert.True(amplification.Certain);
        Assert.Contains("3720 bytes sent to the unvalidated address 10.200.0.2:40000, more than 3 x the 1200 received", amplification.Evidence);
        Assert.Contains(QuicProbeEventKind.SourceAddressMismatch, Verdicts(events));
        var path = Assert.Single(Assert.Single(analyzer.Summaries(events)).Paths);
        Assert.False(path.ValidatedByServer);
        Assert.False(path.ValidatedByClient);
    }

    [Fact]
    public void AHandshakeWithinThreeTimesWhatTheClientSentIsValidatedByItsHandshakePackets()
    {
        var events = new QuicScenario().ClientHelloOnly()
            .ServerLongPackets(Server, Client1, handshake: false, count: 1, padTo: 1200)
            .ServerLongPackets(Server, Client1, handshake: true, count: 2, padTo: 1200)
            .ClientFinished()
            .ServerLongPackets(Server, Client1, handshake: true, count: 2, padTo: 1200)
            .Analyze(_directory, out var analyzer);

        Assert.Empty(Verdicts(events, certainOnly: false));
        var path = Assert.Single(Assert.Single(analyzer.Summaries(events)).Paths);
        Assert.True(path.ValidatedByServer);
        Assert.True(path.ValidatedByClient);
    }

    [Fact]
    public void WithoutKeysAClientThatGreasesTheFixedBitIsStillFollowed()
    {
        // The server's transport parameters (and so its grease_quic_bit) are encrypted: without keys a greased client
        // packet cannot be told from padding by that parameter, and is read as a packet.
        var events = new QuicScenario().Handshake().GreaseClientFixedBit().Migrate().Analyze(_directory, out var analyzer, withKeys: false);

        Assert.Equal(0, analyzer.Unparsable);
        Assert.Equal("10.210.0.2:40000", Assert.Single(events, e => e.Kind == QuicProbeEventKind.Migration).ClientAddress);
    }

    [Fact]
    public void CancellationIsSeenEvenWhenEveryFrameYieldsAnEvent()
    {
        // Every client datagram is a PATH_CHALLENGE (an event each): the reader returns to its caller after one frame.
        var scenario = new QuicScenario().Handshake();
        for (var i = 0; i < 3000; i++)
        {
            scenario.At(100 + i).FromClient(Client2, ServerCid2, 1200, Frames.Challenge(ChallengeA + (ulong)i));
        }

        var keyLog = new KeyLog();
        keyLog.AddText(scenario.KeyLog);
        var run = QuicProbeFiles.NewRun(new QuicProbeOptions { EndlessProbingThreshold = 1_000_000, KeyLog = keyLog });
        using var cancel = new System.Threading.CancellationTokenSource();
        var seen = 0;

        var thrown = Record.Exception(() =>
        {
            foreach (var _ in QuicProbeFiles.ReadFiles(new[] { scenario.WritePcap(_directory) }, run, cancellationToken: cancel.Token))
            {
                if (++seen == 10)
                {
                    cancel.Cancel();
                }
            }
        });

        Assert.True(thrown is OperationCanceledException, $"{seen} events, then {thrown?.GetType().Name ?? "no exception"}");

        // The next frame after the cancellation stops the read; events of the same datagram may still come.
        Assert.InRange(seen, 10, 12);
    }

    [Fact]
    public void BeyondMaxConnectionsNewConnectionsAreCountedNotFollowed()
    {
        var scenario = WorkingMigration();
        var run = QuicProbeFiles.NewRun(new QuicProbeOptions { MaxConnections = 0 });

        var events = QuicProbeFiles.ReadFiles(new[] { scenario.WritePcap(_directory) }, run).ToList();

        Assert.Empty(events);
        Assert.Equal(0, run.Analyzer.Connections);
        Assert.Equal(1, run.Analyzer.ConnectionsNotFollowed);
    }

    [Fact]
    public void AConnectionGivesBackItsHandshakeBytesAndStillReadsEverything()
    {
        // After the keys are derived the hello streams are released: a later repeat of a CRYPTO frame changes nothing.
        var events = new QuicScenario().Handshake(serverParameters: PreferredAddressParameters()).Migrate().Analyze(_directory, out var analyzer);

        Assert.Equal(0, analyzer.Undecryptable);
        Assert.Equal(2, events.Count(e => e.Kind == QuicProbeEventKind.PathValidated));
        Assert.NotNull(Assert.Single(analyzer.Summaries(events)).PreferredAddress);
    }
}
