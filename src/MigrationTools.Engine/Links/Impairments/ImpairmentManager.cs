using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using MigrationTools.Core.Errors;
using MigrationTools.Core.Interop;
using MigrationTools.Core.Reporting;
using MigrationTools.Engine.Namespaces;
using MigrationTools.Engine.Netlink;
using MigrationTools.Engine.Netlink.Route;
using MigrationTools.Engine.State;
using MigrationTools.Engine.Tools;

namespace MigrationTools.Engine.Links.Impairments;

/// <summary>
/// Link impairments, as containerlab's netem and Mininet's TCLink give them: delay, jitter, loss, duplication and
/// reordering of an interface's outgoing packets by a netem qdisc set over rtnetlink, and a rate. Where the kernel has
/// no sch_netem, loss is an nftables rule dropping that share of the interface's packets at random and the rate a
/// token bucket (tbf); delay, jitter, duplication and reordering cannot be had and are KernelFeatureMissing.
/// </summary>
internal static class ImpairmentManager
{
    private const string Area = "impairments";
    private const string Table = "migrationtools_impair";

    private sealed record ImpairmentState(string Interface, double DelayMs, double JitterMs, double LossPercent, double DuplicatePercent,
        double ReorderPercent, int? RateMbit, string Method);

    /// <summary>Sets (replaces) what is done to an interface's outgoing packets.</summary>
    public static LinkImpairment Set(string @namespace, string @interface, NetemSettings settings, int? rateMbit, CancellationToken cancellationToken)
    {
        NetNsLookup.EnsureExists(@namespace);
        Validation.NameValidator.EnsureInterfaceName(@interface);
        var index = LinkManager.IndexOf(@namespace, @interface);
        Remove(@namespace, @interface, quiet: true, cancellationToken);
        string method;
        var ack = Rtnetlink.Execute(@namespace, (ref NetlinkWriter w, uint s) => QdiscMessages.WriteNetem(ref w, s, index, settings, TicksPerMicrosecond(), rateMbit),
            $"set netem on {@namespace}/{@interface}");
        if (ack.Succeeded)
        {
            method = "netem";
        }
        else if (ack.Error == Errno.ENOENT)
        {
            var needsNetem = new List<string>();
            if (settings.DelayMs > 0) { needsNetem.Add("-DelayMs"); }
            if (settings.JitterMs > 0) { needsNetem.Add("-JitterMs"); }
            if (settings.DuplicatePercent > 0) { needsNetem.Add("-DuplicatePercent"); }
            if (settings.ReorderPercent > 0) { needsNetem.Add("-ReorderPercent"); }
            if (needsNetem.Count > 0)
            {
                throw ErrorCatalog.KernelFeatureMissing(
                    $"This kernel ({File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}) has no netem qdisc (the module sch_netem), which {string.Join(", ", needsNetem)} need. -LossPercent and -RateMbit work without it.",
                    @interface);
            }

            method = "nftables+tbf";
            if (rateMbit is { } rate)
            {
                Shape(@namespace, @interface, rate, cancellationToken);
            }
        }
        else
        {
            throw NetlinkSocket.Failure($"set netem on {@namespace}/{@interface}", ack);
        }

        var state = new ImpairmentState(@interface, settings.DelayMs, settings.JitterMs, settings.LossPercent, settings.DuplicatePercent, settings.ReorderPercent, rateMbit, method);
        StateFiles.Write(StatePath(@namespace, @interface), state);
        if (method != "netem")
        {
            try
            {
                ApplyDropRules(@namespace, cancellationToken);
            }
            catch
            {
                // Nothing half-set: the record and the rate go with the refused rules.
                Remove(@namespace, @interface, quiet: true, cancellationToken);
                throw;
            }
        }

        EngineOutput.Verbose($"Impaired {@namespace}/{@interface} with {method}.");
        return ToImpairment(@namespace, state);
    }

    /// <summary>The impairments set on a namespace's interfaces.</summary>
    public static IReadOnlyList<LinkImpairment> List(string @namespace, string? @interface = null)
    {
        NetNsLookup.EnsureExists(@namespace);
        return States(@namespace).Where(s => @interface is null || s.Interface == @interface).Select(s => ToImpairment(@namespace, s)).ToArray();
    }

    /// <summary>Takes an interface's impairment off (its root qdisc back to the default, its drop rule gone).</summary>
    public static void Remove(string @namespace, string @interface, bool quiet, CancellationToken cancellationToken)
    {
        NetNsLookup.EnsureExists(@namespace);
        var path = StatePath(@namespace, @interface);
        var state = StateFiles.Read<ImpairmentState>(path);
        if (state is null)
        {
            if (!quiet)
            {
                throw ErrorCatalog.ImpairmentNotFound($"{@namespace}/{@interface} has no impairment set by MigrationTools. List them with Get-NetNsLinkImpairment -Namespace {@namespace}.", @interface);
            }

            return;
        }

        if (state.Method == "netem" || state.RateMbit is not null)
        {
            var index = LinkManager.IndexOf(@namespace, @interface);
            var ack = Rtnetlink.Execute(@namespace, (ref NetlinkWriter w, uint s) => QdiscMessages.WriteDeleteRoot(ref w, s, index), $"remove the qdisc of {@namespace}/{@interface}");
            if (!ack.Succeeded && ack.Error is not (Errno.ENOENT or Errno.EINVAL))
            {
                throw NetlinkSocket.Failure($"remove the qdisc of {@namespace}/{@interface}", ack);
            }
        }

        Core.Files.FileCleanup.TryDelete(path);
        ApplyDropRules(@namespace, cancellationToken);
    }

    /// <summary>The nftables table of random drops for every interface impaired without netem (none: no table).</summary>
    private static void ApplyDropRules(string @namespace, CancellationToken cancellationToken)
    {
        var drops = States(@namespace).Where(s => s.Method != "netem" && s.LossPercent > 0).ToArray();
        var text = new StringBuilder($"table inet {Table}\ndelete table inet {Table}\n");
        if (drops.Length > 0)
        {
            text.Append($"table inet {Table} {{\n  chain egress {{\n    type filter hook postrouting priority 0; policy accept;\n");
            foreach (var drop in drops)
            {
                // A share of 10,000 at random: 0.01 % steps; everything is a plain drop.
                var share = (int)Math.Round(drop.LossPercent * 100);
                text.Append(share >= 10000
                    ? $"    oifname \"{drop.Interface}\" drop\n"
                    : string.Create(CultureInfo.InvariantCulture, $"    oifname \"{drop.Interface}\" numgen random mod 10000 < {share} drop\n"));
            }

            text.Append("  }\n}\n");
        }

        var result = NetNsTool.TryRun(@namespace, "nft", new[] { "-f", "-" }, text.ToString(), cancellationToken);
        if (!result.Succeeded)
        {
            throw ErrorCatalog.ImpairmentFailed($"nft refused the drop rules of '{@namespace}': {result.StandardError.Trim()}", @namespace);
        }
    }

    private static IEnumerable<ImpairmentState> States(string @namespace) =>
        NetNsState.Current(@namespace, Area) is { } directory ? StateFiles.ReadAll<ImpairmentState>(directory).Select(e => e.Value) : Enumerable.Empty<ImpairmentState>();

    private static string StatePath(string @namespace, string @interface) => Path.Combine(NetNsState.Prepare(@namespace, Area), @interface + ".json");

    private static LinkImpairment ToImpairment(string @namespace, ImpairmentState s)
    {
        // Present when every part is in the kernel: the netem or tbf root qdisc, and the drop rule of a loss without netem.
        var present = true;
        if (s.Method == "netem" || s.RateMbit is not null)
        {
            var shown = NetNsTool.TryRun(@namespace, "tc", new[] { "qdisc", "show", "dev", s.Interface, "root" });
            present = shown.StandardOutput.Contains(s.Method == "netem" ? "qdisc netem" : "qdisc tbf", StringComparison.Ordinal);
        }

        if (s.Method != "netem" && s.LossPercent > 0)
        {
            present &= NetNsTool.TryRun(@namespace, "nft", new[] { "list", "table", "inet", Table }).StandardOutput.Contains($"oifname \"{s.Interface}\"", StringComparison.Ordinal);
        }

        return new LinkImpairment(@namespace, s.Interface, s.DelayMs, s.JitterMs, s.LossPercent, s.DuplicatePercent, s.ReorderPercent, s.RateMbit, s.Method, present);
    }

    /// <summary>The packet scheduler's ticks per microsecond, from /proc/net/psched as tc reads it.</summary>
    private static double TicksPerMicrosecond()
    {
        try
        {
            var fields = File.ReadAllText("/proc/net/psched").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(f => (double)Convert.ToUInt32(f, 16)).ToArray();
            // Nanoseconds per microsecond over nanoseconds per tick (1000 / 64 on Linux: 15.625).
            return fields[0] / fields[1];
        }
        catch (Exception ex) when (ex is IOException or FormatException or IndexOutOfRangeException)
        {
            return 15.625;
        }
    }

    /// <summary>A token bucket on the interface (tc tbf; the kernel here has no netem): the link's rate in each direction.</summary>
    internal static void Shape(string @namespace, string @interface, int rateMbit, CancellationToken cancellationToken)
    {
        var burst = Math.Max(32, rateMbit * 1000 / 8 / 100).ToString(CultureInfo.InvariantCulture) + "kb";
        var result = NetNsTool.TryRun(@namespace, "tc", new[] { "qdisc", "replace", "dev", @interface, "root", "tbf", "rate", rateMbit.ToString(CultureInfo.InvariantCulture) + "mbit", "burst", burst, "latency", "50ms" }, cancellationToken: cancellationToken);
        if (!result.Succeeded)
        {
            throw ErrorCatalog.LabRateFailed($"Could not limit {@namespace}/{@interface} to {rateMbit} Mbit/s: {result.StandardError.Trim()}", @interface);
        }
    }
}
