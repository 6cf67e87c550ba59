using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using MigrationTools.Engine.Namespaces;

namespace MigrationTools.Engine.Statistics;

/// <summary>
/// Reads a namespace's SNMP and netstat counters through /proc/thread-self/net from a thread inside the
/// namespace (/proc/self/net would show the namespace of the process, not of the thread).
/// </summary>
internal static class CounterReader
{
    /// <summary>All counters of a namespace.</summary>
    public static IReadOnlyList<NetNsCounter> Read(string @namespace)
    {
        NetNsLookup.EnsureExists(@namespace);
        var (snmp, snmp6, netstat) = NamespaceThread.Run(@namespace, () => (
            ReadOrEmpty("/proc/thread-self/net/snmp"),
            ReadOrEmpty("/proc/thread-self/net/snmp6"),
            ReadOrEmpty("/proc/thread-self/net/netstat")));
        var result = new List<NetNsCounter>();
        ParseTables(@namespace, snmp, result);
        ParseTables(@namespace, netstat, result);
        ParseFlat(@namespace, snmp6, result);
        return result;
    }

    /// <summary>
    /// The counter names of a namespace (of this process's namespace when <paramref name="namespace"/> is null:
    /// every namespace has the same ones).
    /// </summary>
    public static IReadOnlyList<string> Names(string? @namespace)
    {
        IReadOnlyList<NetNsCounter> counters;
        if (@namespace is null)
        {
            var result = new List<NetNsCounter>();
            ParseTables(string.Empty, ReadOrEmpty("/proc/self/net/snmp"), result);
            ParseTables(string.Empty, ReadOrEmpty("/proc/self/net/netstat"), result);
            ParseFlat(string.Empty, ReadOrEmpty("/proc/self/net/snmp6"), result);
            counters = result;
        }
        else
        {
            counters = Read(@namespace);
        }

        return counters.Select(c => c.Name).ToArray();
    }

    /// <summary>Parses the two-line header/value tables of /proc/net/snmp and netstat ("Icmp: InMsgs ..." then "Icmp: 1 ...").</summary>
    internal static void ParseTables(string @namespace, string text, List<NetNsCounter> into)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i + 1 < lines.Length; i += 2)
        {
            var names = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var values = lines[i + 1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (names.Length != values.Length || names.Length == 0 || names[0] != values[0])
            {
                continue;
            }

            var group = names[0].TrimEnd(':');
            for (var j = 1; j < names.Length; j++)
            {
                if (long.TryParse(values[j], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
                {
                    into.Add(new NetNsCounter(@namespace, group + names[j], value));
                }
            }
        }
    }

    /// <summary>Parses the "Name value" lines of /proc/net/snmp6.</summary>
    internal static void ParseFlat(string @namespace, string text, List<NetNsCounter> into)
    {
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                into.Add(new NetNsCounter(@namespace, parts[0], value));
            }
        }
    }

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }
}
