using System;
using System.Collections.Generic;
using MigrationTools.Analysis.Capture;

namespace MigrationTools.Analysis.Quic;

/// <summary>One QUIC connection followed across its paths.</summary>
internal sealed class QuicConnection(string id, uint version, NetEndpoint server, ConnectionKeys keys) : IDisposable
{
    /// <summary>The client's first Destination Connection ID, in hex.</summary>
    public string Id { get; } = id;
    public uint Version { get; } = version;
    /// <summary>The server address of the handshake.</summary>
    public NetEndpoint Server { get; } = server;
    public ConnectionKeys Keys { get; } = keys;
    /// <summary>Server addresses the client has sent to: server packets from anywhere else are discarded by the client.</summary>
    public HashSet<NetEndpoint> ServerAddresses { get; } = new() { server };
    /// <summary>The server's preferred addresses, once its transport parameters were read.</summary>
    public HashSet<NetEndpoint> PreferredServerAddresses { get; } = new();
    public List<NetEndpoint> ClientEndpoints { get; } = new();
    /// <summary>Client addresses the server has validated (the handshake's from the start).</summary>
    public HashSet<NetEndpoint> ServerValidatedClients { get; } = new();
    public NetEndpoint LastClient { get; set; }
    /// <summary>For each client address, the server address it sent to last.</summary>
    public Dictionary<NetEndpoint, NetEndpoint> LastServerFor { get; } = new();
    public CidKey LastClientDcid { get; set; }
    /// <summary>Every Destination Connection ID the client has used.</summary>
    public HashSet<CidKey> ClientDcids { get; } = new();
    /// <summary>Paths the client probes and has not validated, by how long it has been silent on them.</summary>
    public ProbingPaths ProbingPaths { get; } = new();
    /// <summary>The largest packet number of the client's non-probing 1-RTT packets.</summary>
    public ulong? LargestClientPacket { get; set; }
    /// <summary>The client address that packet came from: where the client is (RFC 9000 section 9.3).</summary>
    public NetEndpoint? ActiveClient { get; set; }
    /// <summary>The client's last move to a new address, and what the server did about it.</summary>
    public ClientMove? Move { get; set; }
    /// <summary>Per client address: UDP payload bytes received from it and sent to it (RFC 9000 section 8.1).</summary>
    public Dictionary<NetEndpoint, AddressBudget> Budgets { get; } = new();

    /// <summary>The amplification budget of <paramref name="client"/>.</summary>
    public AddressBudget BudgetOf(NetEndpoint client)
    {
        if (!Budgets.TryGetValue(client, out var budget))
        {
            budget = new AddressBudget();
            Budgets[client] = budget;
        }

        return budget;
    }
    public Dictionary<PathKey, PathState> Paths { get; } = new();
    public Dictionary<ulong, Challenge> Pending { get; } = new();
    public List<string> ChallengeData { get; } = new();
    public List<string> ResponseData { get; } = new();
    /// <summary>The length of the connection IDs each side chose for itself (-1 until known; 0 for zero-length).</summary>
    public PerSide<int> CidLength { get; } = new(-1, -1);
    public long Packets { get; set; }
    public long Undecryptable { get; set; }
    /// <summary>Per side: packets that failed to authenticate, and datagrams that did not parse or were cut short.</summary>
    public PerSide<long> UnreadableFrom { get; } = new();

    /// <summary>True when an endpoint uses zero-length connection IDs: its packets are followed by address.</summary>
    public bool UsesZeroLengthCid => CidLength[Side.Client] == 0 || CidLength[Side.Server] == 0;

    /// <summary>The server address the client sends to on the path of <paramref name="client"/>.</summary>
    public NetEndpoint ServerFor(NetEndpoint client) => LastServerFor.TryGetValue(client, out var server) ? server : Server;

    /// <summary>The path of a datagram to or from the server at <paramref name="server"/> (an address the client never sent to counts as the client's current one).</summary>
    public PathKey PathOf(NetEndpoint client, NetEndpoint server) => new(client, ServerAddresses.Contains(server) ? server : ServerFor(client));

    /// <inheritdoc />
    public void Dispose() => Keys.Dispose();
}
