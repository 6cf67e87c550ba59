using System.Collections.Generic;

namespace MigrationTools.Analysis.Quic;

/// <summary>One connection at the end of Watch-QuicProbe -Summary.</summary>
/// <param name="Connection">The client's first Destination Connection ID, in hex.</param>
/// <param name="Version">The QUIC version (1 or 2).</param>
/// <param name="Server">The server address of the handshake.</param>
/// <param name="ClientAddresses">Every client address seen, in order.</param>
/// <param name="Paths">Every path (client address and server address).</param>
/// <param name="Validations">How many path validations succeeded.</param>
/// <param name="Verdicts">The verdict kinds found.</param>
/// <param name="Decrypted">True when 1-RTT packets were decrypted.</param>
/// <param name="Packets">Datagrams of the connection.</param>
/// <param name="UndecryptablePackets">Packets that did not authenticate.</param>
/// <param name="QlogCheck">With -QlogPath: whether the qlogs hold the same PATH_CHALLENGE/PATH_RESPONSE data.</param>
/// <param name="PreferredAddress">The server's preferred address, when its transport parameters were read.</param>
/// <param name="ZeroLengthConnectionIds">True when an endpoint uses zero-length connection IDs (followed by address).</param>
/// <param name="DisableActiveMigration">True when the server's transport parameters (read with keys) forbid the client to migrate actively.</param>
/// <param name="KernelDroppedPackets">In a live watch, the packets the kernel dropped before the capture read them (of every connection of the watch); null for files.</param>
public sealed record QuicConnectionSummary(
    string Connection, string Version, string Server, IReadOnlyList<string> ClientAddresses, IReadOnlyList<QuicPathSummary> Paths,
    int Validations, IReadOnlyList<string> Verdicts, bool Decrypted, long Packets, long UndecryptablePackets, string? QlogCheck,
    string? PreferredAddress = null, bool ZeroLengthConnectionIds = false, bool DisableActiveMigration = false, long? KernelDroppedPackets = null);
