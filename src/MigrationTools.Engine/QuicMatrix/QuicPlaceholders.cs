using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace MigrationTools.Engine.QuicMatrix;

/// <summary>The placeholders of implementation files, <c>{Name}</c>, and their replacement.</summary>
internal static partial class QuicPlaceholders
{
    /// <summary>Every placeholder a file may use.</summary>
    public static readonly IReadOnlyList<string> Known = new[]
    {
        "ServerAddress", "Port", "Url", "FileName", "CertificateFile", "KeyFile", "KeyLogFile", "QlogDirectory", "WwwDirectory",
        "DownloadDirectory", "LogDirectory", "BuildDirectory", "MigrateAfterMs", "PreferredAddress",
    };

    [GeneratedRegex(@"\{([A-Za-z]+)\}")]
    private static partial Regex Pattern();

    /// <summary>The first placeholder in <paramref name="text"/> that is not known, or null.</summary>
    public static string? Unknown(string text) =>
        Pattern().Matches(text).Select(m => m.Groups[1].Value).FirstOrDefault(name => !Known.Contains(name, StringComparer.Ordinal));

    /// <summary><paramref name="text"/> with each placeholder replaced by its value in <paramref name="values"/> (one missing there stays as it is).</summary>
    public static string Expand(string text, IReadOnlyDictionary<string, string> values) =>
        Pattern().Replace(text, m => values.TryGetValue(m.Groups[1].Value, out var value) ? value : m.Value);
}
