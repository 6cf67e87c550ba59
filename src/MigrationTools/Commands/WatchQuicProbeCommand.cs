using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using MigrationTools.Analysis.Quic;
using MigrationTools.Completion;
using MigrationTools.Core.Errors;
using MigrationTools.Engine.LiveCapture;
using MigrationTools.Engine.Platform;

namespace MigrationTools.Commands;

/// <summary>Diagnoses QUIC path probing and connection migration from packets: live inside a namespace, or from capture files.</summary>
/// <remarks>
/// Follows QUIC connections (versions 1 and 2) by their connection IDs across migrations and writes one object per
/// event as it happens: PathProbeSent, PathResponse, PathValidated, Migration, PathAbandoned, and the verdicts
/// SourceAddressMismatch (server packets to a client path from an address the client never sent to: the client must
/// discard them, RFC 9000 section 9), EndlessProbing, UnansweredChallenge (only on a path never validated),
/// UndersizedProbe, ResponseOnWrongPath, NoChallengeOnNewPath (non-probing packets to a new client address and no
/// validation started within -ChallengeTimeoutSeconds; -FirstPacketRule adds quic-interop-runner's stricter check),
/// MigrationNotFollowed (the server acknowledged the client's packets from its new address but kept sending to the
/// old one, RFC 9000 section 9.3), DcidReused, AmplificationExceeded (per client address, from the first datagram)
/// and ActiveMigrationDisabled. Each event
/// carries its time, connection, addresses (and the outer addresses of IP-in-IP), packet number, the
/// PATH_CHALLENGE/PATH_RESPONSE data and the evidence; Certain is false for header-level heuristics.
///
/// Initial packets are decrypted without keys (RFC 9001 initial secrets); Handshake and 1-RTT packets with
/// -KeyLogFile (SSLKEYLOGFILE, matched by the ClientHello random; key updates followed; AES-128-GCM, AES-256-GCM,
/// ChaCha20-Poly1305). Without keys the findings that need frames are not made, and probes are only suspected.
///
/// Sources: -Path (wildcards) and -LiteralPath read pcap and pcapng files (Ethernet, Linux cooked v1/v2 as tcpdump
/// -i any writes, raw IP; IPv4 and IPv6; IP-in-IP unwrapped), merged by time; TLS secrets in pcapng Decryption
/// Secrets Blocks are used as a key log. A file that cannot be read is an error for that file only. -Namespace captures live with tcpdump inside the namespace (-Interface, all
/// by default; -Filter a BPF expression) until -TimeoutSeconds, -Count events, Ctrl+C or a downstream
/// Select-Object -First; the capture process is stopped in every case. -OutFile writes what was watched as pcapng,
/// with the key log embedded (a Decryption Secrets Block) when keys were given, so Wireshark opens it decrypted.
/// Captures are written as they are read, and the file appears when the watch ends, however it ends (Ctrl+C and
/// Select-Object -First included). -Summary writes one object per connection at the end instead of the events;
/// -QlogPath adds a cross-check of the PATH_CHALLENGE/PATH_RESPONSE data in qlog files (draft transport: and newer
/// quic: names) against the capture. Connections are followed through the server's preferred address (RFC 9000
/// section 9.6), with zero-length connection IDs (by address), and across ClientHellos split over several packets.
/// Damaged captures, non-QUIC datagrams and packets that do not authenticate are counted and reported as a
/// warning, never stated as a verdict.
///
/// Pictures and logs of what was watched: -QlogOutDirectory writes, per connection, a qlog file (JSON-SEQ,
/// .sqlog, the QUIC events qvis reads) from the client's and one from the server's vantage point, with every
/// packet's frames (header fields only where there were no keys) and the path it used, plus the watch's events;
/// -TimelinePath writes an SVG sequence diagram: client and server lanes, one colour per path with the server
/// addresses packets really came from, PATH_CHALLENGE/PATH_RESPONSE arrows with their data and datagram size,
/// packets per path over time, and every verdict where it happened. Both work for files and for live watches and
/// are written however the watch ends.
/// </remarks>
/// <example>
/// <code>Watch-QuicProbe -Path router1.pcap -KeyLogFile keylog.txt | Format-Table Time, Kind, Source, Destination, Data</code>
/// <para>Reads a capture of the QUIC lab and lists probing and validation with the data of each challenge.</para>
/// </example>
/// <example>
/// <code>Watch-QuicProbe -Namespace client -TimeoutSeconds 20 | Where-Object IsVerdict</code>
/// <para>Watches the client namespace live for 20 seconds and shows only failures.</para>
/// </example>
/// <example>
/// <code>Watch-QuicProbe -Path router1.pcap -KeyLogFile keylog.txt -QlogOutDirectory ./qlog -TimelinePath ./timeline.svg | Out-Null</code>
/// <para>Writes qlog files for qvis and an SVG timeline of the capture.</para>
/// </example>
/// <example>
/// <code>Watch-QuicProbe -Path *.pcap -KeyLogFile keys.log -Summary</code>
/// <para>One object per connection: paths, validations, verdicts.</para>
/// </example>
[Cmdlet(VerbsCommon.Watch, "QuicProbe", DefaultParameterSetName = PathSet)]
[OutputType(typeof(QuicProbeEvent), typeof(QuicConnectionSummary))]
public sealed class WatchQuicProbeCommand : MigrationToolsCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private const string LiveSet = "Live";

    private readonly List<string> _files = new();

    /// <summary>Capture files (pcap or pcapng); wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true)]
    [SupportsWildcards]
    public string[] Path { get; set; } = null!;

    /// <summary>Capture files, taken literally (no wildcards); file objects from Get-ChildItem bind here.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "FullName")]
    public string[] LiteralPath { get; set; } = null!;

    /// <summary>The namespace to capture in (live); a namespace object from Get-NetNs binds here.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiveSet, ValueFromPipelineByPropertyName = true)]
    [Alias("NetNs")]
    [ArgumentCompleter(typeof(NetNsNameCompleter))]
    public string Namespace { get; set; } = null!;

    /// <summary>The interface to capture on (live); all when omitted.</summary>
    [Parameter(ParameterSetName = LiveSet)]
    [ArgumentCompleter(typeof(InterfaceNameCompleter))]
    public string? Interface { get; set; }

    /// <summary>A BPF filter for the live capture, e.g. 'udp port 8889'; by default UDP (on -Port when given) and IP-in-IP.</summary>
    [Parameter(ParameterSetName = LiveSet)]
    public string? Filter { get; set; }

    /// <summary>SSLKEYLOGFILE files with the TLS secrets of the connections (merged with secrets found in pcapng captures).</summary>
    [Parameter]
    public string[]? KeyLogFile { get; set; }

    /// <summary>
    /// UDP ports to look at. By default any datagram is looked at, and a connection is followed from a client Initial
    /// that authenticates with the RFC 9001 initial keys; on 443, 4433, 8889 and these ports, other QUIC versions
    /// and Initials that fail are counted in a warning. A followed connection stays followed on other ports of its
    /// server (the preferred address).
    /// </summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int[]? Port { get; set; }

    /// <summary>Stop after this many seconds.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int TimeoutSeconds { get; set; }

    /// <summary>Stop after this many events.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Count { get; set; }

    /// <summary>How long a PATH_CHALLENGE may wait for its PATH_RESPONSE before UnansweredChallenge (3 x PTO).</summary>
    [Parameter]
    [ValidateRange(0.001, 3600.0)]
    public double ChallengeTimeoutSeconds { get; set; } = 3;

    /// <summary>PATH_CHALLENGEs on one path without validation before EndlessProbing.</summary>
    [Parameter]
    [ValidateRange(2, 1000)]
    public int EndlessProbingThreshold { get; set; } = 5;

    /// <summary>
    /// Also apply quic-interop-runner's first-packet rule, stricter than RFC 9000: the server's first packet to a new
    /// client address must carry a PATH_CHALLENGE. Its NoChallengeOnNewPath findings are reported as not certain.
    /// </summary>
    [Parameter]
    public SwitchParameter FirstPacketRule { get; set; }
    /// <summary>Most connections followed at once (memory stays bounded on a flood); Initials of further ones are counted in a warning.</summary>
    [Parameter]
    [ValidateRange(1, 10_000_000)]
    public int MaxConnections { get; set; } = 10_000;
    /// <summary>Write one summary object per connection at the end instead of the events.</summary>
    [Parameter]
    public SwitchParameter Summary { get; set; }

    /// <summary>Also write the watched capture to this pcapng file (with the key log embedded when there are keys).</summary>
    [Parameter]
    public string? OutFile { get; set; }

    /// <summary>qlog files to cross-check against the capture (shown in the summary).</summary>
    [Parameter]
    public string[]? QlogPath { get; set; }

    /// <summary>Write a qlog file per connection and vantage point (JSON-SEQ, .sqlog) into this directory.</summary>
    [Parameter]
    public string? QlogOutDirectory { get; set; }

    /// <summary>Write an SVG timeline (sequence diagram) of the watch to this file.</summary>
    [Parameter]
    public string? TimelinePath { get; set; }

    /// <inheritdoc />
    protected override bool RequiresRoot => ParameterSetName == LiveSet;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ParameterSetName == LiveSet)
        {
            return;
        }

        foreach (var path in ParameterSetName == PathSet ? Path : LiteralPath)
        {
            try
            {
                _files.AddRange(ParameterSetName == PathSet ? GetResolvedProviderPathFromPSPath(path, out _) : new[] { GetUnresolvedProviderPathFromPSPath(path) });
            }
            catch (ItemNotFoundException ex)
            {
                WriteError(new ErrorRecord(ex, ErrorIds.CaptureNotFound, ErrorCategory.ObjectNotFound, path));
            }
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        Invoke(ParameterSetName == LiveSet ? Namespace : string.Join(", ", _files), () =>
        {
            if (ParameterSetName != LiveSet && _files.Count == 0)
            {
                return;
            }

            var qlogFiles = QlogPath?.SelectMany(p => GetResolvedProviderPathFromPSPath(p, out _)).ToArray();
            var qlog = qlogFiles is null ? null : QlogReader.ReadPathFrames(qlogFiles);
            var keyFiles = (KeyLogFile ?? Array.Empty<string>()).Select(k => GetUnresolvedProviderPathFromPSPath(k)).ToArray();
            var run = QuicProbeFiles.NewRun(new QuicProbeOptions
            {
                KeyLog = keyFiles.Length > 0 ? LoadKeyLog(keyFiles) : null,
                FirstPacketRule = FirstPacketRule,
                MaxConnections = MaxConnections,
                Ports = (Port ?? Array.Empty<int>()).ToHashSet(),
                ChallengeTimeout = TimeSpan.FromSeconds(ChallengeTimeoutSeconds),
                EndlessProbingThreshold = EndlessProbingThreshold,
            });
            if (QlogOutDirectory is not null)
            {
                run.WriteQlog(GetUnresolvedProviderPathFromPSPath(QlogOutDirectory));
            }

            var timeline = TimelinePath is null ? null : GetUnresolvedProviderPathFromPSPath(TimelinePath);
            if (timeline is not null)
            {
                run.RecordTimeline();
            }

            // SIGTERM stops the watch like Ctrl+C, and the outputs below are completed before the process ends.
            using (var termination = new TerminationGuard(Stop))
            using (var export = OutFile is null ? null : new CaptureExport(GetUnresolvedProviderPathFromPSPath(OutFile)))
            {
                try
                {
                    if (ParameterSetName == LiveSet)
                    {
                        WatchLive(run, export);
                    }
                    else
                    {
                        WatchFiles(run, export);
                    }
                }
                finally
                {
                    // Written whichever way the watch ended: what was captured until then is the user's.
                    export?.Commit(run.Options.KeyLog!.ToText());
                    if (timeline is not null)
                    {
                        run.WriteTimeline(timeline, "Watch-QuicProbe: " + (ParameterSetName == LiveSet ? "namespace " + Namespace : string.Join(", ", _files.Select(System.IO.Path.GetFileName))));
                    }

                    run.Dispose();
                    termination.Complete();
                }
            }

            foreach (var error in run.FileErrors)
            {
                WriteError(ToErrorRecord(error, error.Target));
            }

            ReportWarnings(run, qlog);
            if (Summary)
            {
                var check = qlog is null ? null : QlogComparison.For(qlog, run.Analyzer);
                foreach (var summary in run.Analyzer.Summaries(run.Events))
                {
                    WriteObject(summary with { QlogCheck = check?.Invoke(summary.Connection), KernelDroppedPackets = run.KernelDrops });
                }
            }

            if (OutFile is not null)
            {
                WriteVerbose($"Capture written to {OutFile}{(run.Options.KeyLog!.Entries.Count > 0 ? " with the key log embedded" : string.Empty)}.");
            }

            if (QlogOutDirectory is not null)
            {
                WriteVerbose($"{run.QlogFiles.Count} qlog file(s) written to {QlogOutDirectory}.");
            }

            if (timeline is not null)
            {
                WriteVerbose($"Timeline written to {timeline}.");
            }
        });
        base.EndProcessing();
    }

    private int _written;

    private bool Emit(QuicProbeEvent e)
    {
        if (!Summary)
        {
            WriteObject(e);
        }

        return Count == 0 || ++_written < Count;
    }

    /// <summary>A live watch often starts before the program that writes the key log: a missing one is read once it appears.</summary>
    private KeyLog LoadKeyLog(string[] keyFiles)
    {
        var live = ParameterSetName == LiveSet;
        if (live)
        {
            foreach (var missing in keyFiles.Where(f => !System.IO.File.Exists(f)))
            {
                WriteVerbose($"The key log '{missing}' does not exist yet; it is read as it appears.");
            }
        }

        return KeyLog.Load(keyFiles, allowMissing: live);
    }

    private void WatchLive(QuicProbeRun run, CaptureExport? export)
    {
        var activity = $"Watching QUIC in {Namespace}";
        StreamToPipeline(
            token => QuicProbeWatcher.WatchLiveAsync(Namespace, Interface, Filter, run, export, token),
            Emit,
            TimeoutSeconds > 0 ? TimeSpan.FromSeconds(TimeoutSeconds) : null,
            tick: () => WriteProgress(new ProgressRecord(1, activity, $"{run.Frames} frames, {run.Analyzer.QuicDatagrams} QUIC datagrams, {run.Analyzer.Connections} connections, {run.Events.Count} events")));
        WriteProgress(new ProgressRecord(1, activity, "done") { RecordType = ProgressRecordType.Completed });
        WriteVerbose(run.KernelDrops is { } dropped
            ? $"tcpdump in '{Namespace}': {dropped} packet(s) dropped by the kernel."
            : $"tcpdump in '{Namespace}' ended without its counts: the kernel's drops are unknown.");
    }

    private void WatchFiles(QuicProbeRun run, CaptureExport? export)
    {
        using var limit = new System.Threading.CancellationTokenSource();
        if (TimeoutSeconds > 0)
        {
            limit.CancelAfter(TimeSpan.FromSeconds(TimeoutSeconds));
        }

        using var linked = System.Threading.CancellationTokenSource.CreateLinkedTokenSource(limit.Token, CancellationToken);
        var total = _files.Sum(f => File.Exists(f) ? new FileInfo(f).Length : 0);
        var activity = $"Reading {_files.Count} capture file(s)";
        var progress = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            foreach (var e in QuicProbeFiles.ReadFiles(_files, run, export, linked.Token))
            {
                if (progress.ElapsedMilliseconds > 250)
                {
                    progress.Restart();
                    WriteProgress(new ProgressRecord(2, activity, $"{run.BytesRead / 1048576.0:0.0} of {total / 1048576.0:0.0} MB, {run.Events.Count} events")
                    {
                        PercentComplete = total > 0 ? (int)Math.Min(100, run.BytesRead * 100 / total) : -1,
                    });
                }

                if (!Emit(e))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
        }

        WriteProgress(new ProgressRecord(2, activity, "done") { RecordType = ProgressRecordType.Completed });
    }

    private void ReportWarnings(QuicProbeRun run, QlogPathFrames? qlog)
    {
        var analyzer = run.Analyzer;
        var keyLog = run.Options.KeyLog!;
        if (run.KernelDrops > 0)
        {
            WriteWarning($"The kernel dropped {run.KernelDrops} packet(s) before tcpdump read them: the watch never saw them, so an event may be missing and a verdict may rest on their absence. Capture to a file (Start-NetNsCapture) and read it, or watch one interface with a narrower -Filter.");
        }

        if (run.DamagedBlocks + run.MalformedFrames + run.UnknownLinkType > 0)
        {
            WriteWarning($"{run.DamagedBlocks} damaged capture blocks, {run.MalformedFrames} frames with broken headers and {run.UnknownLinkType} frames of unknown link types were skipped.");
        }

        if (analyzer.Undecryptable > 0 || analyzer.MalformedFrames > 0 || analyzer.Unparsable > 0)
        {
            WriteWarning($"{analyzer.Undecryptable} QUIC packets did not authenticate (wrong or missing keys, or corruption), {analyzer.Unparsable} datagrams between a connection's endpoints did not parse as QUIC or were cut short by the capture, and {analyzer.MalformedFrames} decrypted packets had unparsable frames; findings about them are left out, and verdicts they could have changed are not certain.");
        }

        if (analyzer.ConnectionsNotFollowed > 0)
        {
            WriteWarning($"{analyzer.ConnectionsNotFollowed} Initial packet(s) of further connections were not followed: {run.Options.MaxConnections} connections were followed already (-MaxConnections).");
        }

        if (analyzer.UnknownVersions > 0 || analyzer.RejectedInitials > 0)
        {
            WriteWarning($"On QUIC ports ({string.Join(", ", QuicProbeAnalyzer.WellKnownPorts.Concat(run.Options.Ports).Distinct().OrderBy(p => p))}): {analyzer.UnknownVersions} datagrams of QUIC versions other than 1 and 2, and {analyzer.RejectedInitials} Initial packets that did not authenticate with the RFC 9001 initial keys, were not followed.");
        }

        if (keyLog.IgnoredLines > 0)
        {
            WriteWarning($"{keyLog.IgnoredLines} key log line(s) were not used: {string.Join("; ", keyLog.IgnoredExamples)}{(keyLog.IgnoredLines > keyLog.IgnoredExamples.Count ? "; ..." : string.Empty)}.");
        }

        if (qlog is { SkippedRecords: > 0 })
        {
            WriteWarning($"{qlog.SkippedRecords} qlog record(s) were not JSON and were skipped.");
        }

        if (keyLog.Entries.Count > 0 && analyzer.Connections > 0 && !analyzer.Summaries(run.Events).Any(c => c.Decrypted))
        {
            WriteWarning($"No 1-RTT packet could be decrypted: the key log has no 1-RTT secrets (CLIENT_TRAFFIC_SECRET_0, SERVER_TRAFFIC_SECRET_0) of these connections' ClientHello randoms; the {analyzer.Decrypted} packet(s) decrypted are Initial packets, which need no key log, and Handshake packets where their secrets were found.");
        }

        WriteVerbose($"{run.Frames} frames, {analyzer.Datagrams} UDP datagrams, {analyzer.QuicDatagrams} QUIC datagrams, {analyzer.Decrypted} packets decrypted, {run.Events.Count} events; {keyLog.Entries.Count} key log entries ({keyLog.SecretsBlocks} from capture secrets blocks).");
    }
}
