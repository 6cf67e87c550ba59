using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using MigrationTools.Core.Errors;
using MigrationTools.Core.Files;

namespace MigrationTools.Analysis.Quic;

/// <summary>
/// Reads PATH_CHALLENGE and PATH_RESPONSE data from qlog files: JSON-SEQ (.sqlog, as ngtcp2 writes) or JSON (.qlog),
/// with the draft event names (<c>transport:packet_sent</c>, as ngtcp2 and quic-go write) and the newer ones
/// (<c>quic:packet_sent</c>). A file without a single JSON record is not a qlog (<c>QlogUnreadable</c>); records that
/// do not parse are counted, not silently dropped.
/// </summary>
internal static class QlogReader
{
    /// <summary>The challenge and response data (hex) sent and received in the files.</summary>
    public static QlogPathFrames ReadPathFrames(IEnumerable<string> paths)
    {
        var challenges = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var responses = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var events = 0;
        var skipped = 0;
        foreach (var path in paths)
        {
            var parsed = 0;
            foreach (var record in Records(path))
            {
                if (record is null)
                {
                    skipped++;
                    continue;
                }

                JsonDocument document;
                try
                {
                    document = JsonDocument.Parse(record.Value);
                }
                catch (JsonException)
                {
                    skipped++;
                    continue;
                }

                using (document)
                {
                    parsed++;
                    Walk(document.RootElement, challenges, responses, ref events);
                }
            }

            if (parsed == 0)
            {
                throw ErrorCatalog.QlogUnreadable($"'{path}' is not a qlog file: no JSON or JSON-SEQ record in it.", path);
            }
        }

        return new QlogPathFrames(challenges, responses, events, skipped);
    }

    /// <summary>The longest JSON-SEQ record read; a longer one is counted as skipped, not kept.</summary>
    internal const int MaxRecordBytes = 16 * 1024 * 1024;

    /// <summary>
    /// The records of a qlog file, read as a stream: JSON-SEQ records one at a time (a null for each one longer than
    /// <see cref="MaxRecordBytes"/>), so a large trace costs the memory of its largest record; a plain JSON qlog is
    /// one record, of any size.
    /// </summary>
    private static IEnumerable<ReadOnlyMemory<byte>?> Records(string path)
    {
        if (FileKinds.NotRegular(path) is { } kind)
        {
            throw ErrorCatalog.QlogUnreadable($"'{path}' is {kind}, not a qlog file.", path);
        }

        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
        }
        catch (FileNotFoundException ex)
        {
            throw ErrorCatalog.Missing(ErrorIds.QlogUnreadable, $"The qlog file '{path}' does not exist.", path, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw ErrorCatalog.QlogUnreadable($"The qlog file '{path}' cannot be read: {ex.Message}", path, ex);
        }

        using (stream)
        {
            var record = new MemoryStream();
            var tooLong = false;
            // The bound is for JSON-SEQ records; a plain JSON qlog (no separator at all) is one document, read whole.
            var sequence = false;
            var buffer = new byte[1 << 16];
            int read;
            while ((read = Read(stream, buffer, path)) > 0)
            {
                var offset = 0;
                while (offset < read)
                {
                    var separator = Array.IndexOf(buffer, (byte)0x1e, offset, read - offset);
                    sequence |= separator >= 0;
                    var end = separator < 0 ? read : separator;
                    if (!tooLong && (!sequence || record.Length + (end - offset) <= MaxRecordBytes))
                    {
                        record.Write(buffer, offset, end - offset);
                    }
                    else
                    {
                        tooLong = true;
                        record.SetLength(0);
                    }

                    if (separator < 0)
                    {
                        break;
                    }

                    if (Finish(record, ref tooLong) is (true, var done))
                    {
                        yield return done;
                    }

                    offset = separator + 1;
                }
            }

            if (Finish(record, ref tooLong) is (true, var last))
            {
                yield return last;
            }
        }
    }

    /// <summary>The record gathered so far (null when it was too long); none when it is only whitespace.</summary>
    private static (bool Any, ReadOnlyMemory<byte>? Record) Finish(MemoryStream record, ref bool tooLong)
    {
        (bool, ReadOnlyMemory<byte>?) result;
        if (tooLong)
        {
            result = (true, null);
        }
        else
        {
            var bytes = record.ToArray();
            result = bytes.AsSpan().Trim(" \t\r\n"u8).IsEmpty ? (false, null) : (true, bytes);
        }

        record.SetLength(0);
        tooLong = false;
        return result;
    }

    private static int Read(FileStream stream, byte[] buffer, string path)
    {
        try
        {
            return stream.Read(buffer, 0, buffer.Length);
        }
        catch (IOException ex)
        {
            throw ErrorCatalog.QlogUnreadable($"The qlog file '{path}' cannot be read: {ex.Message}", path, ex);
        }
    }

    private static void Walk(JsonElement element, HashSet<string> challenges, HashSet<string> responses, ref int events)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                Walk(item, challenges, responses, ref events);
            }

            return;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (element.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String &&
            name.GetString() is "transport:packet_sent" or "transport:packet_received" or "quic:packet_sent" or "quic:packet_received")
        {
            events++;
        }

        if (element.TryGetProperty("frame_type", out var type) && type.ValueKind == JsonValueKind.String && element.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.String)
        {
            switch (type.GetString())
            {
                case "path_challenge": challenges.Add(data.GetString()!); break;
                case "path_response": responses.Add(data.GetString()!); break;
            }
        }

        foreach (var property in element.EnumerateObject())
        {
            if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
            {
                Walk(property.Value, challenges, responses, ref events);
            }
        }
    }
}
