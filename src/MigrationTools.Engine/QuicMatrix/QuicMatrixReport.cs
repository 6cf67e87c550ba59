using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using MigrationTools.Core.Errors;

namespace MigrationTools.Engine.QuicMatrix;

/// <summary>
/// The matrix as people read it: one table per scenario, servers in rows and clients in columns, each cell its outcome
/// (coloured in HTML), its verdicts, and a link to its timeline, relative to the report.
/// </summary>
internal static class QuicMatrixReport
{
    /// <summary>The report for <paramref name="path"/>: HTML for .html and .htm, Markdown for .md; <c>OutFileInvalid</c> for another extension.</summary>
    public static string Render(string path, IReadOnlyList<QuicMigrationResult> results, IReadOnlyList<string> servers, IReadOnlyList<string> clients)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        var folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        return extension switch
        {
            ".html" or ".htm" => Html(results, servers, clients, folder),
            ".md" => Markdown(results, servers, clients, folder),
            _ => throw ErrorCatalog.OutFileInvalid($"-ReportPath '{path}' must end in .html (or .htm) or .md; for JSON, pipe the results to ConvertTo-Json.", path),
        };
    }

    private static IEnumerable<(string Title, IReadOnlyList<QuicMigrationResult> Cells)> Tables(IReadOnlyList<QuicMigrationResult> results) =>
        results.GroupBy(r => (r.ScenarioKind, r.Fault)).OrderBy(g => g.Key.ScenarioKind).ThenBy(g => g.Key.Fault, StringComparer.Ordinal)
            .Select(g => ($"{g.Key.ScenarioKind}{(g.Key.Fault is null ? string.Empty : " with " + g.Key.Fault)}", (IReadOnlyList<QuicMigrationResult>)g.ToArray()));

    private static string Link(QuicMigrationResult result, string folder) =>
        result.TimelinePath is null ? string.Empty : Path.GetRelativePath(folder, result.TimelinePath).Replace('\\', '/');

    /// <summary>The Markdown report: a table per scenario; each cell "**Outcome**", its verdicts, and the timeline link.</summary>
    public static string Markdown(IReadOnlyList<QuicMigrationResult> results, IReadOnlyList<string> servers, IReadOnlyList<string> clients, string folder)
    {
        var text = new StringBuilder();
        text.Append("# QUIC migration matrix\n\nRows are servers, columns clients. ");
        text.Append(Summary(results)).Append("\n");
        foreach (var (title, cells) in Tables(results))
        {
            text.Append("\n## ").Append(title).Append("\n\n| server \\ client | ").Append(string.Join(" | ", clients)).Append(" |\n|---|");
            text.Append(string.Concat(clients.Select(_ => "---|"))).Append('\n');
            foreach (var server in servers)
            {
                text.Append("| ").Append(server).Append(" | ");
                text.Append(string.Join(" | ", clients.Select(client => cells.FirstOrDefault(c => c.Server == server && c.Client == client) is { } cell ? MarkdownCell(cell, folder) : " ")));
                text.Append(" |\n");
            }
        }

        text.Append("\n## Reasons\n\n");
        foreach (var result in results.OrderBy(r => r.ScenarioKind).ThenBy(r => r.Server, StringComparer.Ordinal).ThenBy(r => r.Client, StringComparer.Ordinal))
        {
            text.Append("- ").Append(result.ToString()).Append(": ").Append(result.Reason.Replace("|", "\\|", StringComparison.Ordinal)).Append('\n');
        }

        return text.ToString();
    }

    private static string MarkdownCell(QuicMigrationResult cell, string folder)
    {
        var text = $"**{cell.Outcome}**";
        if (cell.Verdicts.Count > 0)
        {
            text += " " + string.Join(", ", cell.Verdicts);
        }

        return Link(cell, folder) is { Length: > 0 } link ? $"{text} ([timeline]({link}))" : text;
    }

    private static string Summary(IReadOnlyList<QuicMigrationResult> results) =>
        string.Join(", ", Enum.GetValues<QuicOutcome>().Select(o => (o, results.Count(r => r.OutcomeKind == o))).Where(x => x.Item2 > 0).Select(x => $"{x.Item2} {x.o}")) + ".";

    /// <summary>The HTML report: a table per scenario, cells coloured by outcome with their reason as a tooltip.</summary>
    public static string Html(IReadOnlyList<QuicMigrationResult> results, IReadOnlyList<string> servers, IReadOnlyList<string> clients, string folder)
    {
        static string E(string text) => WebUtility.HtmlEncode(text);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>QUIC migration matrix</title>\n<style>")
            .Append("body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}th,td{border:1px solid #999;padding:.4em .8em;vertical-align:top}")
            .Append("td.Passed{background:#c8f0c8}td.Failed{background:#f6c4c4}td.Unsupported{background:#e4e4e4}td.Error{background:#f8e0a0}small{display:block;max-width:28em}")
            .Append("</style></head><body>\n<h1>QUIC migration matrix</h1>\n<p>Rows are servers, columns clients. ").Append(E(Summary(results))).Append("</p>\n");
        foreach (var (title, cells) in Tables(results))
        {
            html.Append("<h2>").Append(E(title)).Append("</h2>\n<table><tr><th>server \\ client</th>");
            foreach (var client in clients)
            {
                html.Append("<th>").Append(E(client)).Append("</th>");
            }

            html.Append("</tr>\n");
            foreach (var server in servers)
            {
                html.Append("<tr><th>").Append(E(server)).Append("</th>");
                foreach (var client in clients)
                {
                    if (cells.FirstOrDefault(c => c.Server == server && c.Client == client) is not { } cell)
                    {
                        html.Append("<td></td>");
                        continue;
                    }

                    html.Append("<td class=\"").Append(cell.Outcome).Append("\" title=\"").Append(E(cell.Reason)).Append("\"><b>").Append(cell.Outcome).Append("</b>");
                    if (cell.Verdicts.Count > 0)
                    {
                        html.Append("<br>").Append(E(string.Join(", ", cell.Verdicts)));
                    }

                    if (Link(cell, folder) is { Length: > 0 } link)
                    {
                        html.Append("<br><a href=\"").Append(E(link)).Append("\">timeline</a>");
                    }

                    html.Append("<small>").Append(E(cell.Reason)).Append("</small></td>");
                }

                html.Append("</tr>\n");
            }

            html.Append("</table>\n");
        }

        return html.Append("</body></html>\n").ToString();
    }
}
