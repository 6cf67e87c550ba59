using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Xml.Linq;
using MigrationTools.Analysis.Quic;
using Xunit;
using static MigrationTools.Engine.Tests.QuicScenario;

namespace MigrationTools.Engine.Tests;

/// <summary>The qlog files and the SVG timeline a watch writes, read back independently (JSON and XML parsers).</summary>
public sealed class QuicOutputsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("quic-outputs-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private (List<QuicProbeEvent> Events, QuicProbeRun Run) Watch(QuicScenario scenario, bool withKeys, string? qlog, string? timeline)
    {
        KeyLog? keyLog = null;
        if (withKeys)
        {
            keyLog = new KeyLog();
            keyLog.AddText(KeyLogText);
        }

        var run = QuicProbeFiles.NewRun(new QuicProbeOptions { KeyLog = keyLog });
        if (qlog is not null)
        {
            run.WriteQlog(qlog);
        }

        if (timeline is not null)
        {
            run.RecordTimeline();
        }

        var events = QuicProbeFiles.ReadFiles(new[] { scenario.WritePcap(_directory) }, run).ToList();
        if (timeline is not null)
        {
            run.WriteTimeline(timeline, "test");
        }

        run.Dispose();
        return (events, run);
    }

    /// <summary>Splits a JSON-SEQ file at its record separators and parses every record on its own.</summary>
    private static List<JsonElement> Records(string path)
    {
        var text = File.ReadAllText(path);
        Assert.StartsWith("\u001e", text, StringComparison.Ordinal);
        return text.Split('\u001e', StringSplitOptions.RemoveEmptyEntries)
            .Select(r => { Assert.EndsWith("\n", r, StringComparison.Ordinal); return JsonDocument.Parse(r).RootElement.Clone(); })
            .ToList();
    }

    private static IEnumerable<(string Name, JsonElement Frame)> QlogFramesOf(IEnumerable<JsonElement> records) =>
        records.Where(r => r.TryGetProperty("name", out _) && r.GetProperty("data").TryGetProperty("frames", out _))
            .SelectMany(r => r.GetProperty("data").GetProperty("frames").EnumerateArray().Select(f => (r.GetProperty("name").GetString()!, f)));

    [Fact]
    public void QlogOfAMigrationHasOneTracePerVantagePointWithTheEventsChallengeAndResponseData()
    {
        var qlog = Path.Combine(_directory, "qlog");
        var (events, run) = Watch(WorkingMigration(), withKeys: true, qlog, null);

        var files = Directory.GetFiles(qlog).Select(Path.GetFileName).Order().ToArray();
        Assert.Equal(2, files.Length);
        Assert.EndsWith("_client.sqlog", files[0], StringComparison.Ordinal);
        Assert.EndsWith("_server.sqlog", files[1], StringComparison.Ordinal);
        foreach (var (file, vantage) in new[] { (files[0]!, "client"), (files[1]!, "server") })
        {
            var records = Records(Path.Combine(qlog, file));
            Assert.Equal("JSON-SEQ", records[0].GetProperty("qlog_format").GetString());
            Assert.Equal(vantage, records[0].GetProperty("trace").GetProperty("vantage_point").GetProperty("type").GetString());

            // Exactly the data of the events, each once per packet, sent by the side the events name.
            var sender = vantage == "client" ? "Client" : "Server";
            var sent = QlogFramesOf(records).Where(f => f.Name == "transport:packet_sent").Select(f => f.Frame).ToList();
            Assert.Equal(
                events.Where(e => e.Kind == QuicProbeEventKind.PathProbeSent && e.Sender == sender).Select(e => e.Data).Order(),
                sent.Where(f => f.GetProperty("frame_type").GetString() == "path_challenge").Select(f => f.GetProperty("data").GetString()).Order());
            Assert.Equal(
                events.Where(e => e.Kind == QuicProbeEventKind.PathResponse && e.Sender == sender).Select(e => e.Data).Order(),
                sent.Where(f => f.GetProperty("frame_type").GetString() == "path_response").Select(f => f.GetProperty("data").GetString()).Order());

            // Every packet names the path it used, and the migration is there as an event.
            Assert.All(records.Skip(1).Where(r => r.GetProperty("name").GetString()!.StartsWith("transport:", StringComparison.Ordinal)),
                r => Assert.Contains(":", r.GetProperty("data").GetProperty("path").GetProperty("source").GetString(), StringComparison.Ordinal));
            Assert.Contains(records, r => r.TryGetProperty("name", out var n) && n.GetString() == "migrationtools:migration");
            Assert.Contains(records, r => r.TryGetProperty("name", out var n) && n.GetString() == "migrationtools:path_validated");
        }

        Assert.Equal(2, run.QlogFiles.Count);
    }

    [Fact]
    public void QlogCarriesStreamAndPaddingDetails()
    {
        var qlog = Path.Combine(_directory, "qlog");
        Watch(WorkingMigration(), withKeys: true, qlog, null);

        var frames = QlogFramesOf(Records(Directory.GetFiles(qlog, "*_server.sqlog").Single())).Select(f => f.Frame).ToList();
        Assert.Contains(frames, f => f.GetProperty("frame_type").GetString() == "stream" && f.GetProperty("length").GetInt32() == 1000 && f.TryGetProperty("offset", out _));
        Assert.Contains(frames, f => f.GetProperty("frame_type").GetString() == "padding" && f.GetProperty("length").GetInt32() > 100);
    }

    [Fact]
    public void WithoutKeysTheQlogHasHeaderFieldsAndNoFrames()
    {
        var qlog = Path.Combine(_directory, "qlog");
        Watch(WorkingMigration(), withKeys: false, qlog, null);

        var packets = Records(Directory.GetFiles(qlog, "*_client.sqlog").Single()).Skip(1)
            .Where(r => r.GetProperty("data").TryGetProperty("header", out var h) && h.GetProperty("packet_type").GetString() == "1RTT").ToList();
        Assert.NotEmpty(packets);
        Assert.All(packets, p =>
        {
            Assert.False(p.GetProperty("data").GetProperty("decrypted").GetBoolean());
            Assert.False(p.GetProperty("data").TryGetProperty("frames", out _));
            Assert.False(p.GetProperty("data").GetProperty("header").TryGetProperty("packet_number", out _));
        });
    }

    [Fact]
    public void TheTimelineIsSelfContainedXmlThatNamesEveryVerdict()
    {
        var svg = Path.Combine(_directory, "timeline.svg");
        var (events, _) = Watch(FaultySource(), withKeys: true, null, svg);

        var document = XDocument.Load(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", document.Root!.Name);
        var text = string.Join("\n", document.Descendants(ns + "text").Select(t => t.Value));
        var verdicts = events.Where(e => e.IsVerdict).Select(e => e.KindName).Distinct().ToList();
        Assert.Contains("SourceAddressMismatch", verdicts);
        Assert.All(verdicts, v => Assert.Contains(v, text, StringComparison.Ordinal));
        // The server's answers came from its real address: the path's legend says so.
        Assert.Contains("10.220.0.2:443", text, StringComparison.Ordinal);
        // Every challenge is drawn with its data.
        Assert.All(events.Where(e => e.Kind == QuicProbeEventKind.PathProbeSent), e => Assert.Contains(e.Data!, text, StringComparison.Ordinal));
        Assert.Empty(document.Descendants(ns + "script"));
        Assert.DoesNotContain("href", File.ReadAllText(svg), StringComparison.Ordinal);
    }

    [Fact]
    public void ATimelineOfAWorkingMigrationHasNoVerdictAndTwoPaths()
    {
        var svg = Path.Combine(_directory, "timeline.svg");
        Watch(WorkingMigration(), withKeys: true, null, svg);

        var text = string.Join("\n", XDocument.Load(svg).Descendants().Where(e => e.Name.LocalName == "text").Select(t => t.Value));
        Assert.All(QuicProbeVerdicts.All, v => Assert.DoesNotContain(v.ToString(), text, StringComparison.Ordinal));
        Assert.Contains("path 1: client 10.200.0.2:40000", text, StringComparison.Ordinal);
        Assert.Contains("path 2: client 10.210.0.2:40000", text, StringComparison.Ordinal);
        Assert.Contains("PathValidated", text, StringComparison.Ordinal);
    }

    [Fact]
    public void APreferredAddressMigrationIsDrawnOnTheNewPathFromItsFirstChallengeAndLabelledAsTheServers()
    {
        var svg = Path.Combine(_directory, "timeline.svg");
        Watch(PreferredAddressMigration(), withKeys: true, null, svg);

        var texts = XDocument.Load(svg).Descendants().Where(e => e.Name.LocalName == "text").ToList();
        Assert.Contains(texts, t => t.Value.StartsWith("path 2: client 10.200.0.2:40000 ↔ server 10.250.1.2:9443", StringComparison.Ordinal));
        // The second path's colour: the client's first challenge to the preferred address is drawn in it.
        var challenge = Assert.Single(texts, t => t.Value.StartsWith("CHALLENGE a1a1a1a1a1a1a1a1", StringComparison.Ordinal));
        Assert.Equal("#2ca02c", challenge.Attribute("fill")?.Value);
        // The Migration is the server's (to its preferred address), and says so.
        Assert.Contains(texts, t => t.Value.EndsWith("Migration (server)", StringComparison.Ordinal));
        Assert.DoesNotContain(texts, t => t.Value.EndsWith("Migration (client)", StringComparison.Ordinal));
    }

    public static TheoryData<string> ReviewedQlogs => new() { "faulty-source", "faulty-source-without-keys" };

    /// <summary>
    /// Both traces of a capture, byte for byte against reviewed copies (Data/qlog/): the header record (qlog 0.3,
    /// JSON-SEQ, vantage point, reference time) and every event with its time, header fields, lengths, addresses and
    /// frames, and the analyzer's own events. A change is a change in what qvis and other tools read
    /// (<see cref="ReviewedCopy"/>).
    /// </summary>
    [Theory]
    [MemberData(nameof(ReviewedQlogs))]
    public void TheQlogIsTheReviewedOne(string name)
    {
        var qlog = Path.Combine(_directory, "qlog");
        var scenario = FaultySource().FromServer(Server, Client1, 0, Frames.Ping).CorruptLast();
        Watch(scenario, withKeys: !name.EndsWith("without-keys", StringComparison.Ordinal), qlog, null);

        var differences = new List<string>();
        foreach (var vantage in new[] { "client", "server" })
        {
            var actual = File.ReadAllText(Directory.GetFiles(qlog, $"*_{vantage}.sqlog").Single());
            // Whatever the reviewed copy says: the events are in time order (a timeout before the packet that revealed it).
            var times = Records(Directory.GetFiles(qlog, $"*_{vantage}.sqlog").Single()).Skip(1).Select(r => r.GetProperty("time").GetDouble()).ToArray();
            Assert.Equal(times.Order(), times);
            if (ReviewedCopy.Difference(Path.Combine("qlog", $"{name}_{vantage}.sqlog"), actual) is { } difference)
            {
                differences.Add(difference);
            }
        }

        Assert.Empty(differences);
    }
}
