using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using CliWrap;
using MigrationTools.Engine.Errors;
using MigrationTools.Engine.Namespaces;
using MigrationTools.Engine.Platform;
using MigrationTools.Engine.Tools;

namespace MigrationTools.Engine.Quic;

/// <summary>What a watch saw besides its events: counts for warnings, and the analysis for the summary.</summary>
public sealed class QuicProbeRun
{
    internal QuicProbeRun(QuicProbeAnalyzer analyzer) => Analyzer = analyzer;

    /// <summary>The analysis.</summary>
    public QuicProbeAnalyzer Analyzer { get; }
    /// <summary>Every event produced, for the summary.</summary>
    public List<QuicProbeEvent> Events { get; } = new();
    /// <summary>Frames read.</summary>
    public long Frames { get; internal set; }
    /// <summary>Frames with damaged or truncated headers.</summary>
    public long MalformedFrames { get; internal set; }
    /// <summary>Frames of link types the decoder does not know.</summary>
    public long UnknownLinkType { get; internal set; }
    /// <summary>Damaged capture blocks.</summary>
    public long DamagedBlocks { get; internal set; }
}

/// <summary>Runs <see cref="QuicProbeAnalyzer"/> over capture files or a live capture inside a namespace.</summary>
public static class QuicProbeWatcher
{
    /// <summary>
    /// Reads capture files, merged by time (captures of one experiment from several vantage points interleave; a
    /// datagram seen in more than one is counted once), and yields events as they are found.
    /// </summary>
    public static IEnumerable<QuicProbeEvent> ReadFiles(IReadOnlyList<string> paths, QuicProbeOptions options, QuicProbeRun run, CancellationToken cancellationToken = default)
    {
        var readers = new List<CaptureReader>();
        try
        {
            foreach (var path in paths)
            {
                if (!File.Exists(path))
                {
                    throw new MigrationToolsException("CaptureNotFound", FailureKind.ObjectNotFound, $"The capture file '{path}' does not exist.", path);
                }

                var reader = new CaptureReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 20), path);
                readers.Add(reader);
                reader.MoveNext();
            }

            var output = new List<QuicProbeEvent>();
            long last = 0;
            while (Pump(readers, run, output, ref last, cancellationToken))
            {
                foreach (var e in output)
                {
                    run.Events.Add(e);
                    yield return e;
                }

                output.Clear();
            }

            run.Analyzer.Advance(last, output);
            foreach (var e in output)
            {
                run.Events.Add(e);
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

    /// <summary>
    /// Feeds frames, earliest first across <paramref name="readers"/>, until one yields events (true) or all are
    /// done (false). The loop lives outside the iterator so that it is compiled optimised from the first call.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Pump(List<CaptureReader> readers, QuicProbeRun run, List<QuicProbeEvent> output, ref long last, CancellationToken cancellationToken)
    {
        var count = 0;
        while (true)
        {
            if ((++count & 1023) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
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
                return false;
            }

            last = Math.Max(last, next.CurrentTimestamp);
            Feed(run, next.Current, output);
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

    /// <summary>Creates a run with its analyzer.</summary>
    public static QuicProbeRun NewRun(QuicProbeOptions options) => new(new QuicProbeAnalyzer(options));

    /// <summary>
    /// Captures inside <paramref name="namespace"/> with tcpdump (<c>-w -</c>, parsed as it streams) and yields events
    /// as they happen, until cancelled. <paramref name="outFile"/> receives the raw capture (pcap).
    /// </summary>
    public static async IAsyncEnumerable<QuicProbeEvent> WatchLiveAsync(
        string @namespace, string? @interface, string? filter, QuicProbeRun run, string? outFile, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        HostRequirements.EnsureRoot();
        NetNsManager.EnsureExists(@namespace);
        var arguments = new List<string> { "netns", "exec", @namespace, ToolCatalog.Resolve("tcpdump"), "-i", string.IsNullOrEmpty(@interface) ? "any" : @interface, "-U", "-n", "-s", "0", "-w", "-" };
        arguments.Add(string.IsNullOrWhiteSpace(filter) ? DefaultFilter(run.Analyzer.Ports) : filter);

        var channel = Channel.CreateUnbounded<QuicProbeEvent>(new UnboundedChannelOptions { SingleReader = true });
        var gate = new object();
        var errors = new System.Text.StringBuilder();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var command = Cli.Wrap(ToolCatalog.Resolve("ip")).WithArguments(arguments).WithValidation(CommandResultValidation.None)
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(errors))
            .WithStandardOutputPipe(PipeTarget.Create(async (stream, token) =>
            {
                await Task.Run(() => Pump(stream, outFile, run, gate, channel.Writer, token), token).ConfigureAwait(false);
            }));
        var task = command.ExecuteAsync(CancellationToken.None, stop.Token);
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
        _ = task.Task.ContinueWith(t => channel.Writer.TryComplete(), TaskScheduler.Default);

        try
        {
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var e))
                {
                    lock (gate)
                    {
                        run.Events.Add(e);
                    }

                    yield return e;
                }
            }
        }
        finally
        {
            stop.Cancel();
            try
            {
                await task;
            }
            catch (OperationCanceledException)
            {
            }

            try
            {
                await ticker.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        if (!cancellationToken.IsCancellationRequested && task.Task.IsCompletedSuccessfully && task.Task.Result.ExitCode != 0)
        {
            throw new MigrationToolsException("CaptureFailed", FailureKind.OperationFailed, $"tcpdump in '{@namespace}' failed: {errors.ToString().Trim()}", @namespace);
        }
    }

    private static void Pump(Stream stream, string? outFile, QuicProbeRun run, object gate, ChannelWriter<QuicProbeEvent> writer, CancellationToken token)
    {
        using var file = outFile is null ? null : new FileStream(outFile, FileMode.Create, FileAccess.Write, FileShare.Read);
        var source = file is null ? stream : new TeeStream(stream, file);
        CaptureReader reader;
        try
        {
            reader = new CaptureReader(source, "live capture", ownsStream: false);
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
                Feed(run, record, output);
            }

            foreach (var e in output)
            {
                writer.TryWrite(e);
            }

            output.Clear();
        }

        run.DamagedBlocks += reader.Damaged;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Feed(QuicProbeRun run, CaptureRecord record, List<QuicProbeEvent> output)
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

    /// <summary>Writes everything read from one stream to another (the live capture to -OutFile).</summary>
    private sealed class TeeStream(Stream source, Stream copy) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = source.Read(buffer);
            if (n > 0)
            {
                copy.Write(buffer[..n]);
                copy.Flush();
            }

            return n;
        }

        public override void Flush() => copy.Flush();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
