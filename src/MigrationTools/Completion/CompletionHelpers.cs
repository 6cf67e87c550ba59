using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace MigrationTools.Completion;

/// <summary>What every completer shares: prefix matching, quoting, the namespace already typed, and never throwing.</summary>
internal static class CompletionHelpers
{
    private static readonly char[] NeedsQuotes = { ' ', '$', '\'', '"', '`', '(', ')', '{', '}', ';', ',', '@', '#' };

    /// <summary>The candidates that start with the word typed so far (case-insensitive), quoted where PowerShell needs it.</summary>
    internal static IEnumerable<CompletionResult> Complete(IEnumerable<string> candidates, string? wordToComplete, string description)
    {
        var pattern = new WildcardPattern(WildcardPattern.Escape((wordToComplete ?? string.Empty).Trim('\'', '"')) + "*", WildcardOptions.IgnoreCase);
        foreach (var candidate in candidates)
        {
            if (pattern.IsMatch(candidate))
            {
                var text = candidate.IndexOfAny(NeedsQuotes) >= 0 ? "'" + candidate.Replace("'", "''") + "'" : candidate;
                yield return new CompletionResult(text, candidate, CompletionResultType.ParameterValue, $"{candidate} ({description})");
            }
        }
    }

    /// <summary>
    /// The one existing namespace the command line names so far (-Namespace, or its alias -Name on cmdlets whose
    /// noun is the namespace), or null: completion inside a namespace needs exactly one.
    /// </summary>
    internal static string? Namespace(IDictionary fakeBoundParameters, params string[] parameterNames)
    {
        foreach (var parameter in parameterNames.Length == 0 ? new[] { "Namespace" } : parameterNames)
        {
            var value = fakeBoundParameters[parameter];
            var name = value switch
            {
                string text => text,
                IEnumerable many => many.Cast<object?>().Take(2).ToArray() is { Length: 1 } one ? one[0]?.ToString() : null,
                _ => value?.ToString(),
            };
            if (!string.IsNullOrEmpty(name) && !WildcardPattern.ContainsWildcardCharacters(name) && Engine.Namespaces.NetNsLookup.Exists(name))
            {
                return name;
            }
        }

        return null;
    }

    /// <summary>Runs a completer's lookup; a failure (a namespace removed meanwhile, no permission) completes nothing.</summary>
    internal static IEnumerable<CompletionResult> Safely(Func<IEnumerable<CompletionResult>> lookup)
    {
        try
        {
            return lookup().ToArray();
        }
        catch (Exception)
        {
            // Completion must never throw at the user.
            return Enumerable.Empty<CompletionResult>();
        }
    }
}
