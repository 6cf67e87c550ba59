using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;

namespace MigrationTools.Engine.Quic;

/// <summary>Settings of the analysis.</summary>
public sealed class QuicProbeOptions
{
    /// <summary>UDP ports to look at; empty: any datagram whose header parses as QUIC.</summary>
    public IReadOnlySet<int> Ports { get; init; } = new HashSet<int>();
    /// <summary>How long a PATH_CHALLENGE may wait for its PATH_RESPONSE (3 x PTO; 3 s by default).</summary>
    public TimeSpan ChallengeTimeout { get; init; } = TimeSpan.FromSeconds(3);
    /// <summary>PATH_CHALLENGEs on one path without validation before EndlessProbing is reported.</summary>
    public int EndlessProbingThreshold { get; init; } = 5;
    /// <summary>TLS secrets for Handshake and 1-RTT packets.</summary>
    public KeyLog? KeyLog { get; init; }
}

/// <summary>
/// Follows QUIC connections across migrations in a stream of UDP datagrams and reports path probing, validation,
/// migration and every path-validation failure it can prove (or, without keys, suspect) as events.
/// Allocation-free for datagrams that produce no event.
/// </summary>
public sealed class QuicProbeAnalyzer
{
    private enum Side { Client, Server }

    private readonly QuicProbeOptions _options;
    private readonly Dictionary<CidKey, (Connection Connection, Side Owner)> _cids = new();
    private readonly List<int> _cidLengths = new();
    private readonly List<Connection> _connections = new();
    private readonly Queue<Challenge> _timeouts = new();
    private readonly byte[] _scratch = new byte[65536];
    private readonly byte[] _plaintext = new byte[65536];
    private readonly long _timeoutMicros;
    private readonly DuplicateFilter _duplicates = new();
    private readonly List<(int Offset, QuicHeader Header)> _packets = new();

    /// <summary>Starts an analysis.</summary>
    public QuicProbeAnalyzer(QuicProbeOptions options)
    {
        _options = options;
        _timeoutMicros = (long)options.ChallengeTimeout.TotalMilliseconds * 1000;
    }

    /// <summary>The UDP ports the analysis is limited to (empty: all).</summary>
    public IReadOnlySet<int> Ports => _options.Ports;

    /// <summary>Datagrams looked at; each segment of a UDP GSO super-datagram counts as the datagram it becomes on the wire.</summary>
    public long Datagrams { get; private set; }
    /// <summary>Datagrams that carried QUIC packets of a tracked connection.</summary>
    public long QuicDatagrams { get; private set; }
    /// <summary>Packets that had keys but did not authenticate (wrong keys, corruption).</summary>
    public long Undecryptable { get; private set; }
    /// <summary>Decrypted packets whose frames did not parse.</summary>
    public long MalformedFrames { get; private set; }
    /// <summary>Packets decrypted.</summary>
    public long Decrypted { get; private set; }
    /// <summary>Datagrams the capture cut short (snap length).</summary>
    public long Truncated { get; private set; }
    /// <summary>Datagrams between a tracked connection's endpoints that did not parse as QUIC, or were cut short.</summary>
    public long Unparsable { get; private set; }
    /// <summary>Long-header datagrams of a QUIC version this analyzer does not know, on a QUIC port.</summary>
    public long UnknownVersions { get; private set; }
    /// <summary>Datagrams on a QUIC port that looked like a client's first Initial but did not authenticate with the initial keys.</summary>
    public long RejectedInitials { get; private set; }

    /// <summary>UDP ports QUIC is looked for on first (HTTP/3, ngtcp2's and quic-go's examples), besides -Port.</summary>
    public static IReadOnlySet<int> WellKnownPorts { get; } = new HashSet<int> { 443, 4433, 8889 };

    /// <summary>Looks at one datagram; events go to <paramref name="output"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Process(long micros, in UdpDatagram datagram, List<QuicProbeEvent> output)
    {
        Datagrams++;
        Advance(micros, output);
        var payload = datagram.Payload;
        if (payload.IsEmpty || (_options.Ports.Count > 0 && !_options.Ports.Contains(datagram.Source.Port) && !_options.Ports.Contains(datagram.Destination.Port)))
        {
            return;
        }

        if (datagram.Truncated)
        {
            // Part of it is missing: nothing in it can be read, but it may have carried anything.
            Truncated++;
            NoteUnparsable(datagram);
            return;
        }

        // A capture taken before UDP segmentation offload holds several datagrams in one (UDP GSO): each segment
        // is handled as the datagram it becomes on the wire.
        while (!payload.IsEmpty)
        {
            var consumed = ProcessSegment(micros, datagram, payload, output);
            if (consumed <= 0 || consumed >= payload.Length)
            {
                break;
            }

            payload = payload[consumed..];
            Datagrams++;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int ProcessSegment(long micros, in UdpDatagram datagram, ReadOnlySpan<byte> payload, List<QuicProbeEvent> output)
    {
        // First the headers only: which connection, where the segment ends, which packets it holds. A datagram
        // captured twice is dropped here, before anything is decrypted.
        Connection? connection = null;
        var fromServer = false;
        var offset = 0;
        var end = payload.Length;
        var sawShortDcid = default(CidKey);
        _packets.Clear();
        while (offset < end)
        {
            var rest = payload[offset..];
            if ((rest[0] & 0x80) == 0)
            {
                if (FindShort(rest, datagram, ref connection, ref fromServer, out var header, out sawShortDcid))
                {
                    var length = SegmentLength(rest, header.DcidLength, offset);
                    end = offset + length;
                    _packets.Add((offset, header with { PacketLength = length }));
                }

                break;
            }

            if (!QuicPacket.TryParseLong(rest, out var longHeader) || longHeader.Type == QuicPacketType.VersionNegotiation)
            {
                if (offset == 0 && rest.Length >= 7 && BinaryPrimitives.ReadUInt32BigEndian(rest[1..]) is var version && version != 0 &&
                    !QuicVersions.IsKnown(version) && OnQuicPort(datagram))
                {
                    UnknownVersions++;
                }

                break;
            }

            if (!FindLong(micros, rest[..longHeader.PacketLength], longHeader, datagram, ref connection, ref fromServer))
            {
                break;
            }

            if (longHeader.Type != QuicPacketType.Retry)
            {
                _packets.Add((offset, longHeader));
            }

            offset += longHeader.PacketLength;
        }

        if (connection is null)
        {
            NoteUnparsable(datagram);
            return payload.Length;
        }

        var segment = payload[..end];
        if (_duplicates.IsDuplicate(micros, segment))
        {
            return end;
        }

        var frames = new FrameSummary();
        foreach (var (at, header) in _packets)
        {
            ProcessPacket(connection, fromServer, payload.Slice(at, header.PacketLength), header, ref frames);
        }

        QuicDatagrams++;
        connection.Packets++;
        OnDatagram(micros, connection, fromServer, datagram, segment.Length, frames, sawShortDcid, output);
        return end;
    }

    /// <summary>
    /// Where a short-header packet ends. On the wire it runs to the end of its datagram; a capture taken before UDP
    /// segmentation offload holds several datagrams of one size in one (only the last may be shorter). So the end
    /// is the first place where the same Destination Connection ID starts another short header and every later
    /// segment of that size starts with a QUIC header too. Connection IDs under 4 bytes are too short to tell a
    /// header from payload: such packets are taken to end with the datagram.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int SegmentLength(ReadOnlySpan<byte> rest, int dcidLength, int segmentOffset)
    {
        var minimum = 1 + dcidLength + 20;
        if (dcidLength < 4 || rest.Length < 2 * minimum)
        {
            return rest.Length;
        }

        var dcid = rest.Slice(1, dcidLength);
        var from = minimum;
        while (from + 1 + dcidLength <= rest.Length)
        {
            var found = rest[(from + 1)..].IndexOf(dcid);
            if (found < 0)
            {
                return rest.Length;
            }

            var at = from + found;
            if ((rest[at] & 0x80) == 0 && LaterSegmentsFit(rest, at, segmentOffset + at, dcid))
            {
                return at;
            }

            from = at + 1;
        }

        return rest.Length;
    }

    private static bool LaterSegmentsFit(ReadOnlySpan<byte> rest, int at, int size, ReadOnlySpan<byte> dcid)
    {
        for (var next = at + size; next < rest.Length; next += size)
        {
            if ((rest[next] & 0x80) == 0 && (next + 1 + dcid.Length > rest.Length || !rest.Slice(next + 1, dcid.Length).SequenceEqual(dcid)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A datagram between a tracked connection's endpoints that does not parse as QUIC (corrupted, or cut short by
    /// the capture) may have carried anything: it is counted, so that no verdict resting on its absence is certain.
    /// </summary>
    private void NoteUnparsable(in UdpDatagram datagram)
    {
        if (_connections.Count == 0)
        {
            return;
        }

        foreach (var connection in _connections)
        {
            var fromServer = datagram.Source.Port == connection.Server.Port && connection.ServerAddresses.Contains(datagram.Source);
            if (!fromServer && !connection.ServerAddresses.Contains(datagram.Destination))
            {
                continue;
            }

            Unparsable++;
            connection.UnreadableFrom[fromServer ? 1 : 0]++;
            var client = fromServer ? datagram.Destination : datagram.Source;
            if (!connection.Paths.TryGetValue(client, out var path))
            {
                path = new PathState(client, connection.Paths.Count == 0);
                connection.Paths[client] = path;
            }

            if (fromServer)
            {
                path.FirstServerPacketChecked = true;
            }
            else
            {
                path.UnreadableFromClient++;
            }

            return;
        }
    }

    private bool OnQuicPort(in UdpDatagram datagram) =>
        WellKnownPorts.Contains(datagram.Source.Port) || WellKnownPorts.Contains(datagram.Destination.Port) ||
        _options.Ports.Contains(datagram.Source.Port) || _options.Ports.Contains(datagram.Destination.Port);

    /// <summary>Reports challenges whose time ran out by <paramref name="micros"/>.</summary>
    public void Advance(long micros, List<QuicProbeEvent> output)
    {
        while (_timeouts.Count > 0 && _timeouts.Peek().Micros + _timeoutMicros < micros)
        {
            var challenge = _timeouts.Dequeue();
            if (challenge.Answered)
            {
                continue;
            }

            var time = TimeOf(challenge.Micros + _timeoutMicros);
            var connection = challenge.Connection;
            if (challenge.Sender == Side.Server && !challenge.Path.Equals(connection.LastClient))
            {
                // RFC 9000 section 9.3.3: after a migration the server validates the previous path too; when the
                // client has left it, that validation is meant to time out. Not a failure.
                output.Add(new QuicProbeEvent
                {
                    Time = time, Kind = QuicProbeEventKind.PathAbandoned, Connection = connection.Id, Sender = "Server", ClientAddress = challenge.Path.ToString(),
                    Source = challenge.Source, Destination = challenge.Destination, PacketNumber = challenge.PacketNumber, Data = challenge.DataHex, Certain = true,
                    Evidence = $"the server's PATH_CHALLENGE {challenge.DataHex} on {challenge.Path}, a path the client has left for {connection.LastClient}, went unanswered for {_options.ChallengeTimeout.TotalSeconds:0.###} s, as RFC 9000 section 9.3.3 expects",
                });
                continue;
            }

            // Packets from the responder that could not be decrypted since may have carried the response: then the
            // verdict is not certain.
            var responder = challenge.Sender == Side.Client ? 1 : 0;
            var unreadable = connection.UnreadableFrom[responder] - challenge.ResponderUnreadable;
            output.Add(new QuicProbeEvent
            {
                Time = time, Kind = QuicProbeEventKind.UnansweredChallenge, Connection = connection.Id,
                Sender = challenge.Sender.ToString(), ClientAddress = challenge.Path.ToString(), Source = challenge.Source, Destination = challenge.Destination,
                PacketNumber = challenge.PacketNumber, Data = challenge.DataHex, Certain = unreadable == 0,
                Evidence = $"no PATH_RESPONSE with {challenge.DataHex} within {_options.ChallengeTimeout.TotalSeconds:0.###} s of the {challenge.Sender.ToString().ToLowerInvariant()}'s PATH_CHALLENGE" +
                    (unreadable == 0 ? string.Empty : $"; {unreadable} packet(s) from the {(responder == 1 ? "server" : "client")} could not be decrypted meanwhile and may have carried it"),
            });
        }
    }

    /// <summary>One summary per connection.</summary>
    public IReadOnlyList<QuicConnectionSummary> Summaries(IReadOnlyList<QuicProbeEvent> events) =>
        _connections.Select(c => new QuicConnectionSummary(
            c.Id, c.Version == QuicVersions.V2 ? "2" : "1", c.Server.ToString(), c.ClientEndpoints.Select(e => e.ToString()).ToArray(),
            c.Paths.Values.Select(p => new QuicPathSummary(p.Client.ToString(), p.ServerSources.Select(s => s.ToString()).ToArray(), p.ChallengeTimes[(int)Side.Server].Count,
                p.ChallengeTimes[(int)Side.Client].Count, p.Validated[(int)Side.Server], p.Validated[(int)Side.Client], p.PacketsFromClient, p.PacketsToClient, p.SourceMismatches)).ToArray(),
            events.Count(e => e.Connection == c.Id && e.Kind == QuicProbeEventKind.PathValidated),
            events.Where(e => e.Connection == c.Id && e.IsVerdict).Select(e => e.Kind.ToString()).Distinct().ToArray(),
            c.OneRtt[0] is not null, c.Packets, c.Undecryptable, null)).ToArray();

    /// <summary>PATH_CHALLENGE and PATH_RESPONSE data seen per connection (hex), for cross-checks.</summary>
    public IReadOnlyDictionary<string, (IReadOnlyCollection<string> Challenges, IReadOnlyCollection<string> Responses)> PathFrames =>
        _connections.ToDictionary(c => c.Id, c => ((IReadOnlyCollection<string>)c.ChallengeData, (IReadOnlyCollection<string>)c.ResponseData));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool FindLong(long micros, ReadOnlySpan<byte> packet, in QuicHeader header, in UdpDatagram datagram, ref Connection? connection, ref bool fromServer)
    {
        var dcid = CidKey.From(packet.Slice(header.DcidOffset, header.DcidLength));
        var scid = packet.Slice(header.ScidOffset, header.ScidLength);
        if (_cids.TryGetValue(dcid, out var known))
        {
            if (connection is not null && connection != known.Connection)
            {
                return false;
            }

            connection = known.Connection;
            fromServer = known.Owner == Side.Client;
            if (fromServer && header.Type is QuicPacketType.Initial or QuicPacketType.Handshake or QuicPacketType.Retry && !scid.IsEmpty)
            {
                Register(CidKey.From(scid), connection, Side.Server);
                if (header.Type == QuicPacketType.Retry)
                {
                    // The client's next Initial goes to the Retry's Source Connection ID and is protected with keys from it.
                    connection.SetInitialKeys(header.Version, scid);
                }
            }

            return true;
        }

        if (connection is not null || header.Type != QuicPacketType.Initial || packet.Length < 20)
        {
            return false;
        }

        // A client's first Initial opens a connection only if it authenticates with the initial keys derived from
        // its Destination Connection ID (RFC 9001 section 5.2): proof that it is QUIC, whatever the port.
        var (clientKeys, serverKeys) = QuicCrypto.InitialKeys(header.Version, packet.Slice(header.DcidOffset, header.DcidLength));
        if (QuicPacket.TryUnprotect(clientKeys, packet, header, ulong.MaxValue, _scratch, _plaintext, out _, out _) < 0)
        {
            clientKeys.Dispose();
            serverKeys.Dispose();
            if (OnQuicPort(datagram))
            {
                RejectedInitials++;
            }

            return false;
        }

        connection = new Connection(Convert.ToHexString(packet.Slice(header.DcidOffset, header.DcidLength)).ToLowerInvariant(), header.Version, datagram.Destination);
        connection.Initial[0] = clientKeys;
        connection.Initial[1] = serverKeys;
        _connections.Add(connection);
        Register(dcid, connection, Side.Server);
        if (!scid.IsEmpty)
        {
            Register(CidKey.From(scid), connection, Side.Client);
        }

        fromServer = false;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool FindShort(ReadOnlySpan<byte> packet, in UdpDatagram datagram, ref Connection? connection, ref bool fromServer, out QuicHeader header, out CidKey dcid)
    {
        header = default;
        dcid = default;
        foreach (var length in _cidLengths)
        {
            if (packet.Length <= 1 + length)
            {
                continue;
            }

            var key = CidKey.From(packet.Slice(1, length));
            if (_cids.TryGetValue(key, out var known) && (connection is null || connection == known.Connection))
            {
                connection = known.Connection;
                fromServer = known.Owner == Side.Client;
                dcid = key;
                return QuicPacket.TryParseShort(packet, length, out header);
            }
        }

        // An unknown Destination Connection ID (one issued in NEW_CONNECTION_ID we could not read): attribute it by
        // the server's address when exactly one connection fits, as Wireshark does, and learn it.
        if (connection is not null)
        {
            return false;
        }

        Connection? match = null;
        var toServer = false;
        foreach (var candidate in _connections)
        {
            var isTo = candidate.ServerAddresses.Contains(datagram.Destination);
            var isFrom = datagram.Source.Port == candidate.Server.Port && candidate.ClientEndpoints.Contains(datagram.Destination);
            if (isTo || isFrom)
            {
                if (match is not null)
                {
                    return false;
                }

                match = candidate;
                toServer = isTo;
            }
        }

        var cidLength = match is null ? 0 : toServer ? match.ServerCidLength : match.ClientCidLength;
        if (match is null || cidLength <= 0 || packet.Length <= 1 + cidLength)
        {
            return false;
        }

        dcid = CidKey.From(packet.Slice(1, cidLength));
        Register(dcid, match, toServer ? Side.Server : Side.Client);
        connection = match;
        fromServer = !toServer;
        return QuicPacket.TryParseShort(packet, cidLength, out header);
    }

    private void Register(CidKey key, Connection connection, Side owner)
    {
        _cids[key] = (connection, owner);
        if (!_cidLengths.Contains(key.Length))
        {
            _cidLengths.Add(key.Length);
            _cidLengths.Sort((a, b) => b.CompareTo(a));
        }

        if (owner == Side.Server && connection.ServerCidLength == 0 && connection.OriginalDcidRegistered)
        {
            connection.ServerCidLength = key.Length;
        }
        else if (owner == Side.Client && connection.ClientCidLength == 0)
        {
            connection.ClientCidLength = key.Length;
        }

        connection.OriginalDcidRegistered = true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ProcessPacket(Connection connection, bool fromServer, ReadOnlySpan<byte> packet, in QuicHeader header, ref FrameSummary frames)
    {
        var side = fromServer ? 1 : 0;
        var space = header.Type switch { QuicPacketType.Initial => 0, QuicPacketType.Handshake => 1, QuicPacketType.OneRtt => 2, _ => -1 };
        if (space < 0)
        {
            return;
        }

        connection.EnsureKeys(_options.KeyLog);
        var keys = space switch { 0 => connection.Initial[side], 1 => connection.Handshake[side], _ => connection.OneRtt[side] };
        if (keys is null)
        {
            return;
        }

        var largest = connection.Largest[space, side];
        var length = QuicPacket.TryUnprotect(keys, packet, header, largest, _scratch, _plaintext, out var packetNumber, out var keyPhase);
        if (length >= 0 && space == 2 && keyPhase != connection.KeyPhase[side])
        {
            // Authenticated with the old keys although the phase bit flipped cannot happen; a flipped phase that
            // failed is tried with the next generation below.
            connection.KeyPhase[side] = keyPhase;
        }

        if (length < 0 && space == 2)
        {
            var next = keys.Next();
            length = QuicPacket.TryUnprotect(next, packet, header, largest, _scratch, _plaintext, out packetNumber, out keyPhase);
            if (length >= 0)
            {
                connection.OneRtt[side] = next;
                connection.KeyPhase[side] = keyPhase;
            }
            else
            {
                next.Dispose();
            }
        }

        if (length < 0)
        {
            Undecryptable++;
            connection.Undecryptable++;
            connection.UnreadableFrom[side]++;
            frames.Unreadable = true;
            return;
        }

        Decrypted++;
        frames.Decrypted = true;
        frames.PacketNumber = packetNumber;
        if (packetNumber > largest || largest == ulong.MaxValue)
        {
            connection.Largest[space, side] = packetNumber;
        }

        var reader = new QuicFrameReader(_plaintext.AsSpan(0, length));
        while (reader.TryNext(out var frame))
        {
            switch (frame.Type)
            {
                case QuicFrame.PathChallenge:
                    frames.Challenge = BinaryPrimitives.ReadUInt64BigEndian(frame.Data);
                    frames.HasChallenge = true;
                    break;
                case QuicFrame.PathResponse:
                    frames.Response = BinaryPrimitives.ReadUInt64BigEndian(frame.Data);
                    frames.HasResponse = true;
                    break;
                case QuicFrame.NewConnectionId:
                    Register(CidKey.From(frame.Data), connection, fromServer ? Side.Server : Side.Client);
                    break;
                case QuicFrame.Crypto when space == 0:
                    connection.AddCrypto(fromServer, frame.Offset, frame.Data);
                    break;
            }
        }

        if (reader.Malformed)
        {
            MalformedFrames++;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void OnDatagram(long micros, Connection connection, bool fromServer, in UdpDatagram datagram, int size, FrameSummary frames, CidKey shortDcid, List<QuicProbeEvent> output)
    {
        var sourceEndpoint = datagram.Source;
        var destinationEndpoint = datagram.Destination;
        var outerSource = datagram.OuterSource;
        var outerDestination = datagram.OuterDestination;
        var decrypted = frames.Decrypted;
        var packetNumber = frames.PacketNumber;
        var client = fromServer ? datagram.Destination : datagram.Source;
        var server = fromServer ? datagram.Source : datagram.Destination;
        var isNewPath = !connection.Paths.TryGetValue(client, out var path);
        if (isNewPath)
        {
            path = new PathState(client, connection.Paths.Count == 0);
            connection.Paths[client] = path;
        }

        string Source() => sourceEndpoint.ToString();
        string Destination() => destinationEndpoint.ToString();
        QuicProbeEvent Event(QuicProbeEventKind kind, bool certain, string evidence, string? data = null, int? count = null, double[]? gaps = null) => new()
        {
            Time = TimeOf(micros), Kind = kind, Connection = connection.Id, Sender = fromServer ? "Server" : "Client", ClientAddress = client.ToString(),
            Source = Source(), Destination = Destination(), OuterSource = outerSource?.ToString(), OuterDestination = outerDestination?.ToString(),
            PacketNumber = decrypted ? packetNumber : null, DatagramSize = size, Data = data, Count = count, GapsSeconds = gaps, Certain = certain, Evidence = evidence,
        };

        // Datagrams with PATH_CHALLENGE or PATH_RESPONSE are padded to 1200 bytes, unless a server that has not
        // validated the client's address could not send that many within 3 x what it received from it.
        void CheckSize(string frame, string hex, string section)
        {
            if (size >= 1200)
            {
                return;
            }

            var budget = (3 * path!.BytesFromClient) - (path.BytesToClient - (fromServer ? size : 0));
            if (!(fromServer && !path.Validated[(int)Side.Server] && budget < 1200))
            {
                output.Add(Event(QuicProbeEventKind.UndersizedProbe, true, $"{frame} in a {size}-byte datagram; RFC 9000 section {section} asks for at least 1200 bytes", hex));
            }
        }

        if (!fromServer)
        {
            path!.PacketsFromClient++;
            path.BytesFromClient += size;
            if (frames.Unreadable)
            {
                path.UnreadableFromClient++;
            }

            path.LastClientMicros = micros;
            connection.ServerAddresses.Add(server);
            if (!connection.ClientEndpoints.Contains(client))
            {
                var previous = connection.ClientEndpoints.Count > 0 ? connection.LastClient : (NetEndpoint?)null;
                connection.ClientEndpoints.Add(client);
                if (previous is not null)
                {
                    path.IsMigrationTarget = true;
                    path.KeptDcid = shortDcid.Length > 0 && shortDcid.Equals(connection.LastClientDcid) ? shortDcid : default;
                    output.Add(Event(QuicProbeEventKind.Migration, true, path.KeptDcid.Length > 0
                        ? $"the client now sends from {client} (before: {previous}), still to Destination Connection ID {shortDcid}: a NAT rebinding, unless the client probes the new path itself (then DcidReused)"
                        : $"the client now sends from {client} (before: {previous})"));
                }
            }

            if (path.KeptDcid.Length > 0 && !path.DcidReuseReported && frames.HasChallenge && shortDcid.Equals(path.KeptDcid))
            {
                // The client probes the new path itself, so it knows it moved: a NAT rebinding it cannot know of is
                // the only case in which it may keep the connection ID.
                path.DcidReuseReported = true;
                output.Add(Event(QuicProbeEventKind.DcidReused, true,
                    $"the client probes its new address {client} with PATH_CHALLENGE {Hex(frames.Challenge)} yet kept Destination Connection ID {path.KeptDcid}; RFC 9000 section 9.5 asks for a new one when it migrates"));
            }

            if (connection.ProbingPaths > 0)
            {
                ReportAbandoned(micros, connection, path, output);
            }

            connection.LastClient = client;
            if (shortDcid.Length > 0)
            {
                connection.LastClientDcid = shortDcid;
            }
        }
        else
        {
            path!.PacketsToClient++;
            path.BytesToClient += size;
            if (!path.ServerSources.Contains(server))
            {
                path.ServerSources.Add(server);
            }

            if (!connection.ServerAddresses.Contains(server))
            {
                path.SourceMismatches++;
                if (path.SourceMismatches == 1)
                {
                    output.Add(Event(QuicProbeEventKind.SourceAddressMismatch, true,
                        $"server packet to {client} from {server}, an address the client never sent to (it sent to {string.Join(", ", connection.ServerAddresses)}); " +
                        "RFC 9000 section 9 makes the client discard it, so this path cannot validate (quic-go PR 5544)"));
                }
            }

            if (!path.FirstServerPacketChecked && (frames.Decrypted || frames.Unreadable))
            {
                // Only the server's first packet on the path counts; when it cannot be read, what it carried is unknown.
                path.FirstServerPacketChecked = true;
                if (path.IsMigrationTarget && frames.Decrypted && !frames.Unreadable && !frames.HasChallenge)
                {
                    output.Add(Event(QuicProbeEventKind.NoChallengeOnNewPath, true, $"the server's first packet to the new client address {client} carries no PATH_CHALLENGE"));
                }
            }

            if (!path.IsInitial && !path.Validated[(int)Side.Server] && connection.OneRtt[1] is not null && !path.AmplificationReported && path.BytesToClient > 3 * path.BytesFromClient)
            {
                path.AmplificationReported = true;
                output.Add(Event(QuicProbeEventKind.AmplificationExceeded, path.UnreadableFromClient == 0,
                    $"{path.BytesToClient} bytes sent to the unvalidated address {client}, more than 3 x the {path.BytesFromClient} received from it" +
                    (path.UnreadableFromClient == 0 ? string.Empty : $"; {path.UnreadableFromClient} packet(s) from that address could not be read and may have validated it")));
            }

            if (!frames.Decrypted && size >= 1200 && !path.IsInitial && !path.HeuristicProbeReported && connection.OneRtt[1] is null)
            {
                path.HeuristicProbeReported = true;
                output.Add(Event(QuicProbeEventKind.PathProbeSent, false, $"no keys: a {size}-byte datagram from the server to the new client address {client} looks like a padded probe"));
            }
        }

        var sender = fromServer ? Side.Server : Side.Client;
        // A server packet from an address the client never sent to is dropped by the client (RFC 9000 section 9):
        // what it carries is on the wire but never arrives.
        var discarded = fromServer && !connection.ServerAddresses.Contains(server);
        var discardNote = discarded ? $"; sent from {server}, so the client discards it" : string.Empty;
        if (frames.HasChallenge)
        {
            var hex = Hex(frames.Challenge);
            connection.ChallengeData.Add(hex);
            var challenge = new Challenge(connection, sender, client, micros, frames.PacketNumber, hex, Source(), Destination())
            {
                ResponderUnreadable = connection.UnreadableFrom[fromServer ? 0 : 1],
            };
            connection.Pending[frames.Challenge] = challenge;
            _timeouts.Enqueue(challenge);
            output.Add(Event(QuicProbeEventKind.PathProbeSent, true, $"PATH_CHALLENGE {hex} from the {sender.ToString().ToLowerInvariant()} in a {size}-byte datagram{discardNote}", hex));
            CheckSize("PATH_CHALLENGE", hex, "8.2.1");

            var times = path!.ChallengeTimes[(int)sender];
            times.Add(micros);
            if (times.Count == 1)
            {
                path.ResponderUnreadableAtFirstChallenge[(int)sender] = connection.UnreadableFrom[fromServer ? 0 : 1];
                if (sender == Side.Client && !path.Validated[(int)Side.Client])
                {
                    connection.ProbingPaths++;
                }
            }

            if (!path.Validated[(int)sender] && times.Count >= _options.EndlessProbingThreshold && !path.EndlessReported[(int)sender])
            {
                path.EndlessReported[(int)sender] = true;
                var gaps = times.Zip(times.Skip(1), (a, b) => Math.Round((b - a) / 1e6, 3)).ToArray();
                var unreadable = connection.UnreadableFrom[fromServer ? 0 : 1] - path.ResponderUnreadableAtFirstChallenge[(int)sender];
                output.Add(Event(QuicProbeEventKind.EndlessProbing, unreadable == 0,
                    $"{times.Count} PATH_CHALLENGEs from the {sender.ToString().ToLowerInvariant()} on the path of {client} and none validated; gaps {string.Join(", ", gaps.Select(g => g.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)))} s" +
                    (unreadable == 0 ? string.Empty : $"; {unreadable} packet(s) from the {(fromServer ? "client" : "server")} could not be read meanwhile"),
                    hex, times.Count, gaps));
            }
        }

        if (frames.HasResponse)
        {
            var hex = Hex(frames.Response);
            connection.ResponseData.Add(hex);
            output.Add(Event(QuicProbeEventKind.PathResponse, true, $"PATH_RESPONSE {hex} from the {sender.ToString().ToLowerInvariant()} in a {size}-byte datagram{discardNote}", hex));
            CheckSize("PATH_RESPONSE", hex, "8.2.2");
            if (!discarded && connection.Pending.Remove(frames.Response, out var challenge) && challenge.Sender != sender)
            {
                challenge.Answered = true;
                if (!challenge.Path.Equals(client))
                {
                    output.Add(Event(QuicProbeEventKind.ResponseOnWrongPath, true,
                        $"PATH_RESPONSE {hex} sent on the path of {client}, but its PATH_CHALLENGE came on the path of {challenge.Path} (RFC 9000 section 8.2.2)", hex));
                }

                if (connection.Paths.TryGetValue(challenge.Path, out var challenged) && !challenged.Validated[(int)challenge.Sender])
                {
                    challenged.Validated[(int)challenge.Sender] = true;
                    if (challenge.Sender == Side.Client && challenged.ChallengeTimes[(int)Side.Client].Count > 0 && !challenged.Abandoned)
                    {
                        connection.ProbingPaths--;
                    }
                }

                output.Add(Event(QuicProbeEventKind.PathValidated, true,
                    $"the {challenge.Sender.ToString().ToLowerInvariant()}'s PATH_CHALLENGE {hex} on the path of {challenge.Path} was answered after {(micros - challenge.Micros) / 1000.0:0.###} ms", hex));
            }
        }
    }

    /// <summary>
    /// A path the client probed without validation, and then sent nothing on for the challenge timeout while it
    /// went on from <paramref name="current"/>, has been given up (RFC 9000 section 9.3.2: back to a validated path).
    /// </summary>
    private void ReportAbandoned(long micros, Connection connection, PathState current, List<QuicProbeEvent> output)
    {
        foreach (var path in connection.Paths.Values)
        {
            if (path == current || path.Abandoned || path.Validated[(int)Side.Client] || path.ChallengeTimes[(int)Side.Client].Count == 0 ||
                path.LastClientMicros + _timeoutMicros >= micros)
            {
                continue;
            }

            path.Abandoned = true;
            connection.ProbingPaths--;
            var probes = path.ChallengeTimes[(int)Side.Client].Count;
            output.Add(new QuicProbeEvent
            {
                Time = TimeOf(micros), Kind = QuicProbeEventKind.PathAbandoned, Connection = connection.Id, Sender = "Client",
                ClientAddress = path.Client.ToString(), Source = current.Client.ToString(), Destination = connection.Server.ToString(), Count = probes, Certain = true,
                Evidence = $"the client probed {path.Client} {probes} time(s) without validation, has sent nothing from it for {(micros - path.LastClientMicros) / 1e6:0.###} s and now sends from {current.Client}",
            });
        }
    }

    private static string Hex(ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return Convert.ToHexString(bytes).ToLowerInvariant();
    }

    private static DateTime TimeOf(long micros) => DateTime.UnixEpoch.AddTicks(micros * 10);

    private struct FrameSummary
    {
        public bool Decrypted;
        public bool Unreadable;
        public ulong PacketNumber;
        public bool HasChallenge;
        public ulong Challenge;
        public bool HasResponse;
        public ulong Response;
    }

    private sealed class Challenge(Connection connection, Side sender, NetEndpoint path, long micros, ulong packetNumber, string dataHex, string source, string destination)
    {
        public Connection Connection { get; } = connection;
        public Side Sender { get; } = sender;
        public NetEndpoint Path { get; } = path;
        public long Micros { get; } = micros;
        public ulong PacketNumber { get; } = packetNumber;
        public string DataHex { get; } = dataHex;
        public string Source { get; } = source;
        public string Destination { get; } = destination;
        public bool Answered { get; set; }
        public long ResponderUnreadable { get; init; }
    }

    private sealed class PathState(NetEndpoint client, bool isInitial)
    {
        public NetEndpoint Client { get; } = client;
        public bool IsInitial { get; } = isInitial;
        public bool IsMigrationTarget { get; set; }
        public CidKey KeptDcid { get; set; }
        public bool DcidReuseReported { get; set; }
        public long LastClientMicros { get; set; }
        public bool Abandoned { get; set; }
        public List<NetEndpoint> ServerSources { get; } = new();
        public long PacketsFromClient { get; set; }
        public long PacketsToClient { get; set; }
        public long BytesFromClient { get; set; }
        public long BytesToClient { get; set; }
        public int SourceMismatches { get; set; }
        public bool FirstServerPacketChecked { get; set; }
        public long UnreadableFromClient { get; set; }
        public long[] ResponderUnreadableAtFirstChallenge { get; } = new long[2];
        public bool AmplificationReported { get; set; }
        public bool HeuristicProbeReported { get; set; }
        public bool[] Validated { get; } = { isInitial, isInitial };
        public bool[] EndlessReported { get; } = new bool[2];
        public List<long>[] ChallengeTimes { get; } = { new(), new() };
    }

    private sealed class Connection(string id, uint version, NetEndpoint server)
    {
        public string Id { get; } = id;
        public uint Version { get; } = version;
        public NetEndpoint Server { get; } = server;
        public HashSet<NetEndpoint> ServerAddresses { get; } = new() { server };
        public List<NetEndpoint> ClientEndpoints { get; } = new();
        public NetEndpoint LastClient { get; set; }
        public CidKey LastClientDcid { get; set; }
        public int ProbingPaths { get; set; }
        public Dictionary<NetEndpoint, PathState> Paths { get; } = new();
        public Dictionary<ulong, Challenge> Pending { get; } = new();
        public List<string> ChallengeData { get; } = new();
        public List<string> ResponseData { get; } = new();
        public int ServerCidLength { get; set; }
        public int ClientCidLength { get; set; }
        public bool OriginalDcidRegistered { get; set; }
        public long Packets { get; set; }
        public long Undecryptable { get; set; }
        // Per side (0 client, 1 server): packets that failed to authenticate, and datagrams that did not parse or were cut short.
        public long[] UnreadableFrom { get; } = new long[2];
        public QuicPacketKeys?[] Initial { get; } = new QuicPacketKeys?[2];
        public QuicPacketKeys?[] Handshake { get; } = new QuicPacketKeys?[2];
        public QuicPacketKeys?[] OneRtt { get; } = new QuicPacketKeys?[2];
        public bool[] KeyPhase { get; } = new bool[2];
        public ulong[,] Largest { get; } = { { ulong.MaxValue, ulong.MaxValue }, { ulong.MaxValue, ulong.MaxValue }, { ulong.MaxValue, ulong.MaxValue } };
        private readonly byte[] _clientHello = new byte[38];
        private int _clientHelloBytes;
        private readonly byte[] _serverHello = new byte[80];
        private int _serverHelloBytes;
        private bool _keysTried;

        public void SetInitialKeys(uint version, ReadOnlySpan<byte> dcid)
        {
            var (client, server) = QuicCrypto.InitialKeys(version, dcid);
            Initial[0] = client;
            Initial[1] = server;
        }

        public void AddCrypto(bool fromServer, ulong offset, ReadOnlySpan<byte> data)
        {
            var target = fromServer ? _serverHello : _clientHello;
            if (offset >= (ulong)target.Length)
            {
                return;
            }

            var count = Math.Min(data.Length, target.Length - (int)offset);
            data[..count].CopyTo(target.AsSpan((int)offset));
            if (fromServer)
            {
                _serverHelloBytes = Math.Max(_serverHelloBytes, (int)offset + count);
            }
            else
            {
                _clientHelloBytes = Math.Max(_clientHelloBytes, (int)offset + count);
            }
        }

        public void EnsureKeys(KeyLog? keyLog)
        {
            if (keyLog is null || OneRtt[0] is not null || _keysTried)
            {
                return;
            }

            KeyLogEntry? entry = null;
            if (_clientHelloBytes >= 38 && _clientHello[0] == 1)
            {
                entry = keyLog.Find(_clientHello.AsSpan(6, 32));
                if (entry?.ClientTraffic is null || entry.ServerTraffic is null)
                {
                    // The secrets may not be written yet (live): asked again with later packets.
                    return;
                }
            }

            if (entry is null)
            {
                return;
            }

            var suite = ServerSuite();
            var suites = suite is null
                ? (entry.ClientTraffic?.Length == 48 ? new[] { QuicCipherSuite.Aes256GcmSha384 } : new[] { QuicCipherSuite.Aes128GcmSha256, QuicCipherSuite.ChaCha20Poly1305Sha256 })
                : new[] { suite.Value };
            if (suite is null && _serverHelloBytes < 40)
            {
                // Wait for the ServerHello when it is still to come.
                return;
            }

            var chosen = suites[0];
            if (entry.ClientHandshake is not null && entry.ServerHandshake is not null)
            {
                Handshake[0] = QuicPacketKeys.FromSecret(chosen, Version, entry.ClientHandshake);
                Handshake[1] = QuicPacketKeys.FromSecret(chosen, Version, entry.ServerHandshake);
            }

            if (entry.ClientTraffic is not null && entry.ServerTraffic is not null)
            {
                OneRtt[0] = QuicPacketKeys.FromSecret(chosen, Version, entry.ClientTraffic);
                OneRtt[1] = QuicPacketKeys.FromSecret(chosen, Version, entry.ServerTraffic);
            }

            _keysTried = true;
        }

        private QuicCipherSuite? ServerSuite()
        {
            // ServerHello: type 2, length (3), version (2), random (32), session id (1 + n), cipher suite (2).
            if (_serverHelloBytes < 40 || _serverHello[0] != 2)
            {
                return null;
            }

            var sessionLength = _serverHello[38];
            var at = 39 + sessionLength;
            if (at + 2 > _serverHelloBytes)
            {
                return null;
            }

            var value = BinaryPrimitives.ReadUInt16BigEndian(_serverHello.AsSpan(at));
            return Enum.IsDefined(typeof(QuicCipherSuite), (int)value) ? (QuicCipherSuite)value : null;
        }
    }

    /// <summary>
    /// Recognises a datagram captured twice within 50 ms (tcpdump -i any on a router sees it on the way in and on
    /// the way out, and once more inside IP-in-IP) by its length and its last 16 bytes, the AEAD tag.
    /// </summary>
    private sealed class DuplicateFilter
    {
        private const long WindowMicros = 50_000;
        private readonly HashSet<(UInt128 Tail, int Length)> _seen = new();
        private readonly Queue<(long Micros, UInt128 Tail, int Length)> _order = new();

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public bool IsDuplicate(long micros, ReadOnlySpan<byte> datagram)
        {
            while (_order.Count > 0 && (_order.Peek().Micros < micros - WindowMicros || _order.Count > 65536))
            {
                var (_, tail, length) = _order.Dequeue();
                _seen.Remove((tail, length));
            }

            if (datagram.Length < 16)
            {
                return false;
            }

            var key = (BinaryPrimitives.ReadUInt128LittleEndian(datagram[^16..]), datagram.Length);
            if (!_seen.Add(key))
            {
                return true;
            }

            _order.Enqueue((micros, key.Item1, key.Item2));
            return false;
        }
    }

    /// <summary>A connection ID of up to 20 bytes as a value.</summary>
    private readonly record struct CidKey(UInt128 Head, uint Tail, int Length)
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static CidKey From(ReadOnlySpan<byte> cid)
        {
            Span<byte> padded = stackalloc byte[20];
            padded.Clear();
            cid[..Math.Min(cid.Length, 20)].CopyTo(padded);
            return new CidKey(BinaryPrimitives.ReadUInt128BigEndian(padded), BinaryPrimitives.ReadUInt32BigEndian(padded[16..]), Math.Min(cid.Length, 20));
        }

        public override string ToString()
        {
            Span<byte> bytes = stackalloc byte[20];
            BinaryPrimitives.WriteUInt128BigEndian(bytes, Head);
            BinaryPrimitives.WriteUInt32BigEndian(bytes[16..], Tail);
            return Convert.ToHexString(bytes[..Length]).ToLowerInvariant();
        }
    }
}
