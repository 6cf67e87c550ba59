using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using MigrationTools.Analysis.Capture;
using MigrationTools.Core.Errors;
using MigrationTools.Core.Files;

namespace MigrationTools.Analysis.Quic;

/// <summary>
/// Runs <see cref="QuicProbeAnalyzer"/> over capture files: no root, no namespace, no program started. The live
/// capture inside a namespace (the engine's QuicProbeWatcher) feeds the same run frame by frame through
/// <see cref="Feed"/>.
/// </summary>
internal static class QuicProbeFiles
{
    /// <summary>Creates a run; without a key log it gets an empty one, which the secrets of pcapng captures fill.</summary>
    public static QuicProbeRun NewRun(QuicProbeOptions options)
    {
        // What the analysis loads lazily is loaded now, while descriptors are free: a load that fails for want of one
        // (EMFILE, with many captures open) would otherwise fail the watch, or the session.
        QuicCrypto.EnsureLoaded();
        DuplicateFilter.EnsureLoaded();
        return new(options.KeyLog is null ? options with { KeyLog = new KeyLog() } : options);
    }

    /// <summary>
    /// Reads capture files, merged by time (captures of one experiment from several vantage points interleave; a
    /// datagram seen in more than one is counted once), and yields events as they are found. A file that cannot be
    /// read is recorded in <see cref="QuicProbeRun.FileErrors"/> and left out; the others are read. Every frame read
    /// goes to <paramref name="export"/> when there is one.
    /// </summary>
    public static IEnumerable<QuicProbeEvent> ReadFiles(IReadOnlyList<string> paths, QuicProbeRun run, CaptureExport? export = null, CancellationToken cancellationToken = default)
    {
        var readers = new List<CaptureReader>();
        try
        {
            var budget = DescriptorBudget.Available();
            foreach (var path in paths)
            {
                if (readers.Count >= budget)
                {
                    // The runtime loads code lazily, and a load that finds no descriptor free fails for the rest of the
                    // session: captures beyond what leaves a reserve free are refused, each by name.
                    run.FileErrors.Add(ErrorCatalog.CaptureUnreadable($"The capture '{path}' was not opened: too many open files would follow ({readers.Count} captures are open, and the process keeps {DescriptorBudget.Reserve} descriptors free of its limit); raise 'ulimit -n' or read fewer captures at once.", path));
                    continue;
                }

                if (Open(path, run) is { } reader)
                {
                    readers.Add(reader);
                }
            }

            var output = new List<QuicProbeEvent>();
            long last = 0;
            while (Pump(readers, run, export, output, ref last, cancellationToken))
            {
                foreach (var e in output)
                {
                    run.Record(e);
                    yield return e;
                }

                output.Clear();
            }

            run.Analyzer.Advance(last, output);
            foreach (var e in output)
            {
                run.Record(e);
                yield return e;
            }
        }
        finally
        {
            foreach (var reader in readers)
            {
                run.DamagedBlocks += reader.Damaged;
                reader.Dispose();
            }
        }
    }

    /// <summary>Opens one capture and reads its first frame; a failure is recorded for that file only.</summary>
    private static CaptureReader? Open(string path, QuicProbeRun run)
    {
        FileStream? stream = null;
        try
        {
            if (FileKinds.NotRegular(path) is { } kind)
            {
                // A FIFO with no writer would block the read past -TimeoutSeconds; a device may never end.
                throw ErrorCatalog.CaptureUnreadable($"'{path}' is {kind}, not a capture file; live traffic is read with -Namespace.", path);
            }

            if (!File.Exists(path))
            {
                throw ErrorCatalog.CaptureNotFound($"The capture file '{path}' does not exist.", path);
            }

            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 20);
            var reader = new CaptureReader(stream, path, ownsStream: true, (type, data) => run.Options.KeyLog!.AddSecretsBlock(type, data.Span, path));
            reader.MoveNext();
            return reader;
        }
        catch (MigrationToolsException ex)
        {
            stream?.Dispose();
            run.FileErrors.Add(ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stream?.Dispose();
            run.FileErrors.Add(ErrorCatalog.FromFileError(ErrorIds.CaptureUnreadable, ex, $"The capture '{path}' cannot be read: {ex.Message}", path));
        }

        return null;
    }

    /// <summary>
    /// Feeds frames, earliest first across <paramref name="readers"/>, until one yields events (true) or all are
    /// done (false). The loop lives outside the iterator so that it is compiled optimised from the first call.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Pump(List<CaptureReader> readers, QuicProbeRun run, CaptureExport? export, List<QuicProbeEvent> output, ref long last, CancellationToken cancellationToken)
    {
        var count = 0;
        while (true)
        {
            // Every frame: a call that returns with events after a few frames must still see -TimeoutSeconds and
            // Ctrl+C (a counter kept per call never reached its check when events came often).
            cancellationToken.ThrowIfCancellationRequested();
            if ((++count & 1023) == 0)
            {
                run.BytesRead = readers.Sum(r => r.Position);
            }

            CaptureReader? next = null;
            foreach (var reader in readers)
            {
                if (reader.HasCurrent && (next is null || reader.CurrentTimestamp < next.CurrentTimestamp))
                {
                    next = reader;
                }
            }

            if (next is null)
            {
                run.BytesRead = readers.Sum(r => r.Position);
                return false;
            }

            last = Math.Max(last, next.CurrentTimestamp);
            var record = next.Current;
            export?.Write(record);
            Feed(run, record, output);
            next.MoveNext();
            if (output.Count > 0)
            {
                return true;
            }
        }
    }

    /// <summary>
    /// The capture filter when none is given: UDP (on <paramref name="ports"/> when there are any), and IP-in-IP and
    /// IPv6-in-IPv4, whose inner UDP the analyzer unwraps; everything else stays in the kernel.
    /// </summary>
    public static string DefaultFilter(IReadOnlyCollection<int> ports) =>
        (ports.Count == 0 ? "udp" : $"(udp and ({string.Join(" or ", ports.Order().Select(p => $"port {p}"))}))") + " or ip proto 4 or ip proto 41";

    /// <summary>One captured frame into the run: decoded, then analysed when it is UDP.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Feed(QuicProbeRun run, CaptureRecord record, List<QuicProbeEvent> output)
    {
        run.Frames++;
        switch (PacketDecoder.TryDecode(record.LinkType, record.Data, out var datagram))
        {
            case DecodeResult.Udp:
                run.Analyzer.Process(record.TimestampMicroseconds, datagram, output);
                break;
            case DecodeResult.Malformed:
                run.MalformedFrames++;
                break;
            case DecodeResult.UnknownLinkType:
                run.UnknownLinkType++;
                break;
        }
    }
}
