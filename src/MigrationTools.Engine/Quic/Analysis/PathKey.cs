using MigrationTools.Engine.Capture;

namespace MigrationTools.Engine.Quic;

/// <summary>A path as RFC 9000 defines it: the client's address and port, and the server's the client sends to.</summary>
internal readonly record struct PathKey(NetEndpoint Client, NetEndpoint Server);
