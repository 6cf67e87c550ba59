using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using MigrationTools.Analysis.Capture;

namespace MigrationTools.Analysis.Quic;

/// <summary>
/// Which connection a packet belongs to, from its Destination Connection ID (RFC 9000 section 5.2): the IDs each side
/// chose (the handshake's, NEW_CONNECTION_ID's, the preferred address's), kept with the side that owns them, so a
/// packet to a CID goes to its owner from the other side. Packets to an endpoint that chose zero-length connection IDs
/// carry no ID and are matched by their addresses (section 5.1); an unknown ID (one issued in a NEW_CONNECTION_ID that
/// could not be read) is taken for the one connection whose server address fits, as Wireshark does.
/// </summary>
internal sealed class ConnectionTable
{
    private readonly Dictionary<CidKey, (QuicConnection Connection, Side Owner)> _cids = new();
    private readonly List<int> _cidLengths = new();
    private readonly Dictionary<(NetEndpoint From, NetEndpoint To), (QuicConnection Connection, Side Sender)> _addressRoutes = new();
    private readonly HashSet<NetEndpoint> _serverEndpoints = new();

    public List<QuicConnection> Connections { get; } = new();

    /// <summary>True when <paramref name="endpoint"/> is an address of a followed connection's server (the preferred one included).</summary>
    public bool IsServerEndpoint(NetEndpoint endpoint) => _serverEndpoints.Contains(endpoint);

    /// <summary>
    /// Starts following a connection from its client's first Initial. A client that chose a zero-length connection ID
    /// is reached by its address instead, learnt from each of its datagrams (<see cref="NoteAddresses"/>).
    /// </summary>
    public void Add(QuicConnection connection, ReadOnlySpan<byte> originalDcid, ReadOnlySpan<byte> clientScid)
    {
        Connections.Add(connection);
        AddServerEndpoint(connection.Server);
        Register(CidKey.From(originalDcid), connection, Side.Server);
        connection.CidLength[Side.Client] = clientScid.Length;
        Register(CidKey.From(clientScid), connection, Side.Client);
    }

    /// <summary>A server address the client may send to (its handshake address, the preferred address).</summary>
    public void AddServerEndpoint(NetEndpoint endpoint) => _serverEndpoints.Add(endpoint);

    /// <summary>Keeps a connection ID of <paramref name="owner"/>: packets to it come from the other side.</summary>
    public void Register(CidKey key, QuicConnection connection, Side owner)
    {
        if (key.Length == 0)
        {
            return;
        }

        _cids[key] = (connection, owner);
        if (!_cidLengths.Contains(key.Length))
        {
            _cidLengths.Add(key.Length);
            _cidLengths.Sort((a, b) => b.CompareTo(a));
        }
    }

    /// <summary>
    /// The connection of a long-header packet whose header is <paramref name="header"/>, and who sent it; learns the
    /// server's connection ID from its long headers. False for a packet of no known connection.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryRouteLong(ReadOnlySpan<byte> packet, in QuicHeader header, NetEndpoint source, NetEndpoint destination, ref QuicConnection? connection, ref Side sender)
    {
        var dcid = packet.Slice(header.DcidOffset, header.DcidLength);
        (QuicConnection Connection, Side Sender) known;
        if (!dcid.IsEmpty && _cids.TryGetValue(CidKey.From(dcid), out var owned))
        {
            known = (owned.Connection, owned.Owner.Peer());
        }
        else if (!dcid.IsEmpty || !_addressRoutes.TryGetValue((source, destination), out known))
        {
            return false;
        }

        if (connection is not null && connection != known.Connection)
        {
            return false;
        }

        connection = known.Connection;
        sender = known.Sender;
        if (sender == Side.Server && header.Type is QuicPacketType.Initial or QuicPacketType.Handshake or QuicPacketType.Retry)
        {
            var scid = packet.Slice(header.ScidOffset, header.ScidLength);
            if (connection.CidLength[Side.Server] < 0 || header.Type == QuicPacketType.Retry)
            {
                connection.CidLength[Side.Server] = scid.Length;
            }

            Register(CidKey.From(scid), connection, Side.Server);
            if (header.Type == QuicPacketType.Retry)
            {
                connection.Keys.ResetInitialKeys(scid);
            }
        }

        return true;
    }

    /// <summary>
    /// The connection of a short-header packet and who sent it, with the header parsed at the connection ID length
    /// that matched (zero for an endpoint that uses zero-length IDs).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryRouteShort(ReadOnlySpan<byte> packet, NetEndpoint source, NetEndpoint destination, ref QuicConnection? connection, ref Side sender, out QuicHeader header, out CidKey dcid)
    {
        header = default;
        dcid = default;
        foreach (var length in _cidLengths)
        {
            // Stryker disable once Equality : a packet of exactly 1 + length bytes holds no packet number and fails to parse either way
            if (packet.Length <= 1 + length)
            {
                continue;
            }

            var key = CidKey.From(packet.Slice(1, length));
            if (_cids.TryGetValue(key, out var known) && (connection is null || connection == known.Connection))
            {
                connection = known.Connection;
                sender = known.Owner.Peer();
                dcid = key;
                return QuicPacket.TryParseShort(packet, length, out header);
            }
        }

        if (_addressRoutes.TryGetValue((source, destination), out var byAddress) && (connection is null || connection == byAddress.Connection))
        {
            connection = byAddress.Connection;
            sender = byAddress.Sender;
            return QuicPacket.TryParseShort(packet, 0, out header);
        }

        return connection is null && TryAttributeUnknown(packet, source, destination, ref connection, ref sender, out header, out dcid);
    }

    /// <summary>
    /// For a connection that uses zero-length IDs: after a packet from <paramref name="sender"/> at <paramref name="source"/>,
    /// the peer's packets back to it carry no ID and are matched by the reversed addresses.
    /// </summary>
    public void NoteAddresses(QuicConnection connection, Side sender, NetEndpoint source, NetEndpoint destination)
    {
        if (connection.CidLength[sender] == 0)
        {
            _addressRoutes[(destination, source)] = (connection, sender.Peer());
        }
    }

    /// <summary>
    /// An unknown Destination Connection ID (one issued in a NEW_CONNECTION_ID that could not be read), or a packet
    /// to an endpoint with zero-length IDs from an address no packet came from yet (a server answering from another
    /// address): attributed by the server's address, or its port and a known client address, when exactly one
    /// connection fits; a connection ID is learnt.
    /// </summary>
    private bool TryAttributeUnknown(ReadOnlySpan<byte> packet, NetEndpoint source, NetEndpoint destination, ref QuicConnection? connection, ref Side sender, out QuicHeader header, out CidKey dcid)
    {
        header = default;
        dcid = default;
        QuicConnection? match = null;
        var owner = Side.Server;
        foreach (var candidate in Connections)
        {
            var isTo = candidate.ServerAddresses.Contains(destination);
            var isFrom = source.Port == candidate.Server.Port && candidate.ClientEndpoints.Contains(destination);
            if (isTo || isFrom)
            {
                if (match is not null)
                {
                    return false;
                }

                match = candidate;
                owner = isTo ? Side.Server : Side.Client;
            }
        }

        if (match is null)
        {
            return false;
        }

        var cidLength = match.CidLength[owner];
        if (cidLength < 0 || packet.Length <= 1 + cidLength)
        {
            return false;
        }

        dcid = CidKey.From(packet.Slice(1, cidLength));
        Register(dcid, match, owner);
        connection = match;
        sender = owner.Peer();
        return QuicPacket.TryParseShort(packet, cidLength, out header);
    }

    /// <summary>The connection whose server is at one of the addresses (for datagrams that did not parse), and whether it came from the server.</summary>
    public (QuicConnection Connection, bool FromServer)? ByAddresses(NetEndpoint source, NetEndpoint destination)
    {
        foreach (var connection in Connections)
        {
            var fromServer = connection.ServerAddresses.Contains(source);
            if (fromServer || connection.ServerAddresses.Contains(destination))
            {
                return (connection, fromServer);
            }
        }

        return null;
    }
}
