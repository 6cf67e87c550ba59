using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace MigrationTools.Engine.Quic;

/// <summary>
/// Reads PATH_CHALLENGE and PATH_RESPONSE data from qlog files: JSON-SEQ (.sqlog, as ngtcp2 writes) or JSON (.qlog),
/// with the draft event names (<c>transport:packet_sent</c>, as ngtcp2 and quic-go write) and the newer ones
/// (<c>quic:packet_sent</c>).
/// </summary>
public static class QlogReader
{
    /// <summary>The challenge and response data (hex) sent and received in the files.</summary>
    public static (HashSet<string> Challenges, HashSet<string> Responses, int Events) ReadPathFrames(IEnumerable<string> paths)
    {
        var challenges = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var responses = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var events = 0;
        foreach (var path in paths)
        {
            foreach (var record in File.ReadAllText(path).Split('\u001e', StringSplitOptions.RemoveEmptyEntries))
            {
                JsonDocument document;
                try
                {
                    document = JsonDocument.Parse(record);
                }
                catch (JsonException)
                {
                    continue;
                }

                using (document)
                {
                    Walk(document.RootElement, challenges, responses, ref events);
                }
            }
        }

        return (challenges, responses, events);
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
