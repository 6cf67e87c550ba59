using System;
using System.IO;
using System.Linq;

namespace MigrationTools.Engine.Tests;

/// <summary>
/// Compares an output with its reviewed copy under Data/. On a difference it writes what it got under the temporary
/// directory, for a reviewer to read and, once it is right, to copy over the reviewed one.
/// </summary>
internal static class ReviewedCopy
{
    /// <summary>Null when <paramref name="actual"/> equals Data/<paramref name="relativePath"/>, else the first line that differs and where the output was written.</summary>
    public static string? Difference(string relativePath, string actual)
    {
        var expectedPath = Path.Combine(AppContext.BaseDirectory, "Data", relativePath);
        var expected = File.Exists(expectedPath) ? File.ReadAllText(expectedPath) : string.Empty;
        if (expected == actual)
        {
            return null;
        }

        var received = Path.Combine(Path.GetTempPath(), "migrationtools-received", relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(received)!);
        File.WriteAllText(received, actual);
        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        var first = Enumerable.Range(0, Math.Max(expectedLines.Length, actualLines.Length))
            .First(i => i >= expectedLines.Length || i >= actualLines.Length || expectedLines[i] != actualLines[i]);
        return $"{relativePath}: line {first + 1} differs\n  expected: {At(expectedLines, first)}\n  actual:   {At(actualLines, first)}\n(the whole output is in {received})";
    }

    private static string At(string[] lines, int index) => index < lines.Length ? lines[index] : "(end)";
}
