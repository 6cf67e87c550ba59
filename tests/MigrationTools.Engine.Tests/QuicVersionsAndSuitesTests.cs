using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MigrationTools.Analysis.Quic;
using Xunit;
using static MigrationTools.Engine.Tests.QuicScenario;

namespace MigrationTools.Engine.Tests;

/// <summary>
/// The protection variants a capture can hold, each crafted with keys derived by the test itself (RFC 9001, RFC 9369):
/// QUIC version 2, AES-256-GCM with SHA-384, key updates, and packets coalesced into one datagram. Each must be
/// decrypted packet by packet and give the same findings as the plain case.
/// </summary>
public sealed class QuicVersionsAndSuitesTests : IDisposable
{
    private const ulong A = ChallengeA;
    private const ulong B = ChallengeB;
    private readonly string _directory = Directory.CreateTempSubdirectory("quic-variants-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // Client Initial, server Initial, client 1-RTT, server 1-RTT, then the migration's five.
    private const int PacketsSent = 4 + 5;

    private static void AssertValidatedFromDecryptedProbes(List<QuicProbeEvent> events, QuicProbeAnalyzer analyzer, int packets)
    {
        Assert.Equal(packets, analyzer.Decrypted);
        Assert.Equal(0, analyzer.Undecryptable);
        Assert.DoesNotContain(events, e => e.IsVerdict);
        Assert.Equal(new[] { "a1a1a1a1a1a1a1a1", "b2b2b2b2b2b2b2b2" }, events.Where(e => e.Kind == QuicProbeEventKind.PathValidated).Select(e => e.Data).OrderBy(d => d));
        Assert.Contains(events, e => e.Kind == QuicProbeEventKind.PathResponse && e.Data == "a1a1a1a1a1a1a1a1");
    }

    [Fact]
    public void AMigrationInQuicVersion2IsDecryptedAndValidated()
    {
        var events = new QuicScenario(version: ScenarioKeys.Version2).Handshake().Migrate().Analyze(_directory, out var analyzer);

        AssertValidatedFromDecryptedProbes(events, analyzer, PacketsSent);
    }

    [Fact]
    public void AMigrationProtectedWithAes256GcmIsDecryptedAndValidated()
    {
        var events = new QuicScenario(aes256: true).Handshake().Migrate().Analyze(_directory, out var analyzer);

        AssertValidatedFromDecryptedProbes(events, analyzer, PacketsSent);
    }

    [Fact]
    public void Aes256GcmPacketsAreNotDecryptedWithTheWrongSuite()
    {
        // An AES-128 key log for an AES-256 connection: the 1-RTT packets must stay unreadable, not be misread.
        var events = new QuicScenario(aes256: true).Handshake().Migrate().Analyze(_directory, out var analyzer, keyLogText: KeyLogText);

        Assert.Equal(2, analyzer.Decrypted);
        Assert.DoesNotContain(events, e => e.Kind == QuicProbeEventKind.PathValidated);
    }

    [Fact]
    public void KeyUpdatesOnBothSidesAreFollowed()
    {
        // Both sides update before the migration, and the client once more in the middle of it.
        var scenario = new QuicScenario().Handshake()
            .At(50).KeyUpdate()
            .FromClient(Client1, ServerCid, 0, Frames.Ping)
            .FromServer(Server, Client1, 0, Frames.Stream(100))
            .At(100).FromClient(Client2, ServerCid2, 1200, Frames.Challenge(A))
            .FromServer(Server, Client2, 1200, Frames.Response(A), Frames.Challenge(B))
            .KeyUpdate(client: true, server: false)
            .FromClient(Client2, ServerCid2, 1200, Frames.Response(B))
            .FromServer(Server, Client2, 0, Frames.Stream(1000))
            .FromClient(Client2, ServerCid2, 0, Frames.Ping);

        var events = scenario.Analyze(_directory, out var analyzer);

        AssertValidatedFromDecryptedProbes(events, analyzer, PacketsSent + 2);
    }

    [Fact]
    public void ACoalescedServerFlightIsReadPacketByPacket()
    {
        // The server's Initial, Handshake (with its transport parameters) and first 1-RTT packet in one datagram; the
        // 1-RTT packet issues the connection ID the client migrates to, so missing it would lose the migration.
        var scenario = new QuicScenario().Handshake(DisableActiveMigrationParameters, coalesceServerFlight: true).Migrate();

        var events = scenario.Analyze(_directory, out var analyzer);

        Assert.Equal(PacketsSent + 1, analyzer.Decrypted); // the Handshake packet as well
        Assert.Single(events, e => e.Kind == QuicProbeEventKind.Migration);
        // The parameters inside the coalesced Handshake packet were read: the client migrated although told not to.
        Assert.Contains(events, e => e.Kind == QuicProbeEventKind.ActiveMigrationDisabled);
    }
}
