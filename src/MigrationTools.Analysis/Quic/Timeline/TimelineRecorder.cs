using System;
using System.Collections.Generic;
using System.Globalization;
using MigrationTools.Analysis.Capture;

namespace MigrationTools.Analysis.Quic;

/// <summary>
/// Collects what a timeline picture needs, in bounded memory: per connection and path, packets counted in 10 ms
/// bins; every PATH_CHALLENGE and PATH_RESPONSE with its data, size and path; and the events.
/// </summary>
internal sealed class TimelineRecorder : IQuicPacketObserver
{
    /// <summary>The width of a density bin, in microseconds.</summary>
    internal const long BinMicros = 10_000;

    /// <summary>What is known per connection, in the order the connections were first seen.</summary>
    internal List<ConnectionTimeline> Connections { get; } = new();

    private readonly Dictionary<string, ConnectionTimeline> _byId = new(StringComparer.Ordinal);

    // Consecutive packets mostly belong to one connection and path: the last ones found are tried first.
    private QuicConnection? _lastConnection;
    private ConnectionTimeline? _lastTimeline;

    /// <inheritdoc />
    public void OnPacket(in ObservedPacket packet)
    {
        if (!ReferenceEquals(packet.Connection, _lastConnection))
        {
            _lastConnection = packet.Connection;
            _lastTimeline = Of(packet.Connection.Id);
        }

        var timeline = _lastTimeline!;
        timeline.First = Math.Min(timeline.First, packet.Micros);
        timeline.Last = Math.Max(timeline.Last, packet.Micros);
        var client = packet.Sender == Side.Client ? packet.Source : packet.Destination;
        var server = packet.Sender == Side.Client ? packet.Destination : packet.Source;
        var path = timeline.PathOf(client, packet.Connection.ServerAddresses.Contains(server) ? server : packet.Connection.ServerFor(client));
        if (packet.Sender == Side.Server && packet.Source != path.LastServerSource)
        {
            path.ServerSources.Add(packet.Source);
            path.LastServerSource = packet.Source;
        }

        var bin = packet.Micros / BinMicros;
        path.Bins[bin] = path.Bins.TryGetValue(bin, out var count) ? count + 1 : 1;
        // The analysis already found the packet's PATH_CHALLENGE and PATH_RESPONSE: no second pass over its frames.
        if (packet.Challenge is { } challenge)
        {
            timeline.Probes.Add(new ProbeArrow(packet.Micros, packet.Sender, packet.Source, packet.Destination, true, challenge.ToString("x16", CultureInfo.InvariantCulture), packet.DatagramLength, path));
        }

        if (packet.Response is { } response)
        {
            timeline.Probes.Add(new ProbeArrow(packet.Micros, packet.Sender, packet.Source, packet.Destination, false, response.ToString("x16", CultureInfo.InvariantCulture), packet.DatagramLength, path));
        }
    }

    /// <inheritdoc />
    public void OnEvent(QuicProbeEvent quicEvent)
    {
        if (_byId.TryGetValue(quicEvent.Connection, out var timeline))
        {
            timeline.Events.Add(quicEvent);
        }
    }

    private ConnectionTimeline Of(string id)
    {
        if (!_byId.TryGetValue(id, out var timeline))
        {
            timeline = new ConnectionTimeline(id);
            _byId[id] = timeline;
            Connections.Add(timeline);
        }

        return timeline;
    }
}

/// <summary>One connection's timeline data.</summary>
internal sealed class ConnectionTimeline(string id)
{
    public string Id { get; } = id;
    public long First { get; set; } = long.MaxValue;
    public long Last { get; set; } = long.MinValue;
    public List<PathTimeline> Paths { get; } = new();
    public List<ProbeArrow> Probes { get; } = new();
    public List<QuicProbeEvent> Events { get; } = new();

    private PathTimeline? _last;

    public PathTimeline PathOf(NetEndpoint client, NetEndpoint server)
    {
        if (_last is not null && _last.Client == client && _last.Server == server)
        {
            return _last;
        }

        _last = Find(client, server);
        return _last;
    }

    private PathTimeline Find(NetEndpoint client, NetEndpoint server)
    {
        foreach (var path in Paths)
        {
            if (path.Client == client && path.Server == server)
            {
                return path;
            }
        }

        var added = new PathTimeline(client, server, Paths.Count);
        Paths.Add(added);
        return added;
    }
}

/// <summary>One path (client address and the server address the client sends to).</summary>
internal sealed class PathTimeline(NetEndpoint client, NetEndpoint server, int index)
{
    public NetEndpoint Client { get; } = client;
    public NetEndpoint Server { get; } = server;
    public int Index { get; } = index;
    public HashSet<NetEndpoint> ServerSources { get; } = new();
    /// <summary>The source last added to <see cref="ServerSources"/> (most packets repeat it).</summary>
    public NetEndpoint? LastServerSource { get; set; }
    public Dictionary<long, int> Bins { get; } = new();
}

/// <summary>A PATH_CHALLENGE or PATH_RESPONSE as it crossed the capture point.</summary>
internal sealed record ProbeArrow(long Micros, Side Sender, NetEndpoint Source, NetEndpoint Destination, bool IsChallenge, string Data, int DatagramLength, PathTimeline Path);
