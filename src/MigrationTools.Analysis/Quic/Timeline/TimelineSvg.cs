using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using MigrationTools.Analysis.Charts;

namespace MigrationTools.Analysis.Quic;

/// <summary>
/// Draws a watch as a self-contained SVG sequence diagram, one section per connection: the client's lane on the
/// left and the server's on the right with time running down; one colour per path (client address and the server
/// address it sends to), listed with the server addresses its answers really came from; a density strip per path
/// (packets per time slice, binned, so a long capture still gives a small file); an arrow for every PATH_CHALLENGE
/// (solid) and PATH_RESPONSE (dashed) with its data and datagram size; and every verdict (red), migration and
/// validation marked where it happened with its name.
/// </summary>
internal static class TimelineSvg
{
    private static readonly string[] PathColors = { "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b" };
    private const double Width = 1120, ClientX = 260, ServerX = 820, DensityX = 70, DensityWidth = 16, LabelGap = 18;

    /// <summary>The picture of everything <paramref name="recorder"/> collected.</summary>
    internal static string Render(TimelineRecorder recorder, string title)
    {
        var sections = recorder.Connections.Where(c => c.Last >= c.First).ToList();
        var heights = sections.Select(SectionHeight).ToList();
        var legendHeight = 86.0;
        var svg = new SvgDocument(Width, legendHeight + heights.Sum() + 20, title);
        svg.Text(20, 26, title, 15, bold: true);
        DrawLegend(svg, 44);
        var top = legendHeight;
        for (var i = 0; i < sections.Count; i++)
        {
            DrawConnection(svg, sections[i], top);
            top += heights[i];
        }

        if (sections.Count == 0)
        {
            svg.Text(20, legendHeight + 10, "No QUIC connection was followed in this watch.", 12);
        }

        return svg.ToString();
    }

    private const double TimeHeight = 360;

    private static double SectionHeight(ConnectionTimeline c) => 88 + (c.Paths.Count * 16) + LaneLength(c) + 24;

    /// <summary>The lanes' length: the time scale, or further when labels stacked after the last moment need it.</summary>
    private static double LaneLength(ConnectionTimeline c) => Math.Max(TimeHeight, Layout(c).Select(i => i.Offset).DefaultIfEmpty(0).Max() + LabelGap);

    /// <summary>
    /// The arrows and marks in time order with their offsets below the top of the lanes: each at its time, or just
    /// below the previous one when they would overlap.
    /// </summary>
    private static List<(double Offset, ProbeArrow? Probe, QuicProbeEvent? Event)> Layout(ConnectionTimeline c)
    {
        var duration = Math.Max(1, c.Last - c.First);
        var items = c.Probes.Select(p => (Micros: p.Micros, Probe: (ProbeArrow?)p, Event: (QuicProbeEvent?)null))
            .Concat(c.Events.Where(Marked).Select(e => (Micros: (e.Time - DateTime.UnixEpoch).Ticks / 10, Probe: (ProbeArrow?)null, Event: (QuicProbeEvent?)e)))
            .OrderBy(i => i.Micros).ToList();
        var placed = new List<(double, ProbeArrow?, QuicProbeEvent?)>();
        var last = double.MinValue;
        foreach (var item in items)
        {
            var at = Math.Max(Math.Clamp((item.Micros - c.First) / (double)duration, 0, 1) * TimeHeight, last + LabelGap);
            last = at;
            placed.Add((at, item.Probe, item.Event));
        }

        return placed;
    }

    private static bool Marked(QuicProbeEvent e) => e.IsVerdict || e.Kind is QuicProbeEventKind.Migration or QuicProbeEventKind.PathValidated or QuicProbeEventKind.PathAbandoned;

    private static void DrawLegend(SvgDocument svg, double y)
    {
        svg.Line(20, y, 60, y, "#333", 1.5).Text(66, y + 4, "PATH_CHALLENGE (data, datagram bytes)", 11);
        svg.Line(330, y, 370, y, "#333", 1.5, "5 3").Text(376, y + 4, "PATH_RESPONSE", 11);
        svg.Rect(500, y - 6, 10, 12, PathColors[0], opacity: 0.7).Text(516, y + 4, "packets per time slice, one strip and colour per path", 11);
        svg.Text(20, y + 24, "✖ verdict (a failure the packets prove or suggest)", 11, "#c0392b");
        svg.Text(330, y + 24, "● migration, validation, path given up", 11, "#555");
        svg.Text(620, y + 24, "Time runs down; client on the left, server on the right.", 11, "#555");
    }

    private static void DrawConnection(SvgDocument svg, ConnectionTimeline c, double top)
    {
        var duration = Math.Max(1, c.Last - c.First);
        var start = DateTime.UnixEpoch.AddTicks(c.First * 10);
        svg.Line(20, top + 4, Width - 20, top + 4, "#bbb");
        svg.Text(20, top + 24, $"Connection {c.Id}: from {start:yyyy-MM-dd HH:mm:ss.fff} UTC, {duration / 1e6:0.000} s, {c.Paths.Sum(p => p.Bins.Values.Sum())} packets", 13, bold: true);
        var y = top + 44;
        foreach (var path in c.Paths)
        {
            var color = PathColors[path.Index % PathColors.Length];
            var foreign = path.ServerSources.Where(s => s != path.Server).ToList();
            svg.Rect(20, y - 9, 12, 12, color);
            svg.Text(38, y + 1, $"path {path.Index + 1}: client {path.Client} ↔ server {path.Server}; server packets from {(path.ServerSources.Count == 0 ? "none" : string.Join(", ", path.ServerSources))}",
                11, foreign.Count > 0 ? "#c0392b" : "#222");
            y += 16;
        }

        var laneTop = y + 28;
        var laneBottom = laneTop + LaneLength(c);
        svg.Text(ClientX, laneTop - 10, "client", 12, anchor: "middle", bold: true);
        svg.Text(ServerX, laneTop - 10, "server", 12, anchor: "middle", bold: true);
        svg.Line(ClientX, laneTop, ClientX, laneBottom, "#444", 2);
        svg.Line(ServerX, laneTop, ServerX, laneBottom, "#444", 2);
        DrawTimeAxis(svg, duration, laneTop, laneTop + TimeHeight);
        DrawDensity(svg, c, laneTop, laneTop + TimeHeight);

        foreach (var (offset, probe, e) in Layout(c))
        {
            var at = laneTop + offset;
            if (probe is not null)
            {
                var color = PathColors[probe.Path.Index % PathColors.Length];
                var (from, to) = probe.Sender == Side.Client ? (ClientX, ServerX) : (ServerX, ClientX);
                svg.Arrow(from, at, to, at + 6, color, 1.4, probe.IsChallenge ? null : "5 3",
                    $"{(probe.IsChallenge ? "PATH_CHALLENGE" : "PATH_RESPONSE")} {probe.Data} from {probe.Source} to {probe.Destination}, {probe.DatagramLength} bytes, at {(probe.Micros - c.First) / 1e6:0.000000} s");
                svg.Text((ClientX + ServerX) / 2, at - 2, $"{(probe.IsChallenge ? "CHALLENGE" : "RESPONSE")} {probe.Data} ({probe.DatagramLength} B) {probe.Source} → {probe.Destination}", 9.5, color, "middle");
            }
            else if (e is not null)
            {
                var verdict = e.IsVerdict;
                var color = verdict ? "#c0392b" : "#555";
                svg.Line(ClientX, at, ServerX, at, color, verdict ? 1.2 : 0.8, "2 3");
                // A Migration is labelled by the side that moved (the server, to its preferred address), other events by their sender.
                var side = e.Moved ?? e.Sender;
                svg.Text(ServerX + 12, at + 4, $"{(verdict ? "✖" : "●")} {e.KindName} {(side.Length > 0 ? "(" + side.ToLowerInvariant() + ")" : string.Empty)}", 10.5, color, bold: verdict);
            }
        }
    }

    private static void DrawTimeAxis(SvgDocument svg, long duration, double laneTop, double laneBottom)
    {
        foreach (var tick in CounterTimeline.Ticks(duration / 1e6))
        {
            var y = laneTop + (tick * 1e6 / duration * (laneBottom - laneTop));
            svg.Line(DensityX - 8, y, DensityX - 2, y, "#888");
            svg.Text(DensityX - 12, y + 3, tick.ToString("0.###", CultureInfo.InvariantCulture) + " s", 9, "#555", "end");
        }
    }

    private static void DrawDensity(SvgDocument svg, ConnectionTimeline c, double laneTop, double laneBottom)
    {
        const double RowHeight = 3;
        var rows = Math.Max(1, (int)((laneBottom - laneTop) / RowHeight));
        var duration = Math.Max(1, c.Last - c.First);
        var counts = c.Paths.Select(p =>
        {
            var perRow = new int[rows];
            foreach (var (bin, count) in p.Bins)
            {
                var row = (int)Math.Clamp(((bin * TimelineRecorder.BinMicros) - c.First) / (double)duration * rows, 0, rows - 1);
                perRow[row] += count;
            }

            return perRow;
        }).ToList();
        var max = Math.Max(1, counts.SelectMany(r => r).DefaultIfEmpty(0).Max());
        for (var p = 0; p < c.Paths.Count; p++)
        {
            var x = DensityX + (p * (DensityWidth + 4));
            var color = PathColors[c.Paths[p].Index % PathColors.Length];
            svg.Rect(x, laneTop, DensityWidth, laneBottom - laneTop, "#f4f4f4");
            for (var r = 0; r < rows; r++)
            {
                if (counts[p][r] > 0)
                {
                    svg.Rect(x, laneTop + (r * RowHeight), DensityWidth, RowHeight, color, opacity: 0.15 + (0.85 * counts[p][r] / max));
                }
            }

            svg.Text(x + (DensityWidth / 2), laneTop - 10, (p + 1).ToString(CultureInfo.InvariantCulture), 10, color, "middle", bold: true);
        }
    }
}
