using System;
using System.Buffers;
using System.Buffers.Text;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using MigrationTools.Analysis.Capture;
using MigrationTools.Core.Files;

namespace MigrationTools.Analysis.Quic;

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
    private static readonly byte[] PacketSent = "transport:packet_sent"u8.ToArray();
    private static readonly byte[] PacketReceived = "transport:packet_received"u8.ToArray();
    private static readonly JsonEncodedText[] PacketTypeNames = Enum.GetValues<QuicPacketType>().OrderBy(t => (int)t).Select(t => JsonEncodedText.Encode(TypeName(t))).ToArray();
    private readonly Dictionary<string, ConnectionTraces> _connections = new(StringComparer.Ordinal);
    private readonly Dictionary<NetEndpoint, byte[]> _endpoints = new();
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _json;
    private long _use;

    /// <summary>Writes into <paramref name="directory"/> (created when missing).</summary>
    internal QlogWriter(string directory)
    {
        _directory = directory;
        if (Directory.Exists(directory))
        {
            // Once for the directory, not once a trace: a capture of many connections makes many traces.
            OutputFiles.SweepDeadPartials(directory);
        }

        Directory.CreateDirectory(directory);
        // The writer's own calls are balanced; skipping validation saves a check on every property.
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
    }

    /// <summary>The files written so far.</summary>
    internal IReadOnlyList<string> Files => _traces.Values.Select(t => t.Path).ToArray();

    /// <inheritdoc />
    public void OnPacket(in ObservedPacket packet)
    {
        var traces = TracesOf(packet.Connection.Id, packet.Micros);

        // The packet's data is encoded once and written into both traces; only the event name differs.
        BeginData();
        _json.WriteStartObject(Names.Header);
        _json.WriteString(Names.PacketType, PacketTypeNames[(int)packet.Type]);
        if (packet.PacketNumber is { } number)
        {
            _json.WriteNumber(Names.PacketNumber, number);
        }

        Span<byte> hex = stackalloc byte[packet.Dcid.Length * 2];
        QlogFrames.WriteHex(packet.Dcid, hex);
        _json.WriteString(Names.Dcid, hex);
        _json.WriteEndObject();
        _json.WriteStartObject(Names.Raw);
        _json.WriteNumber(Names.Length, packet.PacketLength);
        _json.WriteEndObject();
        _json.WriteNumber(Names.DatagramLength, packet.DatagramLength);
        _json.WriteStartObject(Names.Path);
        _json.WriteString(Names.Source, EndpointText(packet.Source));
        _json.WriteString(Names.Destination, EndpointText(packet.Destination));
        _json.WriteEndObject();
        _json.WriteBoolean(Names.Decrypted, packet.Decrypted);
        if (packet.Decrypted)
        {
            QlogFrames.Write(_json, packet.Frames);
        }

        EndData();
        var relative = packet.Micros - traces.Reference;
        Emit(traces.Client, relative, packet.Sender == Side.Client ? PacketSent : PacketReceived);
        Emit(traces.Server, relative, packet.Sender == Side.Server ? PacketSent : PacketReceived);
    }

    /// <inheritdoc />
    public void OnEvent(QuicProbeEvent quicEvent)
    {
        if (!_connections.TryGetValue(quicEvent.Connection, out var traces))
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
        var relative = ((quicEvent.Time - DateTime.UnixEpoch).Ticks / 10) - traces.Reference;
        var name = System.Text.Encoding.UTF8.GetBytes("migrationtools:" + SnakeCase(quicEvent.KindName));
        Emit(traces.Client, relative, name);
        Emit(traces.Server, relative, name);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var trace in _traces.Values)
        {
            trace.Stream?.Dispose();
            trace.Stream = null;
        }

        _json.Dispose();
        // Each trace was written under a private name: only a complete one gets its final name.
        foreach (var trace in _traces.Values)
        {
            OutputFiles.Complete(trace.Partial, trace.Path, "-QlogOutDirectory");
        }
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
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        _json.WriteStartObject();
    }

    private void EndData()
    {
        _json.WriteEndObject();
        _json.Flush();
    }

    /// <summary>Writes one JSON-SEQ record (RS, the event, LF) around the encoded data into a trace.</summary>
    private void Emit(Trace trace, long relativeMicros, ReadOnlySpan<byte> name)
    {
        var stream = Open(trace);
        Span<byte> prefix = stackalloc byte[96 + name.Length];
        var at = 0;
        "\u001e{\"time\":"u8.CopyTo(prefix);
        at += 9;
        // Milliseconds with three decimals, written from the integer microseconds (no floating point, no allocation).
        var negative = relativeMicros < 0;
        var magnitude = Math.Abs(relativeMicros);
        if (negative)
        {
            prefix[at++] = (byte)'-';
        }

        Utf8Formatter.TryFormat(magnitude / 1000, prefix[at..], out var written);
        at += written;
        prefix[at++] = (byte)'.';
        Utf8Formatter.TryFormat(magnitude % 1000, prefix[at..], out written, new StandardFormat('D', 3));
        at += written;
        ",\"name\":\""u8.CopyTo(prefix[at..]);
        at += 9;
        name.CopyTo(prefix[at..]);
        at += name.Length;
        "\",\"data\":"u8.CopyTo(prefix[at..]);
        at += 9;
        stream.Write(prefix[..at]);
        stream.Write(_buffer.WrittenSpan);
        stream.Write("}\n"u8);
    }

    /// <summary>The UTF-8 text of an endpoint, made once per endpoint.</summary>
    private byte[] EndpointText(NetEndpoint endpoint)
    {
        if (!_endpoints.TryGetValue(endpoint, out var text))
        {
            text = System.Text.Encoding.UTF8.GetBytes(endpoint.ToString());
            _endpoints[endpoint] = text;
        }

        return text;
    }

    /// <summary>The traces of a connection, made (with the connection's reference time) on its first packet.</summary>
    private ConnectionTraces TracesOf(string id, long micros)
    {
        if (!_connections.TryGetValue(id, out var traces))
        {
            traces = new ConnectionTraces(micros, TraceOf(id, Side.Client, micros), TraceOf(id, Side.Server, micros));
            _connections[id] = traces;
        }

        return traces;
    }

    private Trace TraceOf(string id, Side vantage, long referenceMicros)
    {
        var key = id + (vantage == Side.Client ? "_client" : "_server");
        if (_traces.TryGetValue(key, out var trace))
        {
            return trace;
        }

        var final = Path.Combine(_directory, key + ".sqlog");
        OutputFiles.EnsureTarget(final, overwrite: true, "-QlogOutDirectory");
        trace = new Trace(final, OutputFiles.PartialPath(final, sweep: false));
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

        trace.Stream = create ? OutputFiles.Replace(trace.Partial, overwrite: false, "-QlogOutDirectory", ownerOnly: false) : OutputFiles.OpenAppend(trace.Partial);
        return trace.Stream;
    }

    private sealed record ConnectionTraces(long Reference, Trace Client, Trace Server);

    /// <summary>The property names, encoded once.</summary>
    private static class Names
    {
        public static readonly JsonEncodedText Header = JsonEncodedText.Encode("header");
        public static readonly JsonEncodedText PacketType = JsonEncodedText.Encode("packet_type");
        public static readonly JsonEncodedText PacketNumber = JsonEncodedText.Encode("packet_number");
        public static readonly JsonEncodedText Dcid = JsonEncodedText.Encode("dcid");
        public static readonly JsonEncodedText Raw = JsonEncodedText.Encode("raw");
        public static readonly JsonEncodedText Length = JsonEncodedText.Encode("length");
        public static readonly JsonEncodedText DatagramLength = JsonEncodedText.Encode("datagram_length");
        public static readonly JsonEncodedText Path = JsonEncodedText.Encode("path");
        public static readonly JsonEncodedText Source = JsonEncodedText.Encode("source");
        public static readonly JsonEncodedText Destination = JsonEncodedText.Encode("destination");
        public static readonly JsonEncodedText Decrypted = JsonEncodedText.Encode("decrypted");
    }

    private sealed class Trace(string path, string partial)
    {
        /// <summary>The trace's final name.</summary>
        public string Path { get; } = path;
        /// <summary>Where it is written until the watch ends.</summary>
        public string Partial { get; } = partial;
        public FileStream? Stream { get; set; }
        public long LastUse { get; set; }
    }
}
