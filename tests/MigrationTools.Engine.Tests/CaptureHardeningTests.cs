using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MigrationTools.Analysis.Capture;
using MigrationTools.Analysis.Quic;
using MigrationTools.Core.Errors;
using Xunit;

namespace MigrationTools.Engine.Tests;

/// <summary>
/// Hostile captures, key logs and qlogs that once ended Watch-QuicProbe with a raw .NET exception: each is read, the
/// bad part counted or reported for its file, and the rest goes on.
/// </summary>
public sealed class CaptureHardeningTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("capture-hardening-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static readonly byte[] Frame = QuicFuzzTests.Udp(new byte[40]);

    /// <summary>A pcapng section header, for the blocks that follow.</summary>
    private static CaptureBytes Section() => new CaptureBytes().Section();

    /// <summary>The if_tsresol option of an interface block, with its value and padding.</summary>
    private static byte[] Resolution(byte value) => new byte[] { 9, 0, 1, 0, value, 0, 0, 0 };

    private static (int Frames, long Damaged) ReadAll(byte[] capture)
    {
        using var reader = new CaptureReader(new MemoryStream(capture), "test.pcapng");
        var frames = 0;
        while (reader.TryRead(out var record))
        {
            Assert.Equal(Frame.Length, record.Data.Length);
            frames++;
        }

        return (frames, reader.Damaged);
    }

    public static IEnumerable<object[]> DamagedBlocks() => new[]
    {
        new object[] { "an interface block of length 12", Section().Block(1, Array.Empty<byte>()).Interface(LinkType.Raw).Enhanced(1, 5, Frame).ToArray() },
        new object[] { "an interface block of length 16", Section().Block(1, new byte[4]).Interface(LinkType.Raw).Enhanced(1, 5, Frame).ToArray() },
        new object[] { "a packet block of length 20", Section().Interface(LinkType.Raw).Block(6, new byte[8]).Enhanced(0, 5, Frame).ToArray() },
        new object[] { "a packet block of length 16", Section().Interface(LinkType.Raw).Block(6, new byte[4]).Enhanced(0, 5, Frame).ToArray() },
        new object[] { "interface id 0xFFFFFFFF", Section().Interface(LinkType.Raw).Enhanced(0xffffffff, 5, Frame).Enhanced(0, 5, Frame).ToArray() },
        new object[] { "a captured length that overflows", Section().Interface(LinkType.Raw).Enhanced(0, 5, Frame, captured: 0x7fffffff).Enhanced(0, 5, Frame).ToArray() },
        new object[] { "a captured length of 0xFFFFFFF0", Section().Interface(LinkType.Raw).Enhanced(0, 5, Frame, captured: 0xfffffff0).Enhanced(0, 5, Frame).ToArray() },
        new object[] { "a short simple packet block", Section().Interface(LinkType.Raw).Block(3, Array.Empty<byte>()).Enhanced(0, 5, Frame).ToArray() },
        new object[] { "a far-future timestamp", Section().Interface(LinkType.Raw).Enhanced(0, ulong.MaxValue, Frame).Enhanced(0, 5, Frame).ToArray() },
        new object[] { "a resolution of 10^127", Section().Interface(LinkType.Raw, Resolution(127)).Enhanced(0, 5, Frame).Interface(LinkType.Raw).Enhanced(1, 5, Frame).ToArray() },
        new object[] { "a resolution of 2^127", Section().Interface(LinkType.Raw, Resolution(0xff)).Enhanced(0, 5, Frame).Interface(LinkType.Raw).Enhanced(1, 5, Frame).ToArray() },
        new object[] { "a secrets block with a length beyond it", Section().Interface(LinkType.Raw).Block(10, new byte[] { 0x4b, 0x53, 0x4c, 0x54, 0xff, 0, 0, 0 }).Enhanced(0, 5, Frame).ToArray() },
    };

    [Theory]
    [MemberData(nameof(DamagedBlocks))]
    public void ADamagedBlockIsCountedAndTheNextFrameIsRead(string what, byte[] capture)
    {
        var (frames, damaged) = ReadAll(capture);

        Assert.True(damaged >= 1, what);
        Assert.Equal(1, frames);
    }

    [Fact]
    public void ABlockLengthThatCannotBeFollowedEndsTheCaptureCleanly()
    {
        var (frames, damaged) = ReadAll(Section().Interface(LinkType.Raw).Enhanced(0, 5, Frame).Block(6, new byte[24], 0xfffffff0).ToArray());

        Assert.Equal(1, frames);
        Assert.Equal(1, damaged);
    }

    [Fact]
    public void ResolutionsAndTimestampsConvertToMicroseconds()
    {
        using var reader = new CaptureReader(new MemoryStream(Section().Interface(LinkType.Raw, Resolution(9)).Enhanced(0, 1_500_000_000, Frame).Interface(LinkType.Raw, Resolution(0x80 | 10)).Enhanced(1, 2048, Frame).ToArray()), "t");
        Assert.True(reader.TryRead(out var nanoseconds));
        Assert.Equal(1_500_000, nanoseconds.TimestampMicroseconds);
        Assert.True(reader.TryRead(out var binary));
        Assert.Equal(2_000_000, binary.TimestampMicroseconds);
    }

    [Fact]
    public void AnAuthenticatingInitialAtTheEndOfTimeGivesNoException()
    {
        var keyLog = new KeyLog();
        keyLog.AddText(QuicScenario.KeyLogText);
        var analyzer = new QuicProbeAnalyzer(new QuicProbeOptions { ChallengeTimeout = TimeSpan.FromSeconds(3), KeyLog = keyLog });
        var output = new List<QuicProbeEvent>();
        foreach (var (_, frame) in new QuicScenario().Handshake().At(100).FromClient(QuicScenario.Client2, QuicScenario.ServerCid2, 1200, QuicScenario.Frames.Challenge(1)).Captured)
        {
            Assert.Equal(DecodeResult.Udp, PacketDecoder.TryDecode(LinkType.Raw, frame, out var datagram));
            analyzer.Process(PcapngInterfaces.MaxMicroseconds, datagram, output);
        }

        analyzer.Advance(long.MaxValue, output);
        Assert.Equal(1, analyzer.Connections);
        Assert.Contains(output, e => e.Kind == QuicProbeEventKind.UnansweredChallenge && e.Time.Year == 9999);
    }

    [Fact]
    public void KeyLogLinesThatCannotBeUsedAreCountedWithTheirPlace()
    {
        var random = new string('a', 64);
        var log = new KeyLog();
        log.AddText($"# comment\nCLIENT_TRAFFIC_SECRET_0 {random} 11\nSERVER_TRAFFIC_SECRET_0 {random} {new string('2', 64)}\nEXPORTER_SECRET {random} {new string('3', 64)}\n" +
            $"BOGUS_LABEL {random} {new string('4', 64)}\nnot a key line\nCLIENT_TRAFFIC_SECRET_0 short {new string('5', 64)}\n", "keys.log");

        Assert.Equal(4, log.IgnoredLines);
        Assert.Equal(new[]
        {
            "keys.log line 2: the secret is not 32 or 48 bytes of hex",
            "keys.log line 5: unknown label 'BOGUS_LABEL'",
            "keys.log line 6: not three fields (label, client random, secret)",
        }, log.IgnoredExamples);
        var entry = Assert.Single(log.Entries);
        Assert.Null(entry.ClientTraffic);
        Assert.NotNull(entry.ServerTraffic);
    }

    [Fact]
    public void AOneByteSecretForARealConnectionDecryptsNothingAndThrowsNothing()
    {
        var bad = QuicScenario.KeyLogText.Replace(new string('1', 64), "11");
        var events = new QuicScenario().Handshake().At(100).FromClient(QuicScenario.Client2, QuicScenario.ServerCid2, 1200, QuicScenario.Frames.Challenge(1))
            .Analyze(_directory, out var analyzer, keyLogText: bad);

        Assert.Equal(0, analyzer.Undecryptable);
        Assert.DoesNotContain(events, e => e.Kind == QuicProbeEventKind.PathProbeSent && e.Certain);
    }

    [Fact]
    public void OneBadFileAmongSeveralLosesOnlyItsOwnEvents()
    {
        var good = new QuicScenario().Handshake().At(100).FromClient(QuicScenario.Client2, QuicScenario.ServerCid2, 1200, QuicScenario.Frames.Challenge(7)).WritePcap(_directory);
        var garbage = Path.Combine(_directory, "garbage.pcap");
        File.WriteAllBytes(garbage, new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 });
        var missing = Path.Combine(_directory, "missing.pcap");
        var keyLog = new KeyLog();
        keyLog.AddText(QuicScenario.KeyLogText);
        var run = QuicProbeFiles.NewRun(new QuicProbeOptions { KeyLog = keyLog });

        var events = QuicProbeFiles.ReadFiles(new[] { garbage, good, missing, _directory }, run).ToList();

        Assert.Contains(events, e => e.Kind == QuicProbeEventKind.PathProbeSent && e.Data == "0000000000000007");
        Assert.Equal(new[] { "CaptureUnreadable", "CaptureNotFound", "CaptureUnreadable" }, run.FileErrors.Select(e => e.ErrorId));
        Assert.Equal(new[] { garbage, missing, _directory }, run.FileErrors.Select(e => e.Target));
    }

    [Fact]
    public void AFileThatIsNotAQlogIsAnErrorAndBadRecordsAreCounted()
    {
        var pcap = new QuicScenario().Handshake().WritePcap(_directory);
        var error = Assert.Throws<MigrationToolsException>(() => QlogReader.ReadPathFrames(new[] { pcap }));
        Assert.Equal("QlogUnreadable", error.ErrorId);
        Assert.Equal("QlogUnreadable", Assert.Throws<MigrationToolsException>(() => QlogReader.ReadPathFrames(new[] { _directory })).ErrorId);

        var qlog = Path.Combine(_directory, "client.sqlog");
        File.WriteAllText(qlog, "\u001e{\"qlog_version\":\"0.3\"}\n\u001e{broken\n\u001e{\"name\":\"transport:packet_sent\",\"data\":{\"frames\":[{\"frame_type\":\"path_challenge\",\"data\":\"0102030405060708\"}]}}\n");
        var frames = QlogReader.ReadPathFrames(new[] { qlog });
        Assert.Equal(1, frames.SkippedRecords);
        Assert.Equal(new[] { "0102030405060708" }, frames.Challenges);
        Assert.Equal(1, frames.PacketEvents);
    }
}
