using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using MigrationTools.Analysis.Capture;

namespace MigrationTools.Analysis.Quic;

/// <summary>
/// Follows QUIC connections across migrations in a stream of UDP datagrams and reports path probing, validation,
/// migration and every path-validation failure it can prove (or, without keys, suspect) as events. A dispatcher:
/// UDP GSO super-datagrams are split (<see cref="GsoSplitter"/>), packets routed to their connection
/// (<see cref="ConnectionTable"/>), datagrams captured twice dropped (<see cref="DuplicateFilter"/>), packets
/// decrypted (<see cref="ConnectionKeys"/>), and what they carried handed to the rules (<see cref="PathValidator"/>)
/// and to the timer of pending challenges (<see cref="ChallengeTimer"/>). Allocation-free for datagrams that produce
/// no event.
/// </summary>
internal sealed class QuicProbeAnalyzer
{
    private readonly QuicProbeOptions _options;
    private readonly ConnectionTable _table = new();
    private readonly ChallengeTimer _timer;
    private readonly PathValidator _validator;
    private readonly MigrationFollowing _following;
    private readonly DuplicateFilter _duplicates = new();
    private readonly List<(int Offset, QuicHeader Header)> _packets = new();
    private readonly byte[] _scratch = new byte[65536];
    private readonly byte[] _plaintext = new byte[65536];
    private long _segmentMicros;
    private NetEndpoint _segmentSource;
    private NetEndpoint _segmentDestination;
    private int _segmentLength;

    /// <summary>Starts an analysis.</summary>
    public QuicProbeAnalyzer(QuicProbeOptions options)
    {
        _options = options;
        _timer = new ChallengeTimer(options);
        _following = new MigrationFollowing(options);
        _validator = new PathValidator(options, _timer, _following);
    }

    /// <summary>Where every packet of a followed connection is reported (qlog, timeline), when anything records them.</summary>
    internal IQuicPacketObserver? Observer { get; set; }

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
    public long Unparsable => _validator.Unparsable;
    /// <summary>Long-header datagrams of a QUIC version this analyzer does not know, on a QUIC port.</summary>
    public long UnknownVersions { get; private set; }
    /// <summary>Datagrams on a QUIC port that looked like a client's first Initial but did not authenticate with the initial keys.</summary>
    public long RejectedInitials { get; private set; }

    /// <summary>Client Initials of new connections not followed because <see cref="QuicProbeOptions.MaxConnections"/> were.</summary>
    public long ConnectionsNotFollowed { get; private set; }

    /// <summary>Connections followed.</summary>
    public int Connections => _table.Connections.Count;

    /// <summary>UDP ports QUIC is looked for on first (HTTP/3, ngtcp2's and quic-go's examples), besides -Port.</summary>
    public static IReadOnlySet<int> WellKnownPorts { get; } = new HashSet<int> { 443, 4433, 8889 };

    /// <summary>Looks at one datagram; events go to <paramref name="output"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Process(long micros, in UdpDatagram datagram, List<QuicProbeEvent> output)
    {
        Datagrams++;
        Advance(micros, output);
        var payload = datagram.Payload;
        if (payload.IsEmpty || !Selected(datagram))
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
        var start = output.Count;
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

        Announce(output, start);
    }

    /// <summary>-Port limits the ports, but a followed connection stays followed where its server moves (a preferred address on another port).</summary>
    private bool Selected(in UdpDatagram datagram) =>
        _options.Ports.Count == 0 || _options.Ports.Contains(datagram.Source.Port) || _options.Ports.Contains(datagram.Destination.Port) ||
        _table.IsServerEndpoint(datagram.Source) || _table.IsServerEndpoint(datagram.Destination);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int ProcessSegment(long micros, in UdpDatagram datagram, ReadOnlySpan<byte> payload, List<QuicProbeEvent> output)
    {
        // First the headers only: which connection, where the segment ends, which packets it holds. A datagram
        // captured twice is dropped here, before anything is decrypted.
        QuicConnection? connection = null;
        var sender = Side.Client;
        var offset = 0;
        var end = payload.Length;
        var shortDcid = default(CidKey);
        _packets.Clear();
        while (offset < end)
        {
            var rest = payload[offset..];
            if ((rest[0] & 0x80) == 0)
            {
                if (connection is not null && IsPadding(rest, connection, sender))
                {
                    // Zero bytes that fill the datagram after coalesced packets (RFC 9000 section 12.2).
                    break;
                }

                if (_table.TryRouteShort(rest, datagram.Source, datagram.Destination, ref connection, ref sender, out var header, out shortDcid))
                {
                    if (offset == 0 && IsPadding(rest, connection!, sender))
                    {
                        // RFC 9000 section 17.3.1: the fixed bit is 1 unless the receiver allowed greasing; this is no packet.
                        connection = null;
                        break;
                    }

                    var length = GsoSplitter.SegmentLength(rest, header.DcidLength, offset);
                    end = offset + length;
                    _packets.Add((offset, header with { PacketLength = length }));
                }

                break;
            }

            if (!QuicPacket.TryParseLong(rest, out var longHeader) || longHeader.Type == QuicPacketType.VersionNegotiation)
            {
                NoteForeignLongHeader(datagram, rest, offset);
                break;
            }

            if (!_table.TryRouteLong(rest[..longHeader.PacketLength], longHeader, datagram.Source, datagram.Destination, ref connection, ref sender) &&
                !TryOpen(rest[..longHeader.PacketLength], longHeader, datagram, ref connection, ref sender))
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
        if (_duplicates.IsDuplicate(micros, datagram.Source, datagram.Destination, segment))
        {
            return end;
        }

        // A server address the client sends to is learnt before its packets are observed, so that the outputs put them
        // on that address's path from the first (a preferred address's first PATH_CHALLENGE included).
        var newServerAddress = sender == Side.Client && connection.ServerAddresses.Add(datagram.Destination);
        if (newServerAddress)
        {
            _table.AddServerEndpoint(datagram.Destination);
        }

        var frames = new FrameSummary();
        (_segmentMicros, _segmentSource, _segmentDestination, _segmentLength) = (micros, datagram.Source, datagram.Destination, segment.Length);
        foreach (var (at, header) in _packets)
        {
            ProcessPacket(connection, sender, payload.Slice(at, header.PacketLength), header, ref frames);
        }

        QuicDatagrams++;
        connection.Packets++;
        _table.NoteAddresses(connection, sender, datagram.Source, datagram.Destination);
        _validator.OnDatagram(new DatagramContext
        {
            Micros = micros,
            Connection = connection,
            Sender = sender,
            Source = datagram.Source,
            Destination = datagram.Destination,
            OuterSource = datagram.OuterSource,
            OuterDestination = datagram.OuterDestination,
            Size = segment.Length,
            Frames = frames,
            ShortDcid = shortDcid,
            NewServerAddress = newServerAddress,
        }, output);
        return end;
    }

    /// <summary>
    /// Bytes that start no short-header packet: the fixed bit is 0 although the receiver did not allow greasing it
    /// (RFC 9000 section 17.3.1, RFC 9287), or nothing but zero bytes follow (datagram padding, greased or not).
    /// </summary>
    private static bool IsPadding(ReadOnlySpan<byte> rest, QuicConnection connection, Side sender) =>
        (rest[0] & 0x40) == 0 && (!connection.Keys.MayGreaseFixedBit(sender) || !rest.ContainsAnyExcept((byte)0));

    /// <summary>
    /// A client's first Initial opens a connection only if it authenticates with the initial keys derived from its
    /// Destination Connection ID (RFC 9001 section 5.2): proof that it is QUIC, whatever the port.
    /// </summary>
    private bool TryOpen(ReadOnlySpan<byte> packet, in QuicHeader header, in UdpDatagram datagram, ref QuicConnection? connection, ref Side sender)
    {
        if (connection is not null || header.Type != QuicPacketType.Initial || packet.Length < 20)
        {
            return false;
        }

        var dcid = packet.Slice(header.DcidOffset, header.DcidLength);
        var (clientKeys, serverKeys) = QuicCrypto.InitialKeys(header.Version, dcid);
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

        if (_table.Connections.Count >= _options.MaxConnections)
        {
            clientKeys.Dispose();
            serverKeys.Dispose();
            ConnectionsNotFollowed++;
            return false;
        }

        connection = new QuicConnection(Convert.ToHexString(dcid).ToLowerInvariant(), header.Version, datagram.Destination,
            new ConnectionKeys(header.Version, clientKeys, serverKeys));
        _table.Add(connection, dcid, packet.Slice(header.ScidOffset, header.ScidLength));
        sender = Side.Client;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ProcessPacket(QuicConnection connection, Side sender, ReadOnlySpan<byte> packet, in QuicHeader header, ref FrameSummary frames)
    {
        PacketSpace space;
        switch (header.Type)
        {
            case QuicPacketType.Initial: space = PacketSpace.Initial; break;
            case QuicPacketType.Handshake: space = PacketSpace.Handshake; break;
            case QuicPacketType.OneRtt: space = PacketSpace.ApplicationData; break;
            default:
                Observe(connection, sender, packet, header, null, default);
                return;
        }

        if (space != PacketSpace.Initial)
        {
            frames.ProvesHandshake = true;
        }
        else if (sender == Side.Client && packet[header.ScidOffset + header.ScidLength] != 0)
        {
            frames.InitialToken = true;
        }

        var keys = connection.Keys;
        keys.EnsureKeys(_options.KeyLog);
        if (!keys.Has(space, sender))
        {
            Observe(connection, sender, packet, header, null, default);
            return;
        }

        var length = keys.Unprotect(space, sender, packet, header, _scratch, _plaintext, out var packetNumber);
        if (length < 0)
        {
            Undecryptable++;
            connection.Undecryptable++;
            connection.UnreadableFrom[sender]++;
            frames.Unreadable = true;
            Observe(connection, sender, packet, header, null, default);
            return;
        }

        Decrypted++;
        frames.Decrypted = true;
        frames.PacketNumber = packetNumber;
        var reader = new QuicFrameReader(_plaintext.AsSpan(0, length));
        ulong? challenge = null, response = null;
        var nonProbing = false;
        while (reader.TryNext(out var frame))
        {
            nonProbing |= frame.Type is not (QuicFrameType.Padding or QuicFrameType.PathChallenge or QuicFrameType.PathResponse or QuicFrameType.NewConnectionId);
            switch (frame.Type)
            {
                case QuicFrameType.Ack or QuicFrameType.AckEcn when space == PacketSpace.ApplicationData && sender == Side.Server:
                    _following.OnServerAck(connection, frame.AckRanges, _segmentMicros);
                    break;
                case QuicFrameType.PathChallenge:
                    frames.Challenge = BinaryPrimitives.ReadUInt64BigEndian(frame.Data);
                    frames.HasChallenge = true;
                    challenge = frames.Challenge;
                    break;
                case QuicFrameType.PathResponse:
                    frames.Response = BinaryPrimitives.ReadUInt64BigEndian(frame.Data);
                    frames.HasResponse = true;
                    response = frames.Response;
                    break;
                case QuicFrameType.NewConnectionId:
                    _table.Register(CidKey.From(frame.Data), connection, sender);
                    break;
                case QuicFrameType.Crypto when space != PacketSpace.ApplicationData:
                    if (keys.AddCrypto(space, sender, frame.Offset, frame.Data))
                    {
                        OnServerParameters(connection);
                    }

                    break;
            }
        }

        if (reader.Malformed)
        {
            MalformedFrames++;
        }

        frames.NonProbing |= nonProbing;
        if (space == PacketSpace.ApplicationData && sender == Side.Client)
        {
            _following.OnClientPacket(connection, _segmentSource, packetNumber, nonProbing, _segmentMicros);
        }

        Observe(connection, sender, packet, header, packetNumber, _plaintext.AsSpan(0, length), challenge, response);
    }

    /// <summary>Hands a packet to the recording outputs, if any (decrypted when <paramref name="packetNumber"/> is known).</summary>
    private void Observe(QuicConnection connection, Side sender, ReadOnlySpan<byte> packet, in QuicHeader header, ulong? packetNumber, ReadOnlySpan<byte> frames,
        ulong? challenge = null, ulong? response = null) =>
        Observer?.OnPacket(new ObservedPacket
        {
            Micros = _segmentMicros,
            Connection = connection,
            Sender = sender,
            Source = _segmentSource,
            Destination = _segmentDestination,
            Type = header.Type,
            PacketNumber = packetNumber,
            Dcid = packet.Slice(header.DcidOffset, Math.Min(header.DcidLength, packet.Length - header.DcidOffset)),
            PacketLength = header.PacketLength,
            DatagramLength = _segmentLength,
            Frames = frames,
            Decrypted = packetNumber is not null,
            Challenge = challenge,
            Response = response,
        });

    /// <summary>RFC 9000 section 9.6: the preferred address's connection ID routes the client's packets there, and the address is the server's.</summary>
    private void OnServerParameters(QuicConnection connection)
    {
        if (connection.Keys.ServerParameters?.PreferredAddress is not { } preferred)
        {
            return;
        }

        _table.Register(CidKey.FromHex(preferred.ConnectionId), connection, Side.Server);
        foreach (var endpoint in new[] { preferred.IPv4, preferred.IPv6 })
        {
            if (endpoint is not null)
            {
                var address = NetEndpoint.From(endpoint);
                connection.PreferredServerAddresses.Add(address);
                _table.AddServerEndpoint(address);
            }
        }
    }

    private void NoteForeignLongHeader(in UdpDatagram datagram, ReadOnlySpan<byte> rest, int offset)
    {
        if (offset == 0 && rest.Length >= 7 && BinaryPrimitives.ReadUInt32BigEndian(rest[1..]) is var version && version != 0 &&
            !QuicVersions.IsKnown(version) && OnQuicPort(datagram))
        {
            UnknownVersions++;
        }
    }

    private void NoteUnparsable(in UdpDatagram datagram)
    {
        if (_table.ByAddresses(datagram.Source, datagram.Destination) is { } found)
        {
            _validator.OnUnparsable(found.Connection, found.FromServer, datagram.Source, datagram.Destination);
        }
    }

    private bool OnQuicPort(in UdpDatagram datagram) =>
        WellKnownPorts.Contains(datagram.Source.Port) || WellKnownPorts.Contains(datagram.Destination.Port) ||
        _options.Ports.Contains(datagram.Source.Port) || _options.Ports.Contains(datagram.Destination.Port);

    /// <summary>Reports challenges whose time ran out by <paramref name="micros"/>.</summary>
    public void Advance(long micros, List<QuicProbeEvent> output)
    {
        var start = output.Count;
        _timer.Advance(micros, output);
        _following.Advance(micros, output);
        Announce(output, start);
    }

    /// <summary>
    /// Hands the events from <paramref name="from"/> on to the outputs as they are made, so they stay in time order
    /// with the packets: a challenge's timeout before the packets of the datagram that revealed it.
    /// </summary>
    private void Announce(List<QuicProbeEvent> output, int from)
    {
        if (Observer is null)
        {
            return;
        }

        for (var i = from; i < output.Count; i++)
        {
            Observer.OnEvent(output[i]);
        }
    }

    /// <summary>One summary per connection.</summary>
    public IReadOnlyList<QuicConnectionSummary> Summaries(IReadOnlyList<QuicProbeEvent> events)
    {
        // Events grouped once: a summary per connection must not walk every event (100k connections).
        var byConnection = events.ToLookup(e => e.Connection, StringComparer.Ordinal);
        return _table.Connections.Select(c => new QuicConnectionSummary(
            c.Id, c.Version == QuicVersions.V2 ? "2" : "1", c.Server.ToString(), c.ClientEndpoints.Select(e => e.ToString()).ToArray(),
            c.Paths.Values.Select(p => new QuicPathSummary(p.Client.ToString(), p.Key.Server.ToString(), p.ServerSources.Select(s => s.ToString()).ToArray(),
                p.ChallengeTimes[Side.Server].Count, p.ChallengeTimes[Side.Client].Count, p.Validated[Side.Server], p.Validated[Side.Client],
                p.PacketsFromClient, p.PacketsToClient, p.SourceMismatches)).ToArray(),
            byConnection[c.Id].Count(e => e.Kind == QuicProbeEventKind.PathValidated),
            byConnection[c.Id].Where(e => e.IsVerdict).Select(e => e.Kind.ToString()).Distinct().ToArray(),
            c.Keys.HasApplicationKeys, c.Packets, c.Undecryptable, null,
            c.Keys.ServerParameters?.PreferredAddress is { } pa ? string.Join(", ", new[] { pa.IPv4?.ToString(), pa.IPv6?.ToString() }.Where(a => a is not null)) : null,
            c.UsesZeroLengthCid, c.Keys.ServerParameters is { DisableActiveMigration: true })).ToArray();
    }

    /// <summary>PATH_CHALLENGE and PATH_RESPONSE data seen per connection (hex), for cross-checks.</summary>
    public IReadOnlyDictionary<string, (IReadOnlyCollection<string> Challenges, IReadOnlyCollection<string> Responses)> PathFrames =>
        _table.Connections.ToDictionary(c => c.Id, c => ((IReadOnlyCollection<string>)c.ChallengeData, (IReadOnlyCollection<string>)c.ResponseData));
}
