using MigrationTools.Analysis.Capture;

namespace MigrationTools.Analysis.Quic;

/// <summary>A path as RFC 9000 defines it: the client's address and port, and the server's the client sends to.</summary>
internal readonly record struct PathKey(NetEndpoint Client, NetEndpoint Server);
