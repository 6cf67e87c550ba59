using System.Net;

namespace MigrationTools.Analysis.Quic;

/// <summary>The server's preferred_address transport parameter (RFC 9000 section 18.2): where it would like the client to move.</summary>
/// <param name="IPv4">The IPv4 address and port, or null when the server gave none (all zeros).</param>
/// <param name="IPv6">The IPv6 address and port, or null when the server gave none.</param>
/// <param name="ConnectionId">The connection ID to use at the preferred address (sequence number 1), in hex.</param>
/// <param name="StatelessResetToken">Its stateless reset token, in hex.</param>
internal sealed record PreferredAddress(IPEndPoint? IPv4, IPEndPoint? IPv6, string ConnectionId, string StatelessResetToken);
