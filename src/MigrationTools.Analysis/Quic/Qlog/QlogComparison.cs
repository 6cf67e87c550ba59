using System;
using System.Collections.Generic;
using System.Linq;

namespace MigrationTools.Analysis.Quic;

/// <summary>Holds the PATH_CHALLENGE/PATH_RESPONSE data of endpoints' qlogs against what a capture showed.</summary>
internal static class QlogComparison
{
    /// <summary>"match: ..." when both hold the same values, else "differ: ..." naming what each has alone.</summary>
    public static string Compare(QlogPathFrames qlog, IReadOnlyCollection<string> captureChallenges, IReadOnlyCollection<string> captureResponses)
    {
        var missing = qlog.Challenges.Except(captureChallenges, StringComparer.OrdinalIgnoreCase).Concat(qlog.Responses.Except(captureResponses, StringComparer.OrdinalIgnoreCase)).ToArray();
        var extra = captureChallenges.Except(qlog.Challenges, StringComparer.OrdinalIgnoreCase).Concat(captureResponses.Except(qlog.Responses, StringComparer.OrdinalIgnoreCase)).ToArray();
        return missing.Length == 0 && extra.Length == 0
            ? $"match: {qlog.Challenges.Count} PATH_CHALLENGE and {qlog.Responses.Count} PATH_RESPONSE in the qlogs, the same in the capture"
            : $"differ: in the qlogs only: {string.Join(" ", missing)}; in the capture only: {string.Join(" ", extra)}";
    }

    /// <summary>The comparison for every connection of an analysis.</summary>
    public static Func<string, string> For(QlogPathFrames qlog, QuicProbeAnalyzer analyzer)
    {
        var frames = analyzer.PathFrames;
        return connection =>
        {
            var (challenges, responses) = frames.TryGetValue(connection, out var f) ? f : (Array.Empty<string>(), Array.Empty<string>());
            return Compare(qlog, challenges, responses);
        };
    }
}
