using System;
using System.Collections;

namespace MigrationTools.Engine.Tests;

/// <summary>Data as a PowerShell data file yields it: hashtables (keys without case) and arrays, written briefly.</summary>
internal static class DataTables
{
    /// <summary>A hashtable of the entries.</summary>
    public static Hashtable H(params (string Key, object? Value)[] entries)
    {
        var table = new Hashtable(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in entries)
        {
            table[key] = value;
        }

        return table;
    }

    /// <summary>An array of the items.</summary>
    public static object[] A(params object?[] items) => items!;
}
