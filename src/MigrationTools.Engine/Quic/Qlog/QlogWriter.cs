using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace MigrationTools.Engine.Quic;

/// <summary>
/// Writes what a watch saw as qlog: per connection, one JSON-SEQ file (<c>.sqlog</c>, qlog 0.3 with the QUIC event
/// names ngtcp2 writes and qvis reads) from each endpoint's vantage point: <c>&lt;id&gt;_client.sqlog</c> has the
/// client's packets as packet_sent and the server's as packet_received, <c>&lt;id&gt;_server.sqlog</c> the
/// reverse, so each can be laid beside that endpoint's own qlog. Packets carry their decoded frames (header-only
/// fields where there were no keys) and the UDP path they used; the watch's events (migration, validation,
/// verdicts) are written as <c>migrationtools:</c> events in both traces.
/// </summary>
internal sealed class QlogWriter : IQuicPacketObserver, IDisposable
{
    private const int MaxOpenFiles = 128;
    private readonly string _directory;
    private readonly Dictionary<string, Trace> _traces = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _references = new(StringComparer.Ordinal);
    private readonly ArrayBufferWriterStream _buffer = new();
    private readonly Utf8JsonWriter _json;
    private long _use;

    /// <summary>Writes into <paramref name="directory"/> (created when missing).</summary>
    internal QlogWriter(string directory)
    {
        _directory = directory;
        Directory.CreateDirectory(directory);
        _json = new Utf8JsonWriter(_buffer);
    }

    /// <summary>The files written so far.</summary>
    internal IReadOnlyList<string> Files => _traces.Values.Select(t => t.Path).ToArray();

    /// <inheritdoc />
    public void OnPacket(in ObservedPacket packet)
    {
        var id = packet.Connection.Id;
        if (!_references.TryGetValue(id, out var reference))
        {
            reference = packet.Micros;
            _references[id] = reference;
        }

        // The packet's data is encoded once and written into both traces; only the event name differs.
        BeginData();
        _json.WriteStartObject("header");
        _json.WriteString("packet_type", TypeName(packet.Type));
        if (packet.PacketNumber is { } number)
        {
            _json.WriteNumber("packet_number", number);
        }

        _json.WriteString("dcid", QlogFrames.Hex(packet.Dcid));
        _json.WriteEndObject();
        _json.WriteStartObject("raw");
        _json.WriteNumber("length", packet.PacketLength);
        _json.WriteEndObject();
        _json.WriteNumber("datagram_length", packet.DatagramLength);
        _json.WriteStartObject("path");
        _json.WriteString("source", packet.Source.ToString());
        _json.WriteString("destination", packet.Destination.ToString());
        _json.WriteEndObject();
        _json.WriteBoolean("decrypted", packet.Decrypted);
        if (packet.Decrypted)
        {
            QlogFrames.Write(_json, packet.Frames);
        }

        EndData();
        foreach (var vantage in new[] { Side.Client, Side.Server })
        {
            Emit(TraceOf(id, vantage, reference), packet.Micros - reference, packet.Sender == vantage ? "transport:packet_sent" : "transport:packet_received");
        }
    }

    /// <inheritdoc />
    public void OnEvent(QuicProbeEvent quicEvent)
    {
        if (!_references.TryGetValue(quicEvent.Connection, out var reference))
        {
            return;
        }

        BeginData();
        _json.WriteString("sender", quicEvent.Sender);
        _json.WriteStartObject("path");
        _json.WriteString("source", quicEvent.Source);
        _json.WriteString("destination", quicEvent.Destination);
        _json.WriteEndObject();
        if (quicEvent.Data is not null)
        {
            _json.WriteString("data", quicEvent.Data);
        }

        if (quicEvent.Moved is not null)
        {
            _json.WriteString("moved", quicEvent.Moved);
        }

        _json.WriteBoolean("verdict", quicEvent.IsVerdict);
        _json.WriteBoolean("certain", quicEvent.Certain);
        _json.WriteString("evidence", quicEvent.Evidence);
        EndData();
        var micros = (quicEvent.Time - DateTime.UnixEpoch).Ticks / 10;
        foreach (var vantage in new[] { Side.Client, Side.Server })
        {
            Emit(TraceOf(quicEvent.Connection, vantage, reference), micros - reference, "migrationtools:" + SnakeCase(quicEvent.KindName));
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var trace in _traces.Values)
        {
            trace.Stream?.Dispose();
        }

        _json.Dispose();
    }

    /// <summary>qlog 0.3 packet type names.</summary>
    internal static string TypeName(QuicPacketType type) => type switch
    {
        QuicPacketType.Initial => "initial",
        QuicPacketType.ZeroRtt => "0RTT",
        QuicPacketType.Handshake => "handshake",
        QuicPacketType.Retry => "retry",
        QuicPacketType.VersionNegotiation => "version_negotiation",
        QuicPacketType.OneRtt => "1RTT",
        _ => "unknown",
    };

    private static string SnakeCase(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : string.Empty) + char.ToLowerInvariant(c) : c.ToString()));

    /// <summary>Starts encoding an event's "data" object.</summary>
    private void BeginData()
    {
        _buffer.Clear();
        _json.Reset(_buffer);
        _json.WriteStartObject();
    }

    private void EndData()
    {
        _json.WriteEndObject();
        _json.Flush();
    }

    /// <summary>Writes one JSON-SEQ record (RS, the event, LF) around the encoded data into a trace.</summary>
    private void Emit(Trace trace, long relativeMicros, string name)
    {
        var stream = Open(trace);
        var prefix = System.Text.Encoding.UTF8.GetBytes(
            "\u001e{\"time\":" + Math.Round(relativeMicros / 1000.0, 3).ToString(CultureInfo.InvariantCulture) + ",\"name\":\"" + name + "\",\"data\":");
        stream.Write(prefix);
        stream.Write(_buffer.Written);
        stream.Write("}\n"u8);
    }

    private Trace TraceOf(string id, Side vantage, long referenceMicros)
    {
        var key = id + (vantage == Side.Client ? "_client" : "_server");
        if (_traces.TryGetValue(key, out var trace))
        {
            return trace;
        }

        trace = new Trace(Path.Combine(_directory, key + ".sqlog"));
        _traces[key] = trace;
        var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            header.WriteByte(0x1e);
            json.WriteStartObject();
            json.WriteString("qlog_format", "JSON-SEQ");
            json.WriteString("qlog_version", "0.3");
            json.WriteString("title", "Watch-QuicProbe " + id);
            json.WriteString("description", "QUIC connection " + id + " as a packet capture saw it, from the " + (vantage == Side.Client ? "client" : "server") + "'s vantage point");
            json.WriteStartObject("trace");
            json.WriteStartObject("vantage_point");
            json.WriteString("name", "MigrationTools Watch-QuicProbe (capture)");
            json.WriteString("type", vantage == Side.Client ? "client" : "server");
            json.WriteEndObject();
            json.WriteStartObject("common_fields");
            json.WriteStartArray("protocol_type");
            json.WriteStringValue("QUIC");
            json.WriteEndArray();
            json.WriteString("time_format", "relative");
            json.WriteNumber("reference_time", Math.Round(referenceMicros / 1000.0, 3));
            json.WriteString("group_id", id);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        header.WriteByte((byte)'\n');
        Open(trace, create: true).Write(header.ToArray());
        return trace;
    }

    /// <summary>The trace's file, opened (for appending) when it is not; the least recently used is closed beyond a limit.</summary>
    private FileStream Open(Trace trace, bool create = false)
    {
        trace.LastUse = ++_use;
        if (trace.Stream is not null)
        {
            return trace.Stream;
        }

        var open = _traces.Values.Where(t => t.Stream is not null).ToList();
        if (open.Count >= MaxOpenFiles)
        {
            var oldest = open.MinBy(t => t.LastUse)!;
            oldest.Stream!.Dispose();
            oldest.Stream = null;
        }

        trace.Stream = new FileStream(trace.Path, create ? FileMode.Create : FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 16);
        return trace.Stream;
    }

    private sealed class Trace(string path)
    {
        public string Path { get; } = path;
        public FileStream? Stream { get; set; }
        public long LastUse { get; set; }
    }
}
