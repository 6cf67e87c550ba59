using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MigrationTools.Analysis.Quic;
using Xunit;
using static MigrationTools.Engine.Tests.QuicScenario;

namespace MigrationTools.Engine.Tests;

/// <summary>
/// Migrations beyond the client-driven one, crafted with real keys: the server's preferred address (RFC 9000 section
/// 9.6), zero-length connection IDs (section 5.1), disable_active_migration (section 9), a ClientHello over two
/// Initials, and secrets carried inside the capture.
/// </summary>
public sealed class QuicMigrationKindTests : IDisposable
{
    private const ulong A = ChallengeA;
    private const ulong B = ChallengeB;
    private readonly string _directory = Directory.CreateTempSubdirectory("quic-kinds-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static QuicProbeEventKind[] Verdicts(IEnumerable<QuicProbeEvent> events) => events.Where(e => e.IsVerdict).Select(e => e.Kind).Distinct().ToArray();

    [Fact]
    public void APreferredAddressMigrationIsFollowedAndValidatedWithoutVerdict()
    {
        var events = PreferredAddressMigration().Analyze(_directory, out var analyzer);

        Assert.Empty(Verdicts(events));
        var migration = Assert.Single(events, e => e.Kind == QuicProbeEventKind.Migration);
        Assert.Equal("Server", migration.Moved);
        Assert.Equal("10.250.1.2:9443", migration.Destination);
        Assert.Contains("9.6", migration.Evidence);
        Assert.Equal(new[] { "a1a1a1a1a1a1a1a1" }, events.Where(e => e.Kind == QuicProbeEventKind.PathProbeSent).Select(e => e.Data));
        Assert.Contains(events, e => e.Kind == QuicProbeEventKind.PathValidated && e.Data == "a1a1a1a1a1a1a1a1");
        var summary = Assert.Single(analyzer.Summaries(events));
        Assert.Equal("10.250.1.2:9443", summary.PreferredAddress);
    }

    [Fact]
    public void APreferredAddressMigrationStaysFollowedWhenPortIsTheHandshakes()
    {
        var events = PreferredAddressMigration().Analyze(_directory, out _, ports: new[] { 443 });

        Assert.Empty(Verdicts(events));
        Assert.Contains(events, e => e.Kind == QuicProbeEventKind.PathValidated && e.Data == "a1a1a1a1a1a1a1a1");
    }

    [Fact]
    public void WithoutTheServersParametersTheChallengesToThePreferredAddressAreMissed()
    {
        // The same capture with only the 1-RTT secrets: the preferred address's CID is not known, so nothing routes
        // the client's probes there. This is what the analysis did before it read transport parameters.
        var onlyTraffic = string.Join("\n", KeyLogText.Split('\n').Where(l => l.StartsWith("CLIENT_TRAFFIC", StringComparison.Ordinal) || l.StartsWith("SERVER_TRAFFIC", StringComparison.Ordinal))) + "\n";
        var events = PreferredAddressMigration().Analyze(_directory, keyLogText: onlyTraffic);

        Assert.DoesNotContain(events, e => e.Kind == QuicProbeEventKind.PathProbeSent && e.Data == "a1a1a1a1a1a1a1a1");
    }

    [Fact]
    public void AClientThatKeepsItsDcidOnThePreferredAddressIsDcidReused()
    {
        var events = PreferredAddressMigration(reuseDcid: true).Analyze(_directory);

        var reused = Assert.Single(events, e => e.Kind == QuicProbeEventKind.DcidReused);
        Assert.Contains("preferred address", reused.Evidence);
        Assert.Contains("connectionmigration", reused.Evidence);
    }

    [Fact]
    public void AZeroLengthCidConnectionIsFollowedAndDecryptedThroughout()
    {
        var scenario = new QuicScenario(zeroLengthClientCid: true).Handshake()
            .FromServer(Server, Client1, 0, Frames.Stream(800))
            .FromClient(Client1, ServerCid2, 0, Frames.Ping)
            .FromServer(Server, Client1, 1200, Frames.Challenge(B))
            .FromClient(Client1, ServerCid2, 1200, Frames.Response(B));
        var events = scenario.Analyze(_directory, out var analyzer);

        // Every datagram is the connection's and every packet decrypts: 2 Initials and 6 short-header packets.
        Assert.Equal(analyzer.Datagrams, analyzer.QuicDatagrams);
        Assert.Equal(8, analyzer.Decrypted);
        Assert.Equal(0, analyzer.Undecryptable);
        Assert.Equal(0, analyzer.Unparsable);
        Assert.Contains(events, e => e.Kind == QuicProbeEventKind.PathValidated && e.Data == "b2b2b2b2b2b2b2b2");
        Assert.True(Assert.Single(analyzer.Summaries(events)).ZeroLengthConnectionIds);
    }

    [Fact]
    public void AZeroLengthCidConnectionThatIsRebindedSaysItCannotSurviveIt()
    {
        var events = new QuicScenario(zeroLengthClientCid: true).Handshake()
            .At(100).FromClient(Client2, ServerCid, 1200, Frames.Ping)
            .Analyze(_directory);

        Assert.Contains("zero-length connection IDs", Assert.Single(events, e => e.Kind == QuicProbeEventKind.Migration).Evidence);
    }

    [Fact]
    public void AClientThatMigratesAgainstDisableActiveMigrationIsAVerdict()
    {
        var events = new QuicScenario().Handshake(DisableActiveMigrationParameters)
            .At(100).FromClient(Client2, ServerCid2, 1200, Frames.Challenge(A))
            .FromServer(Server, Client2, 1200, Frames.Response(A), Frames.Challenge(B))
            .FromClient(Client2, ServerCid2, 1200, Frames.Response(B))
            .Analyze(_directory);

        var verdict = Assert.Single(events, e => e.Kind == QuicProbeEventKind.ActiveMigrationDisabled);
        Assert.True(verdict.Certain);
        Assert.Equal(new[] { QuicProbeEventKind.ActiveMigrationDisabled }, Verdicts(events));
    }

    [Fact]
    public void ANatRebindingUnderDisableActiveMigrationIsNotTheClientsDoing()
    {
        var events = new QuicScenario().Handshake(DisableActiveMigrationParameters).RebindNat(serverProbes: true).Analyze(_directory);

        Assert.Empty(Verdicts(events));
    }

    [Fact]
    public void MovingToThePreferredAddressIsAllowedUnderDisableActiveMigration()
    {
        var events = new QuicScenario().Handshake(PreferredAddressParameters(disableActiveMigration: true))
            .At(100).FromClientTo(Client1, PreferredServer, PreferredCid, 1200, Frames.Challenge(A))
            .FromServer(PreferredServer, Client1, 1200, Frames.Response(A))
            .Analyze(_directory);

        Assert.Empty(Verdicts(events));
        Assert.Contains(events, e => e.Kind == QuicProbeEventKind.PathValidated);
    }

    [Fact]
    public void AClientHelloOverTwoInitialsIsReadAcrossThem()
    {
        // A post-quantum key share makes the ClientHello larger than one Initial: the random (for the keys) and the
        // transport parameters are read from the reassembled CRYPTO stream.
        var events = new QuicScenario().Handshake(PreferredAddressParameters(), splitClientHello: true, keyShareBytes: 1600)
            .At(100).FromClientTo(Client1, PreferredServer, PreferredCid, 1200, Frames.Challenge(A))
            .FromServer(PreferredServer, Client1, 1200, Frames.Response(A))
            .Analyze(_directory, out var analyzer);

        Assert.True(Assert.Single(analyzer.Summaries(events)).Decrypted);
        Assert.Contains(events, e => e.Kind == QuicProbeEventKind.PathValidated && e.Data == "a1a1a1a1a1a1a1a1");
    }

    [Fact]
    public void SecretsInsideAPcapngAreUsedWithoutAKeyLog()
    {
        var scenario = PreferredAddressMigration();
        var path = scenario.WritePcapng(_directory, embedKeys: true);
        var run = QuicProbeFiles.NewRun(new QuicProbeOptions());
        var events = QuicProbeFiles.ReadFiles(new[] { path }, run).ToList();

        Assert.Equal(1, run.Options.KeyLog!.SecretsBlocks);
        Assert.Contains(events, e => e.Kind == QuicProbeEventKind.PathValidated && e.Data == "a1a1a1a1a1a1a1a1");
        Assert.Empty(Verdicts(events));

        // Without the secrets block the same capture is header-only: nothing is decrypted past the Initials.
        var bare = scenario.WritePcapng(_directory, embedKeys: false);
        var headerOnly = QuicProbeFiles.ReadFiles(new[] { bare }, QuicProbeFiles.NewRun(new QuicProbeOptions())).ToList();
        Assert.DoesNotContain(headerOnly, e => e.Kind == QuicProbeEventKind.PathValidated);
    }

    [Fact]
    public void AnExportedCaptureReadsBackWithItsKeysAndTheSameEvents()
    {
        var source = PreferredAddressMigration().WritePcap(_directory);
        var keyLog = new KeyLog();
        keyLog.AddText(KeyLogText);
        var exported = Path.Combine(_directory, "exported.pcapng");
        var first = QuicProbeFiles.NewRun(new QuicProbeOptions { KeyLog = keyLog });
        List<QuicProbeEvent> before;
        using (var export = new CaptureExport(exported))
        {
            before = QuicProbeFiles.ReadFiles(new[] { source }, first, export).ToList();
            export.Commit(first.Options.KeyLog!.ToText());
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(exported));
        Assert.Empty(Directory.GetFiles(_directory, "*.partial"));
        var after = QuicProbeFiles.ReadFiles(new[] { exported }, QuicProbeFiles.NewRun(new QuicProbeOptions())).ToList();
        Assert.Equal(before.Select(e => (e.Kind, e.Data, e.Time)), after.Select(e => (e.Kind, e.Data, e.Time)));
    }
}
