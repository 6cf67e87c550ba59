using System;
using System.Globalization;
using System.Security;
using System.Text;

namespace MigrationTools.Analysis.Charts;

/// <summary>
/// A small writer of self-contained SVG: no scripts, no external fonts or images, so a file opens the same in a
/// browser, in an editor's preview and on paper. Coordinates are written with the invariant culture.
/// </summary>
internal sealed class SvgDocument
{
    private readonly StringBuilder _body = new();

    /// <summary>A drawing of the given size in pixels, titled for screen readers and file browsers.</summary>
    public SvgDocument(double width, double height, string title)
    {
        Width = width;
        Height = height;
        Title = title;
    }

    /// <summary>Width in pixels.</summary>
    public double Width { get; }

    /// <summary>Height in pixels.</summary>
    public double Height { get; }

    /// <summary>The drawing's title.</summary>
    public string Title { get; }

    /// <summary>Formats a coordinate or length (at most two decimals, invariant culture).</summary>
    public static string N(double value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>Escapes text for an SVG text node or attribute.</summary>
    public static string Escape(string text) => SecurityElement.Escape(text) ?? string.Empty;

    /// <summary>A line.</summary>
    public SvgDocument Line(double x1, double y1, double x2, double y2, string stroke, double width = 1, string? dash = null, string? tooltip = null) =>
        Element($"<line x1=\"{N(x1)}\" y1=\"{N(y1)}\" x2=\"{N(x2)}\" y2=\"{N(y2)}\" stroke=\"{stroke}\" stroke-width=\"{N(width)}\"{Dash(dash)}", tooltip);

    /// <summary>A rectangle.</summary>
    public SvgDocument Rect(double x, double y, double width, double height, string fill, string? stroke = null, double opacity = 1, string? tooltip = null) =>
        Element($"<rect x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(Math.Max(0, width))}\" height=\"{N(Math.Max(0, height))}\" fill=\"{fill}\"" +
            (stroke is null ? string.Empty : $" stroke=\"{stroke}\"") + (opacity < 1 ? $" fill-opacity=\"{N(opacity)}\"" : string.Empty), tooltip);

    /// <summary>A circle.</summary>
    public SvgDocument Circle(double cx, double cy, double r, string fill, string? tooltip = null) =>
        Element($"<circle cx=\"{N(cx)}\" cy=\"{N(cy)}\" r=\"{N(r)}\" fill=\"{fill}\"", tooltip);

    /// <summary>A polyline through the points.</summary>
    public SvgDocument Polyline(System.Collections.Generic.IEnumerable<(double X, double Y)> points, string stroke, double width = 1.5)
    {
        var text = new StringBuilder();
        foreach (var (x, y) in points)
        {
            text.Append(N(x)).Append(',').Append(N(y)).Append(' ');
        }

        return Element($"<polyline points=\"{text.ToString().TrimEnd()}\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"{N(width)}\" stroke-linejoin=\"round\"", null);
    }

    /// <summary>An arrow from one point to another (a line with a head drawn as a small triangle).</summary>
    public SvgDocument Arrow(double x1, double y1, double x2, double y2, string stroke, double width = 1.2, string? dash = null, string? tooltip = null)
    {
        Line(x1, y1, x2, y2, stroke, width, dash, tooltip);
        var angle = Math.Atan2(y2 - y1, x2 - x1);
        const double Size = 7;
        var (ax, ay) = (x2 - (Size * Math.Cos(angle - 0.4)), y2 - (Size * Math.Sin(angle - 0.4)));
        var (bx, by) = (x2 - (Size * Math.Cos(angle + 0.4)), y2 - (Size * Math.Sin(angle + 0.4)));
        return Element($"<polygon points=\"{N(x2)},{N(y2)} {N(ax)},{N(ay)} {N(bx)},{N(by)}\" fill=\"{stroke}\"", null);
    }

    /// <summary>Text; <paramref name="anchor"/> is start, middle or end.</summary>
    public SvgDocument Text(double x, double y, string text, double size = 11, string fill = "#222", string anchor = "start", bool bold = false, double rotate = 0)
    {
        var transform = rotate == 0 ? string.Empty : $" transform=\"rotate({N(rotate)} {N(x)} {N(y)})\"";
        _body.Append($"<text x=\"{N(x)}\" y=\"{N(y)}\" font-size=\"{N(size)}\" fill=\"{fill}\" text-anchor=\"{anchor}\"")
            .Append(bold ? " font-weight=\"bold\"" : string.Empty).Append(transform).Append('>')
            .Append(Escape(text)).Append("</text>\n");
        return this;
    }

    /// <summary>The whole document.</summary>
    public override string ToString()
    {
        var svg = new StringBuilder();
        svg.Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
            .Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{N(Width)}\" height=\"{N(Height)}\" viewBox=\"0 0 {N(Width)} {N(Height)}\" font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\">\n")
            .Append("<title>").Append(Escape(Title)).Append("</title>\n")
            .Append($"<rect x=\"0\" y=\"0\" width=\"{N(Width)}\" height=\"{N(Height)}\" fill=\"#ffffff\"/>\n")
            .Append(_body)
            .Append("</svg>\n");
        return svg.ToString();
    }

    private static string Dash(string? dash) => dash is null ? string.Empty : $" stroke-dasharray=\"{dash}\"";

    private SvgDocument Element(string open, string? tooltip)
    {
        _body.Append(open);
        _body.Append(tooltip is null ? "/>\n" : $"><title>{Escape(tooltip)}</title></{open[1..open.IndexOf(' ')]}>\n");
        return this;
    }
}
