using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using MigrationTools.Analysis.Quic;

namespace MigrationTools.Engine.QuicMatrix;

/// <summary>
/// The pass rule of a cell: the transfer completed intact, the analyzer found no certain verdict in the capture, and
/// the scenario's own rule held: after a rebinding or a move the server validated the client's new address
/// (RFC 9000 section 9.3), and with a preferred address the client moved to it (section 9.6).
/// </summary>
internal static class QuicVerdict
{
    /// <summary>The outcome of a cell and its reason in one sentence.</summary>
    public static (QuicOutcome Outcome, string Reason) Judge(QuicCell cell, QuicScenarioPlan plan, QuicCellRun.Observed observed, bool complete, long received, long expected,
        IReadOnlyList<QuicProbeEvent>? events, bool activeMigrationDisabled = false)
    {
        if (observed.ServerExit == 127 || observed.ClientExit == 127)
        {
            var (name, role) = observed.ServerExit == 127 ? (cell.Server.Name, "server") : (cell.Client.Name, "client");
            return (QuicOutcome.Unsupported, $"{name} ({role}) exited with 127, the interop-runner's code for a test case it does not support.");
        }

        if (observed.Error is not null)
        {
            return (QuicOutcome.Error, observed.Error);
        }

        if (observed.ServerExit is not null && !observed.Handshake && observed.ClientExit is null)
        {
            return (QuicOutcome.Error, $"The {cell.Server.Name} server ended (exit code {observed.ServerExit}) before it listened on UDP {cell.Server.Port}{Detail(observed.ServerError)}.");
        }

        if (!observed.Handshake)
        {
            return (QuicOutcome.Failed, $"No handshake completed within 5 s{Detail(observed.ClientError)}.");
        }

        var all = events ?? Array.Empty<QuicProbeEvent>();
        var problems = new List<string>();
        var certain = all.Where(e => e.IsVerdict && e.Certain).ToArray();
        if (certain.Length > 0)
        {
            var first = certain[0];
            problems.Add($"Watch-QuicProbe found {string.Join(", ", certain.Select(e => e.KindName).Distinct())} ({first.KindName}: {first.Evidence.TrimEnd('.')})");
        }

        if (ScenarioProblem(cell.Scenario, plan, observed, all, activeMigrationDisabled) is { } rule)
        {
            problems.Add(rule);
        }

        if (!complete)
        {
            problems.Add(observed.TimedOut
                ? $"the transfer did not complete within the timeout ({Size(received)} of {Size(expected)})"
                : $"the transfer did not complete ({Size(received)} of {Size(expected)}, client exit code {observed.ClientExit?.ToString(CultureInfo.InvariantCulture) ?? "none"}{Detail(observed.ClientError)})");
        }

        if (problems.Count == 0)
        {
            return (QuicOutcome.Passed, cell.Scenario switch
            {
                QuicScenario.Transfer => "The transfer completed intact and the capture holds no verdict.",
                QuicScenario.PreferredAddress => "The client moved to the server's preferred address, which was validated, and the transfer completed intact.",
                _ => "The server validated the client's new address and the transfer completed intact.",
            });
        }

        var sentence = string.Join("; ", problems);
        return (QuicOutcome.Failed, char.ToUpperInvariant(sentence[0]) + sentence[1..] + ".");
    }

    private static string? ScenarioProblem(QuicScenario scenario, QuicScenarioPlan plan, QuicCellRun.Observed observed, IReadOnlyList<QuicProbeEvent> events, bool activeMigrationDisabled)
    {
        if (scenario == QuicScenario.Transfer)
        {
            return null;
        }

        if (scenario == QuicScenario.PreferredAddress)
        {
            var preferred = plan.PreferredAddress + ":";
            return events.Any(e => e.Kind == QuicProbeEventKind.PathValidated && (e.Source.StartsWith(preferred, StringComparison.Ordinal) || e.Destination.StartsWith(preferred, StringComparison.Ordinal)))
                ? null
                : $"the client did not move to the server's preferred address {plan.PreferredAddress} (no path to it was validated)";
        }

        if (!observed.Triggered)
        {
            return "the network change was never made (the client ended first)";
        }

        var moves = events.Where(e => e.Kind == QuicProbeEventKind.Migration).ToArray();
        if (moves.Length == 0)
        {
            return scenario is QuicScenario.RebindPort or QuicScenario.RebindAddress
                ? "no packet from the client's new mapping reached the server (the client sent nothing after the rebinding)"
                : activeMigrationDisabled
                    ? "the client did not move: no packet from its new address reached the server, and the server had sent disable_active_migration, which forbids the client to move (RFC 9000 section 9)"
                    : "the client did not move: no packet from its new address reached the server";
        }

        var unvalidated = moves.Select(m => m.Source).Distinct()
            .Where(address => !events.Any(e => e.Kind == QuicProbeEventKind.PathValidated && e.Sender == "Client" && e.Source == address)).ToArray();
        return unvalidated.Length == 0 ? null : $"the server did not validate the client's new address {string.Join(", ", unvalidated)} (RFC 9000 section 9.3)";
    }

    private static string Detail(string? error) => string.IsNullOrWhiteSpace(error) ? string.Empty : $": {error.Trim().TrimEnd('.')}";

    private static string Size(long bytes) => bytes >= 1024 * 1024
        ? (bytes / (1024.0 * 1024)).ToString("0.##", CultureInfo.InvariantCulture) + " MiB"
        : bytes.ToString(CultureInfo.InvariantCulture) + " bytes";
}
