using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MigrationTools.Engine.Quic;
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
}
