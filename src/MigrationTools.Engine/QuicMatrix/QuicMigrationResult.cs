using System;
using System.Collections.Generic;
using MigrationTools.Analysis.Quic;

namespace MigrationTools.Engine.QuicMatrix;

/// <summary>One cell of a Test-QuicMigration matrix: a server, a client, a scenario, and what became of it.</summary>
public sealed class QuicMigrationResult
{
    /// <summary>The server's implementation.</summary>
    public string Server { get; init; } = string.Empty;

    /// <summary>The client's implementation.</summary>
    public string Client { get; init; } = string.Empty;

    /// <summary>The scenario's name.</summary>
    public string Scenario => ScenarioKind.ToString();

    /// <summary>The fault injected into the server's side (<c>ProbeFromRealAddress</c>), or null.</summary>
    public string? Fault { get; init; }

    /// <summary>Passed, Failed, Unsupported or Error (a name, so that exports carry the word).</summary>
    public string Outcome => OutcomeKind.ToString();

    /// <summary>Why, in one sentence.</summary>
    public string Reason { get; init; } = string.Empty;

    /// <summary>True when the client downloaded the whole file and its SHA-256 is the served file's.</summary>
    public bool TransferComplete { get; internal set; }

    /// <summary>The size of the served file, in bytes.</summary>
    public long ExpectedBytes { get; init; }

    /// <summary>The size of what the client wrote, in bytes.</summary>
    public long ReceivedBytes { get; internal set; }

    /// <summary>The kinds of the verdicts Watch-QuicProbe found in the capture (certain or not).</summary>
    public IReadOnlyList<string> Verdicts { get; internal set; } = Array.Empty<string>();

    /// <summary>Every event Watch-QuicProbe found in the capture.</summary>
    public IReadOnlyList<QuicProbeEvent> Events { get; internal set; } = Array.Empty<QuicProbeEvent>();

    /// <summary>How long the cell took, lab included.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>The cell's folder: capture, key logs, qlogs, timeline, the programs' output.</summary>
    public string? Directory { get; internal set; }

    /// <summary>The capture (pcapng, with the TLS secrets embedded).</summary>
    public string? CapturePath { get; internal set; }

    /// <summary>The qlog files: the peers' own and those Watch-QuicProbe wrote from the capture.</summary>
    public IReadOnlyList<string> QlogPaths { get; internal set; } = Array.Empty<string>();

    /// <summary>The timeline of the connection as an SVG sequence diagram.</summary>
    public string? TimelinePath { get; internal set; }

    internal QuicScenario ScenarioKind { get; init; }

    internal QuicOutcome OutcomeKind { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Server} -> {Client} {Scenario}{(Fault is null ? string.Empty : " (" + Fault + ")")}: {Outcome}";
}
