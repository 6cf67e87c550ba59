using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Pipes;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using CliWrap;
using MigrationTools.Analysis.Capture;
using MigrationTools.Analysis.Quic;
using MigrationTools.Core.Errors;
using MigrationTools.Core.Interop;
using MigrationTools.Core.Processes;
using MigrationTools.Engine.Captures;
using MigrationTools.Engine.Namespaces;
using MigrationTools.Engine.Platform;
using MigrationTools.Engine.Processes;
using MigrationTools.Engine.Tools;

namespace MigrationTools.Engine.LiveCapture;

/// <summary>
/// Watches QUIC live inside a namespace: tcpdump started there (so that it dies with this process), its pcap stream
/// read as it comes and fed to the same run as capture files are (<see cref="QuicProbeFiles"/>).
/// </summary>
internal static class QuicProbeWatcher
{
    /// <summary>
    /// The tcpdump command line of a live watch: the filter after "--", so nothing in it is taken for an option, and
    /// "-Z root" so that tcpdump keeps its credentials: a process that changes them (Debian's tcpdump drops to the
    /// tcpdump user) loses its parent-death signal, and would outlive a killed session.
    /// </summary>
    internal static List<string> TcpdumpArguments(string? @interface, string filter) => new()
    {
        "-i", string.IsNullOrEmpty(@interface) ? "any" : @interface, "-Z", "root", "-U", "-B", "8192", "-n", "-s", "0", "-w", "-", "--", filter,
    };

    /// <summary>
    /// Captures inside <paramref name="namespace"/> with tcpdump (started so that it dies with this process, its
    /// pcap stream parsed as it comes) and yields events as they happen, until cancelled. A tcpdump that ends by
    /// itself (a bad filter, an interface that went away) is an error. Every frame goes to <paramref name="export"/>.
    /// </summary>
    public static async IAsyncEnumerable<QuicProbeEvent> WatchLiveAsync(
        string @namespace, string? @interface, string? filter, QuicProbeRun run, CaptureExport? export, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        HostRequirements.EnsureRoot();
        NetNsLookup.EnsureExists(@namespace);
        var tcpdump = ToolCatalog.Resolve("tcpdump");
        var arguments = NetNsProcessManager.BoundArguments(@namespace, tcpdump, TcpdumpArguments(@interface, string.IsNullOrWhiteSpace(filter) ? QuicProbeFiles.DefaultFilter(run.Analyzer.Ports) : filter));

        var channel = Channel.CreateUnbounded<QuicProbeEvent>(new UnboundedChannelOptions { SingleReader = true });
        var gate = new object();
        var errors = new System.Text.StringBuilder();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var command = Cli.Wrap(ToolCatalog.Resolve("ip")).WithArguments(arguments).WithValidation(CommandResultValidation.None)
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(errors))
            .WithStandardOutputPipe(PipeTarget.Create(async (stream, token) =>
            {
                await Task.Run(() => PumpLive(stream, export, run, gate, channel.Writer, token), token).ConfigureAwait(false);
            }));
        var task = ChildSpawner.Run(() => command.ExecuteAsync(CancellationToken.None, stop.Token));
        var ticker = Task.Run(async () =>
        {
            var output = new List<QuicProbeEvent>();
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(250, stop.Token).ConfigureAwait(false);
                lock (gate)
                {
                    run.Analyzer.Advance((DateTime.UtcNow - DateTime.UnixEpoch).Ticks / 10, output);
                }

                foreach (var e in output)
                {
                    channel.Writer.TryWrite(e);
                }

                output.Clear();
            }
        }, CancellationToken.None);
        _ = task.Task.ContinueWith(_ => channel.Writer.TryComplete(), TaskScheduler.Default);

        try
        {
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var e))
                {
                    lock (gate)
                    {
                        run.Record(e);
                    }

                    yield return e;
                }
            }
        }
        finally
        {
            // SIGTERM first: tcpdump writes its closing counts (the kernel's drops among them) as it ends, which a
            // cancelled command, killed, would not.
            if (!task.Task.IsCompleted)
            {
                ProcessSignals.Terminate(task.ProcessId, TimeSpan.FromSeconds(2));
            }

            stop.Cancel();
            try
            {
                await task;
            }
            catch (OperationCanceledException)
            {
            }

            // The kernel's drops are the packets the watch never saw.
            run.KernelDrops = KernelDrops(errors.ToString());

            try
            {
                await ticker.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        if (!cancellationToken.IsCancellationRequested && task.Task.IsCompletedSuccessfully)
        {
            var why = errors.ToString().Trim();
            throw ErrorCatalog.CaptureFailed($"tcpdump in '{@namespace}' ended by itself (exit code {task.Task.Result.ExitCode}){(why.Length == 0 ? "." : ": " + why)}", @namespace);
        }
    }

    /// <summary>The size asked for the pipe from tcpdump (the default of /proc/sys/fs/pipe-max-size).</summary>
    private const int LivePipeBytes = 1 << 20;

    /// <summary>The most one read of that pipe takes.</summary>
    private const int LiveReadBytes = 256 * 1024;

    /// <summary>The kernel's drop count in tcpdump's closing counts, or null when its output has none.</summary>
    internal static long? KernelDrops(string tcpdumpErrors) =>
        Regex.IsMatch(tcpdumpErrors, @"(?m)^\d+ packets? captured") ? NetNsCaptureManager.Counts(tcpdumpErrors).Dropped : null;

    private static void PumpLive(Stream stream, CaptureExport? export, QuicProbeRun run, object gate, ChannelWriter<QuicProbeEvent> writer, CancellationToken token)
    {
        // tcpdump writes every packet as it comes (-U); a pipe of 1 MB instead of 64 KB lets it run ahead of this
        // reader without blocking (a blocked tcpdump stops draining the kernel's ring, which then drops), and the
        // reader takes whatever is there in one read instead of two per packet.
        if (stream is PipeStream pipe)
        {
            Libc.Fcntl(pipe.SafePipeHandle.DangerousGetHandle().ToInt32(), FileConstants.F_SETPIPE_SZ, LivePipeBytes);
        }

        using var buffered = new BufferedStream(stream, LiveReadBytes);
        CaptureReader reader;
        try
        {
            reader = new CaptureReader(buffered, "live capture", ownsStream: false, (type, data) =>
            {
                lock (gate)
                {
                    run.Options.KeyLog!.AddSecretsBlock(type, data.Span, "live capture");
                }
            });
        }
        catch (MigrationToolsException)
        {
            return;
        }

        var output = new List<QuicProbeEvent>();
        while (!token.IsCancellationRequested && reader.TryRead(out var record))
        {
            lock (gate)
            {
                export?.Write(record);
                QuicProbeFiles.Feed(run, record, output);
            }

            foreach (var e in output)
            {
                writer.TryWrite(e);
            }

            output.Clear();
        }

        run.DamagedBlocks += reader.Damaged;
    }
}
