using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using MigrationTools.Core.Errors;

namespace MigrationTools.Engine.Validation;

/// <summary>
/// Reads values out of a PowerShell data file's hashtables (as Import-PowerShellDataFile gives them) with their key
/// paths, such as <c>Links[1].Endpoints</c>: keys are matched without regard to case, and every problem is the error
/// the file's kind makes (<c>LabFileInvalid</c>, <c>QuicImplementationInvalid</c>), naming the key path.
/// </summary>
internal class DataReader(Func<string, string, MigrationToolsException> fail)
{
    /// <summary>The error for <paramref name="problem"/> at key path <paramref name="path"/>.</summary>
    public MigrationToolsException Fail(string path, string problem) => fail(path, problem);

    protected static string At(string parent, string key) => parent.Length == 0 ? key : $"{parent}.{key}";

    /// <summary>True when <paramref name="data"/> has <paramref name="key"/> (without regard to case), whatever its value.</summary>
    public static bool Has(IDictionary data, string key) => TryGet(data, key, out _);

    protected static bool TryGet(IDictionary data, string key, out object? value)
    {
        foreach (DictionaryEntry entry in data)
        {
            if (string.Equals(entry.Key?.ToString(), key, StringComparison.OrdinalIgnoreCase))
            {
                value = entry.Value;
                return true;
            }
        }

        value = null;
        return false;
    }

    public void KnownKeys(IDictionary data, string[] known, string path)
    {
        foreach (DictionaryEntry entry in data)
        {
            var key = entry.Key?.ToString() ?? string.Empty;
            if (!known.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                throw Fail(At(path, key), $"unknown key; the keys here are {string.Join(", ", known)}");
            }
        }
    }

    public IDictionary? Dictionary(IDictionary data, string key, string path) =>
        !TryGet(data, key, out var value) || value is null ? null : value as IDictionary ?? throw Fail(At(path, key), "expected a hashtable (@{ ... })");

    public string? OptionalString(IDictionary data, string key, string path) =>
        !TryGet(data, key, out var value) || value is null ? null : value as string ?? throw Fail(At(path, key), "expected a string");

    public string RequiredString(IDictionary data, string key, string path) =>
        OptionalString(data, key, path) is { Length: > 0 } text ? text : throw Fail(At(path, key), "a value is needed");

    public bool? OptionalBool(IDictionary data, string key, string path) =>
        !TryGet(data, key, out var value) || value is null ? null : value as bool? ?? throw Fail(At(path, key), "expected $true or $false");

    public int? OptionalInt(IDictionary data, string key, string path, int minimum, int maximum)
    {
        if (!TryGet(data, key, out var value) || value is null)
        {
            return null;
        }

        var number = value switch
        {
            int i => (long)i,
            long l => l,
            byte b => b,
            short s => s,
            _ => throw Fail(At(path, key), "expected a whole number"),
        };
        return number < minimum || number > maximum ? throw Fail(At(path, key), $"{number} is out of range ({minimum} to {maximum})") : (int)number;
    }

    /// <summary>A string or an array of strings.</summary>
    public IReadOnlyList<string> StringList(IDictionary data, string key, string path)
    {
        if (!TryGet(data, key, out var value) || value is null)
        {
            throw Fail(At(path, key), "a value is needed");
        }

        return Strings(value, At(path, key));
    }

    protected IReadOnlyList<string> Strings(object value, string path) => value switch
    {
        string text => new[] { text },
        IEnumerable items and not IDictionary => items.Cast<object?>().Select((item, i) => item as string ?? throw Fail($"{path}[{i}]", "expected a string")).ToArray(),
        _ => throw Fail(path, "expected a string or an array of strings"),
    };

    /// <summary>The items of an array of hashtables, with their paths.</summary>
    public IEnumerable<(IDictionary Item, string Path)> Items(IDictionary data, string key, string path)
    {
        if (!TryGet(data, key, out var value) || value is null)
        {
            yield break;
        }

        var list = value is IDictionary single ? new object?[] { single } : value as IEnumerable is { } items and not string ? items.Cast<object?>().ToArray() : throw Fail(At(path, key), "expected an array of hashtables");
        for (var i = 0; i < list.Length; i++)
        {
            yield return (list[i] as IDictionary ?? throw Fail($"{At(path, key)}[{i}]", "expected a hashtable (@{ ... })"), $"{At(path, key)}[{i}]");
        }
    }
}
