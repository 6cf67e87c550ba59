using System;
using System.IO;
using System.Linq;
using MigrationTools.Analysis.Quic;
using Xunit;
using static MigrationTools.Engine.Tests.QuicScenario;

namespace MigrationTools.Engine.Tests;

/// <summary>
/// How packets are tied to their connection and their keys: packet numbers rebuilt from the largest one seen
/// (RFC 9000 section 17.1, appendix A.3), the cipher suite when the ServerHello is missing, the client's Handshake
/// keys, and connection IDs the capture never showed being issued (attributed by address, as Wireshark does).
/// </summary>
public sealed class QuicPacketTrackingTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("quic-tracking-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void OneBytePacketNumbersPast255AreRebuiltFromTheLargestSeen()
    {
        // With one byte on the wire, packet 300 reads 0x2c: only the largest number seen so far (299) gives 300 back,
        // and only the right number gives the right nonce, so every packet authenticates only if the tracking is right.
        var scenario = new QuicScenario().Handshake().PacketNumberLength(1);
        for (var i = 0; i < 300; i++)
        {
            scenario.FromClient(Client1, ServerCid, 0, Frames.Ping, new byte[4]).FromServer(Server, Client1, 0, Frames.Ping, new byte[4]);
        }

        scenario.Analyze(_directory, out var analyzer);

        Assert.Equal(4 + 600, analyzer.Decrypted);
        Assert.Equal(0, analyzer.Undecryptable);
    }

    [Fact]
    public void WithoutTheServerHello48ByteSecretsMeanAes256AndTheMigrationIsRead()
    {
        // The capture missed the server's Initial (index 1): only the secrets' length tells the suite.
        var events = new QuicScenario(aes256: true).Handshake().Migrate().Drop(1).Analyze(_directory, out var analyzer);

        Assert.Equal(0, analyzer.Undecryptable);
        Assert.Equal(2, events.Count(e => e.Kind == QuicProbeEventKind.PathValidated));
    }

    [Fact]
    public void WithoutTheServerHello32ByteSecretsAreNotGuessedAt()
    {
        // SHA-256 secrets fit AES-128-GCM and ChaCha20-Poly1305 alike: nothing is decrypted rather than misread.
        var events = new QuicScenario().Handshake().Migrate().Drop(1).Analyze(_directory, out var analyzer);

        // Only the client's Initial; the rest wait for keys (not tried, so not counted as failing either).
        Assert.Equal(1, analyzer.Decrypted);
        Assert.Equal(0, analyzer.Undecryptable);
        Assert.DoesNotContain(events, e => e.Kind == QuicProbeEventKind.PathValidated);
    }

    [Fact]
    public void TheClientsHandshakePacketIsDecryptedWithItsHandshakeSecret()
    {
        new QuicScenario().Handshake(QuicScenario.DisableActiveMigrationParameters).ClientFinished().Analyze(_directory, out var analyzer);

        // Client Initial, server Initial, server Handshake, client 1-RTT, server 1-RTT, and the client's Handshake.
        Assert.Equal(6, analyzer.Decrypted);
        Assert.Equal(0, analyzer.Undecryptable);
    }

    [Fact]
    public void AConnectionIdWhoseIssueWasNotCapturedIsTakenForTheConnectionOfItsServerAddress()
    {
        // The server's packet with NEW_CONNECTION_ID (the last of the handshake) is damaged, so ServerCid2 is unknown
        // when the client migrates to it; the packets to it still reach the server's address of this connection.
        var events = new QuicScenario().Handshake().CorruptLast().Migrate().Analyze(_directory, out var analyzer);

        Assert.Equal(1, analyzer.Undecryptable);
        Assert.Equal(new[] { "a1a1a1a1a1a1a1a1", "b2b2b2b2b2b2b2b2" }, events.Where(e => e.Kind == QuicProbeEventKind.PathValidated).Select(e => e.Data).OrderBy(d => d));
        Assert.Equal("10.210.0.2:40000", Assert.Single(events, e => e.Kind == QuicProbeEventKind.Migration).ClientAddress);
    }

    [Fact]
    public void AnUnknownClientConnectionIdFromTheServersPortIsTakenForTheClientsConnection()
    {
        // The client issued a connection ID in a packet the capture did not hold; the server now sends to it.
        var clientCid2 = Convert.FromHexString("c2c2c2c2c2c2c2c2");
        var events = new QuicScenario().Handshake()
            .FromServerToCid(Server, Client1, clientCid2, 1200, Frames.Challenge(ChallengeB))
            .FromClient(Client1, ServerCid, 1200, Frames.Response(ChallengeB))
            .FromServerToCid(Server, Client1, clientCid2, 0, Frames.Ping)
            .Analyze(_directory, out var analyzer);

        Assert.Equal(0, analyzer.Undecryptable);
        Assert.Equal(7, analyzer.Decrypted);
        var validated = Assert.Single(events, e => e.Kind == QuicProbeEventKind.PathValidated);
        Assert.Equal("Client", validated.Sender);
    }

    [Fact]
    public void AnUnknownConnectionIdFromAnotherPortIsNotTakenForTheConnection()
    {
        // Same addresses, but the sender's port is not the server's: nothing ties it to this connection.
        var clientCid2 = Convert.FromHexString("c2c2c2c2c2c2c2c2");
        var otherPort = new System.Net.IPEndPoint(Server.Address, 8443);
        new QuicScenario().Handshake()
            .FromServerToCid(otherPort, Client1, clientCid2, 1200, Frames.Ping)
            .Analyze(_directory, out var analyzer);

        Assert.Equal(4, analyzer.Decrypted);
        Assert.Equal(4, analyzer.QuicDatagrams);
    }

    [Fact]
    public void WithPortLimitedToTheClientsTheServerStaysFollowedWhenTheClientChangesPort()
    {
        // -Port 40000 selects the handshake by the client's port; after the client moves to port 40001, only the
        // server's address ties its packets to the connection.
        var moved = new System.Net.IPEndPoint(Client2.Address, 40001);
        var events = new QuicScenario().Handshake()
            .At(100).FromClient(moved, ServerCid2, 1200, Frames.Challenge(ChallengeA))
            .FromServer(Server, moved, 1200, Frames.Response(ChallengeA), Frames.Challenge(ChallengeB))
            .FromClient(moved, ServerCid2, 1200, Frames.Response(ChallengeB))
            .Analyze(_directory, out _, ports: new[] { 40000 });

        Assert.Equal(2, events.Count(e => e.Kind == QuicProbeEventKind.PathValidated));
    }

    [Fact]
    public void AClientSecretWrittenLaterIsUsedFromThenOn()
    {
        // A live watch can start before a peer has written its 1-RTT secret: here the client's comes after the handshake.
        var lines = KeyLogText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var clientTraffic = lines.Single(l => l.StartsWith("CLIENT_TRAFFIC_SECRET_0", StringComparison.Ordinal));
        var keyLog = new KeyLog();
        keyLog.AddText(string.Join('\n', lines.Where(l => l != clientTraffic)) + "\n");
        var analyzer = new QuicProbeAnalyzer(new QuicProbeOptions { KeyLog = keyLog });
        var scenario = new QuicScenario().Handshake().Migrate();
        var output = new System.Collections.Generic.List<QuicProbeEvent>();
        var index = 0;
        foreach (var (micros, frame) in scenario.Captured)
        {
            if (index++ == 4)
            {
                // The handshake's four: both Initials and the server's 1-RTT packet read, the client's 1-RTT packet not.
                Assert.Equal(3, analyzer.Decrypted);
                keyLog.AddText(clientTraffic + "\n");
            }

            Assert.Equal(MigrationTools.Analysis.Capture.DecodeResult.Udp, MigrationTools.Analysis.Capture.PacketDecoder.TryDecode(101, frame, out var datagram));
            analyzer.Process(micros, datagram, output);
        }

        // The client's two migration packets with frames were read once its secret was there: both paths validate.
        Assert.Equal(2, output.Count(e => e.Kind == QuicProbeEventKind.PathValidated));
    }

    [Fact]
    public void ShortHeaderDatagramsOfOtherFlowsAreNotTakenForAZeroLengthConnection()
    {
        // A connection followed by addresses must not swallow every short header: a stray one between other hosts,
        // and one of five bytes to the server, shorter than any connection ID it knows.
        var stray = new byte[60];
        stray[0] = 0x41;
        var scenario = new QuicScenario(zeroLengthClientCid: true).Handshake()
            .Raw(new System.Net.IPEndPoint(System.Net.IPAddress.Parse("10.9.9.9"), 5000), new System.Net.IPEndPoint(System.Net.IPAddress.Parse("10.9.9.8"), 443), stray)
            .Raw(Client1, Server, new byte[] { 0x41, 1, 2, 3, 4 });

        scenario.Analyze(_directory, out var analyzer);

        Assert.Equal(4, analyzer.QuicDatagrams);
        Assert.Equal(0, analyzer.Undecryptable);
        Assert.Equal(1, analyzer.Unparsable);
    }

    [Fact]
    public void ALongConnectionIdThatBeginsWithAShorterOneIsMatchedWhole()
    {
        // The server issues a 20-byte connection ID whose first 8 bytes are the client's own ID: a packet to it must be
        // taken for the longer ID (the client's packet to the server), not for the client's shorter one.
        var longCid = ClientCid.Concat(Enumerable.Repeat((byte)0x77, 12)).ToArray();
        var events = new QuicScenario().Handshake()
            .FromServer(Server, Client1, 0, Frames.NewConnectionId(2, longCid))
            .At(100).FromClient(Client2, longCid, 1200, Frames.Challenge(ChallengeA))
            .FromServer(Server, Client2, 1200, Frames.Response(ChallengeA), Frames.Challenge(ChallengeB))
            .FromClient(Client2, longCid, 1200, Frames.Response(ChallengeB))
            .Analyze(_directory, out var analyzer);

        Assert.Equal(0, analyzer.Undecryptable);
        Assert.Equal(2, events.Count(e => e.Kind == QuicProbeEventKind.PathValidated));
    }

    [Fact]
    public void A1RttPacketWithoutFramesStillAuthenticates()
    {
        // An empty payload (only the AEAD tag) is a protocol violation, but it is a packet of the connection.
        new QuicScenario().Handshake().FromClient(Client1, ServerCid, 0).Analyze(_directory, out var analyzer);

        Assert.Equal(5, analyzer.Decrypted);
        Assert.Equal(0, analyzer.Undecryptable);
    }

    [Fact]
    public void AnAnalyzerWithoutAKeyLogReadsTheInitialsAndNothingElse()
    {
        var analyzer = new QuicProbeAnalyzer(new QuicProbeOptions());
        var output = new System.Collections.Generic.List<QuicProbeEvent>();
        foreach (var (micros, frame) in WorkingMigration().Captured)
        {
            MigrationTools.Analysis.Capture.PacketDecoder.TryDecode(101, frame, out var datagram);
            analyzer.Process(micros, datagram, output);
        }

        Assert.Equal(2, analyzer.Decrypted);
        Assert.Single(output, e => e.Kind == QuicProbeEventKind.Migration);
    }

    [Fact]
    public void ConnectionIdsOfUpTo20BytesKeepEveryByte()
    {
        var twenty = Convert.FromHexString("000102030405060708090a0b0c0d0e0f10111213");
        var other = (byte[])twenty.Clone();
        other[19] ^= 1;

        Assert.Equal("000102030405060708090a0b0c0d0e0f10111213", CidKey.From(twenty).ToString());
        Assert.NotEqual(CidKey.From(twenty), CidKey.From(other));
        // The same bytes with a trailing zero are another (longer) ID.
        Assert.NotEqual(CidKey.From(twenty[..8]), CidKey.From(twenty[..8].Concat(new byte[1]).ToArray()));
        Assert.Equal("0001020304050607", CidKey.FromHex("0001020304050607").ToString());
    }

    [Fact]
    public void AConnectionKnowsWhichServerAddressEachClientAddressUses()
    {
        var (clientKeys, serverKeys) = QuicCrypto.InitialKeys(ScenarioKeys.Version1, OriginalDcid);
        using var connection = new QuicConnection("c", ScenarioKeys.Version1, MigrationTools.Analysis.Capture.NetEndpoint.From(Server), new ConnectionKeys(ScenarioKeys.Version1, clientKeys, serverKeys));
        var server = MigrationTools.Analysis.Capture.NetEndpoint.From(Server);
        var preferred = MigrationTools.Analysis.Capture.NetEndpoint.From(PreferredServer);
        var realIp = MigrationTools.Analysis.Capture.NetEndpoint.From(ServerRealIp);
        var client1 = MigrationTools.Analysis.Capture.NetEndpoint.From(Client1);
        var client2 = MigrationTools.Analysis.Capture.NetEndpoint.From(Client2);

        // Connection ID lengths are unknown (-1) until a packet shows them.
        Assert.Equal((-1, -1), (connection.CidLength[Side.Client], connection.CidLength[Side.Server]));
        Assert.False(connection.UsesZeroLengthCid);
        // Until the client sends to another address, each of its addresses uses the handshake's.
        Assert.Equal(server, connection.ServerFor(client1));
        connection.ServerAddresses.Add(preferred);
        connection.LastServerFor[client2] = preferred;
        Assert.Equal(preferred, connection.ServerFor(client2));
        Assert.Equal(server, connection.ServerFor(client1));
        // A path is the client's address and a server address it sent to; a source it never sent to counts as the one it uses.
        Assert.Equal(new PathKey(client1, server), connection.PathOf(client1, server));
        Assert.Equal(new PathKey(client2, preferred), connection.PathOf(client2, realIp));
        Assert.Equal(new PathKey(client2, server), connection.PathOf(client2, server));
    }
}
