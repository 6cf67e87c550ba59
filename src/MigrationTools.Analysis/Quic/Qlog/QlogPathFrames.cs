using System.Collections.Generic;

namespace MigrationTools.Analysis.Quic;

/// <summary>The PATH_CHALLENGE and PATH_RESPONSE data found in qlog files.</summary>
/// <param name="Challenges">PATH_CHALLENGE data (hex), sent or received.</param>
/// <param name="Responses">PATH_RESPONSE data (hex), sent or received.</param>
/// <param name="PacketEvents">packet_sent and packet_received events read.</param>
/// <param name="SkippedRecords">Records that were not JSON (skipped).</param>
internal sealed record QlogPathFrames(IReadOnlySet<string> Challenges, IReadOnlySet<string> Responses, int PacketEvents, int SkippedRecords);
