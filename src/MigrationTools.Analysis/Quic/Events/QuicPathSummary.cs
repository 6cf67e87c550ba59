using System.Collections.Generic;

namespace MigrationTools.Analysis.Quic;

/// <summary>One path of a connection, as seen at the end.</summary>
/// <param name="ClientAddress">The client's address and port.</param>
/// <param name="ServerAddress">The server address the client sent to on this path.</param>
/// <param name="ServerSources">The addresses the server's packets on this path came from.</param>
/// <param name="ChallengesFromServer">PATH_CHALLENGEs the server sent on the path.</param>
/// <param name="ChallengesFromClient">PATH_CHALLENGEs the client sent on the path.</param>
/// <param name="ValidatedByServer">The server validated the path: a PATH_RESPONSE to its challenge, or for the handshake's path the client's Handshake packets.</param>
/// <param name="ValidatedByClient">The client validated the path: a PATH_RESPONSE to its challenge, or for the handshake's path the server's Handshake packets from the address it sent to.</param>
/// <param name="PacketsFromClient">Datagrams from the client on the path.</param>
/// <param name="PacketsToClient">Datagrams to the client on the path.</param>
/// <param name="SourceMismatches">Server datagrams from an address the client never sent to.</param>
public sealed record QuicPathSummary(
    string ClientAddress, string ServerAddress, IReadOnlyList<string> ServerSources, int ChallengesFromServer, int ChallengesFromClient,
    bool ValidatedByServer, bool ValidatedByClient, long PacketsFromClient, long PacketsToClient, int SourceMismatches);
