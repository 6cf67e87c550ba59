using System.Collections.Generic;

namespace MigrationTools.Analysis.Quic;

/// <summary>Which event kinds are verdicts (failures), named one by one rather than by their order.</summary>
internal static class QuicProbeVerdicts
{
    private static readonly HashSet<QuicProbeEventKind> Verdicts = new()
    {
        QuicProbeEventKind.SourceAddressMismatch,
        QuicProbeEventKind.EndlessProbing,
        QuicProbeEventKind.UnansweredChallenge,
        QuicProbeEventKind.UndersizedProbe,
        QuicProbeEventKind.ResponseOnWrongPath,
        QuicProbeEventKind.NoChallengeOnNewPath,
        QuicProbeEventKind.DcidReused,
        QuicProbeEventKind.AmplificationExceeded,
        QuicProbeEventKind.ActiveMigrationDisabled,
        QuicProbeEventKind.MigrationNotFollowed,
    };

    /// <summary>The verdict kinds.</summary>
    public static IReadOnlyCollection<QuicProbeEventKind> All => Verdicts;

    /// <summary>True for a failure verdict, false for an observation.</summary>
    public static bool IsVerdict(QuicProbeEventKind kind) => Verdicts.Contains(kind);
}
