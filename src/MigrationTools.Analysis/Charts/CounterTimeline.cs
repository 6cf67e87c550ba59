using System;
using System.Collections.Generic;
using System.Linq;

namespace MigrationTools.Analysis.Charts;

/// <summary>One reading of cumulative counters (e.g. echo requests that reached each namespace so far).</summary>
/// <param name="Seconds">When, from the start of the run.</param>
/// <param name="Values">Counter name = value; every reading carries every series.</param>
public sealed record CounterSample(double Seconds, IReadOnlyDictionary<string, long> Values);

/// <summary>A moment to mark on a timeline (a switch, a route change), with its label.</summary>
/// <param name="Seconds">When, from the start of the run.</param>
/// <param name="Label">What happened.</param>
public sealed record TimelineMark(double Seconds, string Label);

/// <summary>
/// Draws cumulative counters read over time as arrivals per interval, one line per series, with marked moments
/// as vertical lines: how a flow's packets move from one place to another across switches.
/// </summary>
public static class CounterTimeline
{
    private static readonly string[] Colors = { "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf" };

    /// <summary>The SVG drawing.</summary>
    /// <param name="title">The heading.</param>
    /// <param name="series">The counters to draw, in legend order.</param>
    /// <param name="samples">The readings, in time order (at least two).</param>
    /// <param name="marks">Moments to mark.</param>
    /// <param name="unit">What the counters count, for the axis (e.g. "echo requests").</param>
    public static string Render(string title, IReadOnlyList<string> series, IReadOnlyList<CounterSample> samples, IReadOnlyList<TimelineMark> marks, string unit)
    {
        if (series.Count == 0)
        {
            throw new ArgumentException("At least one series is needed.", nameof(series));
        }

        var ordered = samples.OrderBy(s => s.Seconds).ToArray();
        const double Left = 70, Right = 150, Top = 40, Bottom = 50, PlotWidth = 760, PlotHeight = 300;
        var svg = new SvgDocument(Left + PlotWidth + Right, Top + PlotHeight + Bottom, title);
        svg.Text(Left, 24, title, 15, bold: true);

        var rates = series.ToDictionary(s => s, s => Rates(ordered, s));
        var end = Math.Max(ordered.Length == 0 ? 1 : ordered[^1].Seconds, marks.Count == 0 ? 0 : marks.Max(m => m.Seconds));
        end = end <= 0 ? 1 : end;
        var peak = Math.Max(1, rates.Values.SelectMany(r => r).Select(p => p.PerSecond).DefaultIfEmpty(0).Max());
        double X(double seconds) => Left + (seconds / end * PlotWidth);
        double Y(double perSecond) => Top + PlotHeight - (perSecond / peak * PlotHeight);

        // Axes and grid.
        svg.Rect(Left, Top, PlotWidth, PlotHeight, "#fafafa", "#999");
        foreach (var tick in Ticks(end))
        {
            svg.Line(X(tick), Top + PlotHeight, X(tick), Top + PlotHeight + 4, "#666");
            svg.Text(X(tick), Top + PlotHeight + 16, $"{tick:0.##} s", 10, "#444", "middle");
        }

        foreach (var tick in Ticks(peak))
        {
            svg.Line(Left, Y(tick), Left + PlotWidth, Y(tick), "#e4e4e4");
            svg.Text(Left - 6, Y(tick) + 4, $"{tick:0.##}", 10, "#444", "end");
        }

        svg.Text(Left + (PlotWidth / 2), Top + PlotHeight + 38, "time since start", 11, "#444", "middle");
        svg.Text(18, Top + (PlotHeight / 2), unit + " per second", 11, "#444", "middle", rotate: -90);

        // Marks first, so the lines stay on top.
        foreach (var mark in marks)
        {
            svg.Line(X(mark.Seconds), Top, X(mark.Seconds), Top + PlotHeight, "#888", 1, "4 3", $"{mark.Label} at {mark.Seconds:0.###} s");
        }

        for (var i = 0; i < series.Count; i++)
        {
            var color = Colors[i % Colors.Length];
            var points = rates[series[i]].SelectMany(r => new[] { (X(r.From), Y(r.PerSecond)), (X(r.To), Y(r.PerSecond)) });
            svg.Polyline(points, color, 2);
            var total = ordered.Length == 0 ? 0 : Value(ordered[^1], series[i]) - Value(ordered[0], series[i]);
            svg.Rect(Left + PlotWidth + 16, Top + 10 + (i * 22), 14, 4, color);
            svg.Text(Left + PlotWidth + 36, Top + 16 + (i * 22), $"{series[i]} ({total})", 11);
        }

        var legendY = Top + 16 + (series.Count * 22) + 10;
        if (marks.Count > 0)
        {
            svg.Line(Left + PlotWidth + 16, legendY - 4, Left + PlotWidth + 30, legendY - 4, "#888", 1, "4 3");
            svg.Text(Left + PlotWidth + 36, legendY, $"{marks.Count} switch{(marks.Count == 1 ? string.Empty : "es")}", 11);
        }

        return svg.ToString();
    }

    /// <summary>
    /// The per-second rate of one counter in equal bins over the run (about 100 of them, never narrower than two
    /// reading intervals), from the cumulative count interpolated between readings: irregular readings do not
    /// show as spikes.
    /// </summary>
    internal static IReadOnlyList<(double From, double To, double PerSecond)> Rates(IReadOnlyList<CounterSample> ordered, string series)
    {
        var result = new List<(double, double, double)>();
        if (ordered.Count < 2 || ordered[^1].Seconds <= ordered[0].Seconds)
        {
            return result;
        }

        var start = ordered[0].Seconds;
        var end = ordered[^1].Seconds;
        var spacing = (end - start) / (ordered.Count - 1);
        var width = Math.Max((end - start) / 100, 2 * spacing);
        for (var from = start; from < end - 1e-9; from += width)
        {
            var to = Math.Min(end, from + width);
            result.Add((from, to, Math.Max(0, CountAt(ordered, series, to) - CountAt(ordered, series, from)) / (to - from)));
        }

        return result;
    }

    /// <summary>The cumulative count at a moment, interpolated linearly between the readings around it.</summary>
    internal static double CountAt(IReadOnlyList<CounterSample> ordered, string series, double seconds)
    {
        if (seconds <= ordered[0].Seconds)
        {
            return Value(ordered[0], series);
        }

        for (var i = 1; i < ordered.Count; i++)
        {
            if (seconds <= ordered[i].Seconds)
            {
                var (a, b) = (ordered[i - 1], ordered[i]);
                var span = b.Seconds - a.Seconds;
                return span <= 0 ? Value(b, series) : Value(a, series) + ((Value(b, series) - Value(a, series)) * (seconds - a.Seconds) / span);
            }
        }

        return Value(ordered[^1], series);
    }

    /// <summary>About five round tick values from 0 to <paramref name="max"/>.</summary>
    internal static IEnumerable<double> Ticks(double max)
    {
        var raw = max / 5;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1, 2, 5, 10 }.Select(m => m * magnitude).First(s => s >= raw);
        for (var tick = 0.0; tick <= max + (step / 1000); tick += step)
        {
            yield return Math.Round(tick, 6);
        }
    }

    private static long Value(CounterSample sample, string series) => sample.Values.TryGetValue(series, out var v) ? v : 0;
}
