using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using MigrationTools.Core.Errors;
using MigrationTools.Core.Files;
using MigrationTools.Core.Reporting;

namespace MigrationTools.Engine.State;

/// <summary>
/// How the module's state files are written and read: JSON, written to a temporary file and renamed over the old one
/// (a reader sees the old file or the new one, never half of one; a crash leaves at most a stray temporary file),
/// read with one error policy: a file that cannot be read or parsed is skipped with a warning naming it.
/// </summary>
internal static class StateFiles
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = false };

    /// <summary>Writes <paramref name="value"/> as JSON to <paramref name="path"/>, atomically.</summary>
    internal static void Write<T>(string path, T value) => WriteText(path, JsonSerializer.Serialize(value, Options));

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/>, atomically (temporary file and rename).</summary>
    internal static void WriteText(string path, string text)
    {
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        try
        {
            // Owner-only: lab definitions and the module's records are root's.
            using (var stream = new FileStream(temporary, OutputFiles.Options(FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, ownerOnly: true)))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(text);
                writer.Flush();
                stream.Flush(flushToDisk: false);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            FileCleanup.TryDelete(temporary);
            throw ErrorCatalog.StateWriteFailed($"Could not write the state file {path}: {ex.Message}", path, ex);
        }
    }

    /// <summary>Reads a JSON state file; null when it does not exist, and (with a warning) when it cannot be read.</summary>
    internal static T? Read<T>(string path) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), Options)
                ?? Unreadable<T>(path, "it is empty");
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            return Unreadable<T>(path, ex.Message);
        }
    }

    /// <summary>Every readable state file of <paramref name="directory"/> matching <paramref name="pattern"/>, in name order.</summary>
    internal static IEnumerable<(string Path, T Value)> ReadAll<T>(string directory, string pattern = "*.json") where T : class
    {
        foreach (var file in Files(directory, pattern))
        {
            if (Read<T>(file) is { } value)
            {
                yield return (file, value);
            }
        }
    }

    /// <summary>The state files of <paramref name="directory"/> matching <paramref name="pattern"/> (not the hidden ones), in name order.</summary>
    private static IEnumerable<string> Files(string directory, string pattern)
    {
        string[] files;
        try
        {
            files = Directory.Exists(directory) ? Directory.GetFiles(directory, pattern) : Array.Empty<string>();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            EngineOutput.Warning($"The state directory {directory} could not be read: {ex.Message}");
            return Array.Empty<string>();
        }

        return files.Where(f => !Path.GetFileName(f).StartsWith('.')).OrderBy(f => f, StringComparer.Ordinal);
    }

    private static T? Unreadable<T>(string path, string why) where T : class
    {
        EngineOutput.Warning($"The state file {path} cannot be read and is ignored: {why}");
        return null;
    }
}
