using System;
using System.Collections.Generic;
using System.Linq;

namespace MigrationTools.Engine.Validation;

/// <summary>The known names closest to one that matched nothing (a typo), for an error that says what was meant.</summary>
internal static class NameSuggestions
{
    /// <summary>
    /// Up to <paramref name="count"/> of <paramref name="names"/>: those that start with <paramref name="wanted"/> or
    /// contain it first, then those within a third of its length in edits (case ignored), closest first.
    /// </summary>
    internal static IReadOnlyList<string> Closest(string wanted, IEnumerable<string> names, int count = 3)
    {
        var limit = Math.Max(2, wanted.Length / 3);
        return names
            .Select(n => (Name: n, Rank: n.StartsWith(wanted, StringComparison.OrdinalIgnoreCase) ? 0 : n.Contains(wanted, StringComparison.OrdinalIgnoreCase) ? 1 : 2,
                Distance: Distance(wanted.ToUpperInvariant(), n.ToUpperInvariant())))
            .Where(c => c.Rank < 2 || c.Distance <= limit)
            .OrderBy(c => c.Rank).ThenBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal)
            .Take(count)
            .Select(c => c.Name)
            .ToArray();
    }

    /// <summary>Levenshtein distance: insertions, deletions and substitutions.</summary>
    internal static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
