using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using MigrationTools.Analysis.Capture;
using MigrationTools.Analysis.Quic;
using MigrationTools.Core.Errors;
using MigrationTools.Core.Files;
using MigrationTools.Core.Processes;
using MigrationTools.Core.Reporting;
using MigrationTools.Engine.Namespaces;
using MigrationTools.Engine.Processes;
using MigrationTools.Engine.State;
using MigrationTools.Engine.Tools;

namespace MigrationTools.Engine.Captures;

/// <summary>
/// Captures as things of their own: tcpdump in a namespace writing a raw file kept with the namespace's state, its
/// messages (and at its end its counts) written by tcpdump itself to a log beside it; stopped, the raw file becomes
/// the named file (pcapng, with the key log embedded on request, or pcap) and the counts a summary. A capture dies
/// with the session that started it, as every background program does, and goes with its namespace.
/// </summary>
internal static partial class NetNsCaptureManager
{
    private const string Area = "captures";

    /// <summary>libpcap's buffer timeout as tcpdump sets it (1 s), and a margin.</summary>
    private static readonly TimeSpan BlockTimeout = TimeSpan.FromMilliseconds(1100);

    /// <summary>A capture as kept in the state (what Stop needs, from any session).</summary>
    private sealed record CaptureState(string Id, string Namespace, string Interface, string Path, string? Filter, int ProcessId, long StartTicks,
        DateTime Started, string? KeyLogFile, int? RingFileSizeMB, int? RingFileCount, string RawPath, string LogPath);

    /// <summary>Starts a capture; returns once tcpdump is capturing.</summary>
    public static NetNsCapture Start(string @namespace, string? @interface, string path, string? filter, string? keyLogFile, int? ringFileSizeMB, int? ringFileCount,
        bool force, CancellationToken cancellationToken)
    {
        NetNsLookup.EnsureExists(@namespace);
        var target = System.IO.Path.GetFullPath(path);
        var extension = System.IO.Path.GetExtension(target).ToLowerInvariant();
        if (extension is not (".pcapng" or ".pcap"))
        {
            throw ErrorCatalog.OutFileInvalid($"-Path '{path}' must end in .pcapng (the default format, which can carry the key log) or .pcap.", path);
        }

        if (keyLogFile is not null && extension != ".pcapng")
        {
            throw ErrorCatalog.OutFileInvalid($"-KeyLogFile needs a .pcapng file: pcap cannot carry a key log ('{path}').", path);
        }

        if ((ringFileSizeMB is null) != (ringFileCount is null))
        {
            throw ErrorCatalog.InvalidArgument("A ring buffer needs both -RingFileSizeMB and -RingFileCount.", ringFileSizeMB?.ToString(CultureInfo.InvariantCulture) ?? ringFileCount?.ToString(CultureInfo.InvariantCulture));
        }

        if (!Directory.Exists(System.IO.Path.GetDirectoryName(target)))
        {
            throw ErrorCatalog.OutFileInvalid($"The folder of -Path '{path}' does not exist.", path);
        }

        foreach (var file in Targets(target, ringFileCount))
        {
            OutputFiles.EnsureTarget(file, force, "-Path");
        }

        var id = DateTime.UtcNow.ToString("yyyyMMddTHHmmssfff", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8];
        var directory = NetNsState.Prepare(@namespace, Area);
        var raw = System.IO.Path.Combine(directory, id + ".pcap");
        var log = System.IO.Path.Combine(directory, id + ".log");
        var iface = string.IsNullOrEmpty(@interface) ? "any" : @interface;
        var tcpdump = ToolCatalog.Resolve("tcpdump");
        // -Z root keeps tcpdump's credentials (and with them the signal that ends it with this session); -U writes
        // each packet as it is handed over; -B 8192 gives the kernel 8 MB to hold a burst (immediate mode, a wake-up
        // per packet, drops packets of a fast transfer, so the kernel hands them over in blocks: Stop waits for the
        // last one); its messages and final counts go to the log by tcpdump's own stderr.
        var arguments = new List<string> { "-c", "exec \"$0\" \"$@\" 2>>\"$MIGRATIONTOOLS_CAPTURE_LOG\"", tcpdump, "-i", iface, "-Z", "root", "-U", "-B", "8192", "-n", "-s", "0", "-w", raw };
        if (ringFileSizeMB is { } size)
        {
            arguments.AddRange(new[] { "-C", size.ToString(CultureInfo.InvariantCulture), "-W", ringFileCount!.Value.ToString(CultureInfo.InvariantCulture) });
        }

        if (!string.IsNullOrWhiteSpace(filter))
        {
            arguments.Add("--");
            arguments.Add(filter);
        }

        var process = NetNsProcessManager.StartBackground(@namespace, "sh", arguments, new Dictionary<string, string?> { ["MIGRATIONTOOLS_CAPTURE_LOG"] = log });
        var state = new CaptureState(id, @namespace, iface, target, filter, process.ProcessId, ProcessSignals.StartTicks(process.ProcessId) ?? 0, DateTime.UtcNow,
            keyLogFile is null ? null : System.IO.Path.GetFullPath(keyLogFile), ringFileSizeMB, ringFileCount, raw, log);
        var statePath = System.IO.Path.Combine(directory, id + ".json");
        StateFiles.Write(statePath, state);
        try
        {
            WaitListening(state, cancellationToken);
        }
        catch
        {
            Discard(state);
            FileCleanup.TryDelete(statePath);
            throw;
        }

        EngineOutput.Verbose($"Capturing in '{@namespace}' on {iface} (tcpdump pid {process.ProcessId}) for {target}.");
        return ToCapture(state);
    }

    /// <summary>The captures running in <paramref name="namespace"/> (every namespace when null).</summary>
    public static IReadOnlyList<NetNsCapture> List(string? @namespace) => States(@namespace).Select(s => ToCapture(s.Value)).ToArray();

    /// <summary>Stops a capture and writes its file; returns what it holds.</summary>
    public static NetNsCaptureSummary Stop(string @namespace, string id, CancellationToken cancellationToken)
    {
        var (statePath, state) = States(@namespace).FirstOrDefault(s => s.Value.Id == id);
        if (state is null)
        {
            throw ErrorCatalog.CaptureNotFound($"No capture '{id}' is running in '{@namespace}'. List them with Get-NetNsProcess -Namespace {@namespace} (tcpdump).", id);
        }

        var watch = Stopwatch.StartNew();
        // The kernel hands packets to tcpdump in blocks, at the latest after libpcap's 1 s timeout: wait that long so
        // the last packets are written, then SIGTERM (tcpdump writes its counts as it ends); SIGKILL after the grace.
        if (IsRunning(state))
        {
            cancellationToken.WaitHandle.WaitOne(BlockTimeout);
            End(state, TimeSpan.FromSeconds(5));
        }

        var (captured, received, dropped) = Counts(File.Exists(state.LogPath) ? File.ReadAllText(state.LogPath) : string.Empty);
        try
        {
            var files = Publish(state, cancellationToken);
            var summary = new NetNsCaptureSummary(state.Namespace, state.Interface, files, captured, received, dropped, DateTime.UtcNow - state.Started,
                state.KeyLogFile is not null && files.Count > 0);
            EngineOutput.Verbose($"Stopped the capture of '{state.Namespace}' ({captured} packets, {dropped} dropped by the kernel) in {watch.ElapsedMilliseconds} ms.");
            return summary;
        }
        finally
        {
            Discard(state);
            FileCleanup.TryDelete(statePath);
        }
    }

    /// <summary>tcpdump's closing counts: packets captured, received by the filter, dropped by the kernel.</summary>
    internal static (long Captured, long Received, long Dropped) Counts(string log) =>
        (Count(log, "captured"), Count(log, "received by filter"), Count(log, "dropped by kernel"));

    private static long Count(string log, string what)
    {
        var match = Regex.Match(log, @"(?m)^(\d+) packets? " + Regex.Escape(what));
        return match.Success ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>The files a capture ends as: the path, or with a ring buffer one per slot (name-0.pcapng, ...).</summary>
    private static IReadOnlyList<string> Targets(string target, int? ringFileCount) =>
        ringFileCount is { } count
            ? Enumerable.Range(0, count).Select(i => System.IO.Path.Combine(System.IO.Path.GetDirectoryName(target)!,
                System.IO.Path.GetFileNameWithoutExtension(target) + "-" + i.ToString(CultureInfo.InvariantCulture) + System.IO.Path.GetExtension(target))).ToArray()
            : new[] { target };

    /// <summary>The raw files (tcpdump numbers them with a ring buffer) as the named files, oldest first.</summary>
    private static IReadOnlyList<string> Publish(CaptureState state, CancellationToken cancellationToken)
    {
        var raws = state.RingFileCount is { } count
            ? Enumerable.Range(0, count).Select(i => state.RawPath + i.ToString(CultureInfo.InvariantCulture)).Where(File.Exists).OrderBy(File.GetLastWriteTimeUtc).ToArray()
            : File.Exists(state.RawPath) ? new[] { state.RawPath } : Array.Empty<string>();
        var targets = Targets(state.Path, state.RingFileCount);
        var keyLog = state.KeyLogFile is { } keys && File.Exists(keys) ? File.ReadAllText(keys) : null;
        var written = new List<string>();
        for (var i = 0; i < raws.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var target = targets[i];
            if (target.EndsWith(".pcap", StringComparison.OrdinalIgnoreCase))
            {
                var partial = OutputFiles.PartialPath(target, sweep: false);
                try
                {
                    File.Copy(raws[i], partial, overwrite: true);
                    OutputFiles.Complete(partial, target, "-Path");
                }
                finally
                {
                    FileCleanup.TryDelete(partial);
                }
            }
            else
            {
                using var export = new CaptureExport(target);
                using (var reader = new CaptureReader(File.OpenRead(raws[i]), raws[i]))
                {
                    while (reader.TryRead(out var record))
                    {
                        export.Write(record);
                    }
                }

                export.Commit(keyLog);
            }

            written.Add(target);
        }

        return written;
    }

    private static void WaitListening(CaptureState state, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            var log = File.Exists(state.LogPath) ? File.ReadAllText(state.LogPath) : string.Empty;
            if (log.Contains("listening on", StringComparison.Ordinal))
            {
                return;
            }

            if (!IsRunning(state))
            {
                throw ErrorCatalog.CaptureFailed($"tcpdump in '{state.Namespace}' ended at once: {log.Trim()}", state.Namespace);
            }

            cancellationToken.WaitHandle.WaitOne(20);
            cancellationToken.ThrowIfCancellationRequested();
        }

        throw ErrorCatalog.CaptureFailed($"tcpdump in '{state.Namespace}' did not start capturing within 10 s.", state.Namespace);
    }

    /// <summary>Stops what is left of a capture and removes its raw files and log.</summary>
    private static void Discard(CaptureState state)
    {
        End(state, TimeSpan.FromSeconds(2));

        foreach (var file in Directory.EnumerateFiles(System.IO.Path.GetDirectoryName(state.RawPath)!, state.Id + ".*"))
        {
            if (!file.EndsWith(".json", StringComparison.Ordinal))
            {
                FileCleanup.TryDelete(file);
            }
        }
    }

    /// <summary>True while the capture's own tcpdump runs (not another process that took its pid).</summary>
    private static bool IsRunning(CaptureState state) =>
        ProcessSignals.IsAlive(state.ProcessId) && ProcessSignals.StartTicks(state.ProcessId) == state.StartTicks;

    /// <summary>
    /// Ends the capture's tcpdump as the background program it was started as (SIGTERM, SIGKILL after
    /// <paramref name="grace"/>) and forgets its record, so Get-NetNsProcess does not list it afterwards.
    /// </summary>
    private static void End(CaptureState state, TimeSpan grace)
    {
        if (NetNsProcessManager.List(state.Namespace).FirstOrDefault(p => p.ProcessId == state.ProcessId && p.StartTicks == state.StartTicks) is { } process)
        {
            NetNsProcessManager.Stop(process, grace);
        }
        else if (IsRunning(state))
        {
            ProcessSignals.Terminate(state.ProcessId, grace);
        }
    }

    private static IEnumerable<(string Path, CaptureState Value)> States(string? @namespace)
    {
        var names = @namespace is null ? NetNsState.Names() : new[] { @namespace };
        foreach (var name in names)
        {
            if (NetNsState.Current(name, Area) is { } directory)
            {
                foreach (var entry in StateFiles.ReadAll<CaptureState>(directory))
                {
                    yield return entry;
                }
            }
        }
    }

    private static NetNsCapture ToCapture(CaptureState s) =>
        new(s.Id, s.Namespace, s.Interface, s.Path, s.Filter, s.ProcessId, s.Started, s.KeyLogFile, s.RingFileSizeMB, s.RingFileCount);
}
