using System.Collections.Generic;
using System.IO;
using System.Linq;
using MigrationTools.Analysis.Quic;

namespace MigrationTools.Engine.QuicMatrix;

/// <summary>The analyzer's reading of a cell's capture: its events, whether the server forbade active migration, a qlog per connection and vantage point, and the timeline.</summary>
internal sealed record QuicCellAnalysis(IReadOnlyList<QuicProbeEvent> Events, bool ActiveMigrationDisabled)
{
    /// <summary>Reads <paramref name="capture"/> with the key log <paramref name="keyLog"/>; writes qlog-capture/ and timeline.svg into <paramref name="directory"/>.</summary>
    public static QuicCellAnalysis Read(string capture, string keyLog, int port, string directory, string title)
    {
        var keys = KeyLog.Load(new[] { keyLog }, allowMissing: true);
        using var run = QuicProbeFiles.NewRun(new QuicProbeOptions { KeyLog = keys, Ports = new HashSet<int> { port } });
        run.WriteQlog(Path.Combine(directory, "qlog-capture"));
        run.RecordTimeline();
        var events = QuicProbeFiles.ReadFiles(new[] { capture }, run).ToArray();
        run.WriteTimeline(Path.Combine(directory, "timeline.svg"), "Test-QuicMigration: " + title);
        return new QuicCellAnalysis(events, run.Analyzer.Summaries(events).Any(c => c.DisableActiveMigration));
    }
}
