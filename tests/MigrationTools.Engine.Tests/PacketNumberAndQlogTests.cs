using System;
using System.IO;
using System.Linq;
using MigrationTools.Analysis.Quic;
using MigrationTools.Core.Errors;
using Xunit;

namespace MigrationTools.Engine.Tests;

/// <summary>
/// Packet number recovery against RFC 9000 appendix A.3 (its example and the edges of its two comparisons), and the
/// qlog reader on files written here: both event name sets, both formats, and each way a file cannot be read.
/// </summary>
public sealed class PacketNumberAndQlogTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("qlog-reader-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData(0xa82f30eaUL, 0x9b32UL, 2, 0xa82f9b32UL)] // the RFC's example
    [InlineData(0xfeUL, 0x01UL, 1, 0x101UL)] // past the window: one window up
    [InlineData(0x17fUL, 0x00UL, 1, 0x200UL)] // candidate exactly half a window below the expected: up
    [InlineData(0x17fUL, 0x01UL, 1, 0x101UL)] // one less than half a window below: stays
    [InlineData(0x100UL, 0xffUL, 1, 0xffUL)] // more than half a window above: one window down
    [InlineData(0xffUL, 0x80UL, 1, 0x180UL)] // exactly half a window above: stays
    [InlineData(ulong.MaxValue, 0xffUL, 1, 0xffUL)] // nothing seen yet (expected 0): cannot go below 0
    [InlineData(0x3ffffffffffffffeUL, 0x00UL, 1, 0x3fffffffffffff00UL)] // no step past 2^62 - 1
    [InlineData(0x3ffffffffffffefeUL, 0x00UL, 1, 0x3fffffffffffff00UL)] // a step to just below the limit
    [InlineData(0UL, 0x12345678UL, 4, 0x12345678UL)]
    public void PacketNumbersAreRecoveredAsRfc9000AppendixA3Says(ulong largest, ulong truncated, int length, ulong expected)
    {
        Assert.Equal(expected, QuicCrypto.DecodePacketNumber(largest, truncated, length));
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void BothEventNameSetsAndBothFormatsAreRead()
    {
        // JSON-SEQ with the draft names (as ngtcp2 writes), JSON with the newer ones; frames nested at any depth.
        var seq = Write("a.sqlog", "\u001e{\"qlog_format\":\"JSON-SEQ\"}\n" +
            "\u001e{\"name\":\"transport:packet_sent\",\"data\":{\"frames\":[{\"frame_type\":\"path_challenge\",\"data\":\"AA01\"}]}}\n" +
            "\u001e{\"name\":\"transport:packet_received\",\"data\":{\"frames\":[{\"frame_type\":\"path_response\",\"data\":\"aa01\"}]}}\n" +
            "\u001e{\"name\":\"transport:parameters_set\",\"data\":{}}\n");
        var json = Write("b.qlog", "{\"traces\":[{\"events\":[" +
            "{\"name\":\"quic:packet_sent\",\"data\":{\"frames\":[{\"frame_type\":\"path_response\",\"data\":\"bb02\"}]}}," +
            "{\"name\":\"quic:packet_received\",\"data\":{\"frames\":[{\"frame_type\":\"path_challenge\",\"data\":\"cc03\"},{\"frame_type\":\"ping\"}]}}," +
            "{\"name\":7,\"data\":{\"frames\":[{\"frame_type\":\"path_challenge\",\"data\":17},{\"frame_type\":3,\"data\":\"dd04\"}]}}]}]}");

        var frames = QlogReader.ReadPathFrames(new[] { seq, json });

        Assert.Equal(new[] { "aa01", "cc03" }, Sorted(frames.Challenges));
        Assert.Equal(new[] { "aa01", "bb02" }, Sorted(frames.Responses));
        Assert.Equal(4, frames.PacketEvents);
        Assert.Equal(0, frames.SkippedRecords);
    }

    private static string[] Sorted(System.Collections.Generic.IEnumerable<string> values)
    {
        var array = System.Linq.Enumerable.ToArray(System.Linq.Enumerable.Select(values, v => v.ToLowerInvariant()));
        Array.Sort(array, StringComparer.Ordinal);
        return array;
    }

    [Fact]
    public void RecordsThatDoNotParseAreCountedAndAFileWithoutAnyIsNoQlog()
    {
        var partly = Write("c.sqlog", "\u001e{\"name\":\"transport:packet_sent\"}\n\u001e{broken\n\u001e[1,2\n");
        Assert.Equal((1, 2), (QlogReader.ReadPathFrames(new[] { partly }).PacketEvents, QlogReader.ReadPathFrames(new[] { partly }).SkippedRecords));

        var none = Write("d.qlog", "not json at all");
        var error = Assert.Throws<MigrationToolsException>(() => QlogReader.ReadPathFrames(new[] { none }));
        Assert.Equal(("QlogUnreadable", FailureKind.InvalidArgument), (error.ErrorId, error.Kind));
        Assert.Equal($"'{none}' is not a qlog file: no JSON or JSON-SEQ record in it.", error.Message);
    }

    [Fact]
    public void AMissingFileADirectoryAndAnUnreadableFileSayWhich()
    {
        var missing = Path.Combine(_directory, "missing.qlog");
        var notFound = Assert.Throws<MigrationToolsException>(() => QlogReader.ReadPathFrames(new[] { missing }));
        Assert.Equal(("QlogUnreadable", FailureKind.ObjectNotFound, $"The qlog file '{missing}' does not exist."), (notFound.ErrorId, notFound.Kind, notFound.Message));

        var directory = Assert.Throws<MigrationToolsException>(() => QlogReader.ReadPathFrames(new[] { _directory }));
        Assert.Equal(("QlogUnreadable", FailureKind.InvalidArgument, $"'{_directory}' is a directory, not a qlog file."), (directory.ErrorId, directory.Kind, directory.Message));

        // A path through a file (not a directory) cannot be opened: an I/O error, reported with the reason.
        var file = Write("plain.qlog", "{}");
        var through = Path.Combine(file, "inner.qlog");
        var io = Assert.Throws<MigrationToolsException>(() => QlogReader.ReadPathFrames(new[] { through }));
        Assert.Equal(("QlogUnreadable", FailureKind.InvalidArgument), (io.ErrorId, io.Kind));
        Assert.StartsWith($"The qlog file '{through}' cannot be read: ", io.Message);
        Assert.IsAssignableFrom<IOException>(io.InnerException);
    }

    private static QlogPathFrames Frames(string[] challenges, string[] responses) =>
        new(new System.Collections.Generic.HashSet<string>(challenges, StringComparer.OrdinalIgnoreCase), new System.Collections.Generic.HashSet<string>(responses, StringComparer.OrdinalIgnoreCase), 0, 0);

    [Fact]
    public void TheQlogCheckMatchesWhatBothHoldWhateverTheCase()
    {
        var check = QlogComparison.Compare(Frames(new[] { "AA01", "bb02" }, new[] { "aa01" }), new[] { "aa01", "BB02" }, new[] { "AA01" });

        Assert.Equal("match: 2 PATH_CHALLENGE and 1 PATH_RESPONSE in the qlogs, the same in the capture", check);
    }

    [Fact]
    public void TheQlogCheckNamesWhatEachSideHoldsAlone()
    {
        // A challenge and a response only the qlogs have, a challenge and a response only the capture has.
        Assert.Equal("differ: in the qlogs only: cc03 dd04; in the capture only: ee05 ff06",
            QlogComparison.Compare(Frames(new[] { "aa01", "cc03" }, new[] { "dd04" }), new[] { "aa01", "ee05" }, new[] { "ff06" }));
        Assert.Equal("differ: in the qlogs only: cc03; in the capture only: ",
            QlogComparison.Compare(Frames(new[] { "cc03" }, Array.Empty<string>()), Array.Empty<string>(), Array.Empty<string>()));
        Assert.Equal("differ: in the qlogs only: ; in the capture only: ff06",
            QlogComparison.Compare(Frames(Array.Empty<string>(), Array.Empty<string>()), Array.Empty<string>(), new[] { "ff06" }));
    }

    [Fact]
    public void TheQlogCheckOfAnAnalysisComparesEachConnectionWithItsOwnFrames()
    {
        var events = QuicScenario.WorkingMigration().Analyze(_directory, out var analyzer);
        var check = QlogComparison.For(Frames(new[] { "a1a1a1a1a1a1a1a1", "b2b2b2b2b2b2b2b2" }, new[] { "a1a1a1a1a1a1a1a1", "b2b2b2b2b2b2b2b2" }), analyzer);

        Assert.StartsWith("match: 2 PATH_CHALLENGE and 2 PATH_RESPONSE", check(events[0].Connection), StringComparison.Ordinal);
        // A connection the analysis does not know has no frames: everything in the qlogs is theirs alone.
        Assert.Equal("differ: in the qlogs only: a1a1a1a1a1a1a1a1 b2b2b2b2b2b2b2b2 a1a1a1a1a1a1a1a1 b2b2b2b2b2b2b2b2; in the capture only: ", check("ffff"));
    }

    [Fact]
    public void AJsonSeqRecordLongerThanTheBoundIsSkippedAndCountedAndTheOthersAreRead()
    {
        var path = Path.Combine(_directory, "long.sqlog");
        const string Good = "{\"name\":\"transport:packet_sent\",\"data\":{\"frames\":[{\"frame_type\":\"path_challenge\",\"data\":\"a1a1a1a1a1a1a1a1\"}]}}";
        var huge = "{\"padding\":\"" + new string('x', QlogReader.MaxRecordBytes) + "\"}";
        File.WriteAllText(path, "\u001e" + Good + "\n\u001e" + huge + "\n\u001e" + Good.Replace("a1a1", "b2b2", StringComparison.Ordinal) + "\n");

        var frames = QlogReader.ReadPathFrames(new[] { path });

        Assert.Equal(1, frames.SkippedRecords);
        Assert.Equal(new[] { "a1a1a1a1a1a1a1a1", "b2b2b2b2b2b2b2b2" }, frames.Challenges.Order(StringComparer.Ordinal));
        Assert.Equal(2, frames.PacketEvents);
    }

    [Fact]
    public void APlainJsonQlogLargerThanTheRecordBoundIsStillRead()
    {
        // The bound is for JSON-SEQ records: a plain JSON qlog is one document, whatever its size.
        var path = Path.Combine(_directory, "large.qlog");
        File.WriteAllText(path, "{\"padding\":\"" + new string('x', QlogReader.MaxRecordBytes) + "\",\"traces\":[{\"events\":[{\"name\":\"transport:packet_sent\",\"data\":{\"frames\":[{\"frame_type\":\"path_response\",\"data\":\"c3c3c3c3c3c3c3c3\"}]}}]}]}");

        var frames = QlogReader.ReadPathFrames(new[] { path });

        Assert.Equal(0, frames.SkippedRecords);
        Assert.Equal(new[] { "c3c3c3c3c3c3c3c3" }, frames.Responses);
    }
}
