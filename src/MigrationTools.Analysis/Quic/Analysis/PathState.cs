using System.Collections.Generic;
using MigrationTools.Analysis.Capture;

namespace MigrationTools.Analysis.Quic;

/// <summary>What has happened on one path (client address, server address) of a connection.</summary>
internal sealed class PathState(PathKey key, bool isInitial, int order = 0)
{
    /// <summary>The path's place among its connection's paths (first seen, first).</summary>
    public int Order { get; } = order;
    public PathKey Key { get; } = key;
    public NetEndpoint Client => Key.Client;
    /// <summary>The handshake's path: validated by the handshake itself (see <see cref="Validated"/>).</summary>
    public bool IsInitial { get; } = isInitial;
    /// <summary>The client's first packets from this client address came after others (it moved here).</summary>
    public bool IsMigrationTarget { get; set; }
    /// <summary>The DCID the client kept when it moved here (a NAT rebinding, unless it probes itself).</summary>
    public CidKey KeptDcid { get; set; }
    public bool DcidReuseReported { get; set; }
    /// <summary>The DCID the client used last before it moved here.</summary>
    public CidKey DcidBeforeMove { get; set; }
    /// <summary>The client moved here although the server disabled active migration (waiting for proof it moved itself).</summary>
    public bool MovedUnderDisabledMigration { get; set; }
    public bool ActiveMigrationReported { get; set; }
    /// <summary>When the client last sent on the path (set through <see cref="ProbingPaths.Touch"/>).</summary>
    public long LastClientMicros { get; set; }
    public bool Abandoned { get; set; }
    public List<NetEndpoint> ServerSources { get; } = new();
    public long PacketsFromClient { get; set; }
    public long PacketsToClient { get; set; }
    public int SourceMismatches { get; set; }
    public bool FirstServerPacketChecked { get; set; }
    public long UnreadableFromClient { get; set; }
    /// <summary>Server datagrams to this path that could not be read (they may have carried a PATH_CHALLENGE).</summary>
    public long UnreadableToClient { get; set; }
    public PerSide<long> ResponderUnreadableAtFirstChallenge { get; } = new();
    public bool HeuristicProbeReported { get; set; }
    /// <summary>
    /// Validated by each side, on evidence only: a matching PATH_RESPONSE, or for the handshake's path the peer's
    /// Handshake or 1-RTT packets on it (RFC 9000 section 8.1).
    /// </summary>
    public PerSide<bool> Validated { get; } = new(false, false);
    /// <summary>When the server first sent a non-probing packet to this client address after the client moved here.</summary>
    public long? ServerDataMicros { get; set; }
    public PerSide<bool> EndlessReported { get; } = new();
    /// <summary>When each side's PATH_CHALLENGEs on the path were sent.</summary>
    public PerSide<List<long>> ChallengeTimes { get; } = new(new List<long>(), new List<long>());
}
