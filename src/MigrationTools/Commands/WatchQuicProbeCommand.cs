using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Engine.Errors;
using MigrationTools.Engine.Quic;
using MigrationTools.Engine.Tools;

namespace MigrationTools.Commands;

/// <summary>Diagnoses QUIC path probing and connection migration from packets: live inside a namespace, or from capture files.</summary>
/// <remarks>
/// Follows QUIC connections (versions 1 and 2) by their connection IDs across migrations and writes one object per
/// event as it happens: PathProbeSent, PathResponse, PathValidated, Migration, PathAbandoned, and the verdicts
/// SourceAddressMismatch (server packets to a client path from an address the client never sent to: the client must
/// discard them, RFC 9000 section 9, the fault fixed by quic-go PR 5544), EndlessProbing, UnansweredChallenge,
/// UndersizedProbe, ResponseOnWrongPath, NoChallengeOnNewPath, DcidReused and AmplificationExceeded. Each event
/// carries its time, connection, addresses (and the outer addresses of IP-in-IP), packet number, the
/// PATH_CHALLENGE/PATH_RESPONSE data and the evidence; Certain is false for header-level heuristics.
///
/// Initial packets are decrypted without keys (RFC 9001 initial secrets); Handshake and 1-RTT packets with
/// -KeyLogFile (SSLKEYLOGFILE, matched by the ClientHello random; key updates followed; AES-128-GCM, AES-256-GCM,
/// ChaCha20-Poly1305). Without keys the findings that need frames are not made, and probes are only suspected.
///
/// Sources: -Path reads pcap and pcapng files (Ethernet, Linux cooked v1/v2 as tcpdump -i any writes, raw IP;
/// IPv4 and IPv6; IP-in-IP unwrapped). -Namespace captures live with tcpdump inside the namespace (-Interface, all
/// by default; -Filter a BPF expression) until -TimeoutSeconds, -Count events, Ctrl+C or a downstream
/// Select-Object -First; the capture process is stopped in every case. -OutFile writes what was watched as pcapng,
/// with the key log embedded (a Decryption Secrets Block) when keys were given, so Wireshark opens it decrypted.
/// -Summary writes one object per connection at the end instead of the events; -QlogPath adds a cross-check of the
/// PATH_CHALLENGE/PATH_RESPONSE data in qlog files (draft transport: and newer quic: names) against the capture.
/// Damaged captures, non-QUIC datagrams and packets that do not authenticate are counted and reported as a
/// warning, never stated as a verdict.
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
/// <code>Watch-QuicProbe -Path *.pcap -KeyLogFile keys.log -Summary</code>
/// <para>One object per connection: paths, validations, verdicts.</para>
/// </example>
[Cmdlet(VerbsCommon.Watch, "QuicProbe", DefaultParameterSetName = FileSet)]
[OutputType(typeof(QuicProbeEvent), typeof(QuicConnectionSummary))]
public sealed class WatchQuicProbeCommand : MigrationToolsCmdlet
{
    private const string FileSet = "File";
    private const string LiveSet = "Live";

    /// <summary>Capture files (pcap or pcapng); wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = FileSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [SupportsWildcards]
    public string[] Path { get; set; } = null!;

    /// <summary>The namespace to capture in (live).</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiveSet)]
    [ArgumentCompleter(typeof(NetNsNameCompleter))]
    public string Namespace { get; set; } = null!;

    /// <summary>The interface to capture on (live); all when omitted.</summary>
    [Parameter(ParameterSetName = LiveSet)]
    [ArgumentCompleter(typeof(InterfaceNameCompleter))]
    public string? Interface { get; set; }

    /// <summary>A BPF filter for the live capture, e.g. 'udp port 8889'; by default UDP (on -Port when given) and IP-in-IP.</summary>
    [Parameter(ParameterSetName = LiveSet)]
    public string? Filter { get; set; }

    /// <summary>SSLKEYLOGFILE files with the TLS secrets of the connections.</summary>
    [Parameter]
    public string[]? KeyLogFile { get; set; }

    /// <summary>
    /// UDP ports to look at. By default any datagram is looked at, and a connection is followed from a client Initial
    /// that authenticates with the RFC 9001 initial keys; on 443, 4433, 8889 and these ports, other QUIC versions
    /// and Initials that fail are counted in a warning.
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

    /// <summary>Write one summary object per connection at the end instead of the events.</summary>
    [Parameter]
    public SwitchParameter Summary { get; set; }

    /// <summary>Also write the watched capture to this pcapng file (with the key log embedded when keys were given).</summary>
    [Parameter]
    public string? OutFile { get; set; }

    /// <summary>qlog files to cross-check against the capture (shown in the summary).</summary>
    [Parameter]
    public string[]? QlogPath { get; set; }

    /// <inheritdoc />
    protected override bool RequiresRoot => ParameterSetName == LiveSet;

    private readonly List<string> _files = new();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ParameterSetName == FileSet)
        {
            foreach (var pattern in Path)
            {
                try
                {
                    _files.AddRange(GetResolvedProviderPathFromPSPath(pattern, out _));
                }
                catch (ItemNotFoundException ex)
                {
                    WriteError(new ErrorRecord(ex, "CaptureNotFound", ErrorCategory.ObjectNotFound, pattern));
                }
            }
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        Invoke(Namespace ?? string.Join(", ", _files), () =>
        {
            if (ParameterSetName == FileSet && _files.Count == 0)
            {
                return;
            }

            var keyFiles = (KeyLogFile ?? Array.Empty<string>()).Select(k => GetUnresolvedProviderPathFromPSPath(k)).ToArray();
            var options = new QuicProbeOptions
            {
                KeyLog = keyFiles.Length > 0 ? KeyLog.Load(keyFiles) : null,
                Ports = (Port ?? Array.Empty<int>()).ToHashSet(),
                ChallengeTimeout = TimeSpan.FromSeconds(ChallengeTimeoutSeconds),
                EndlessProbingThreshold = EndlessProbingThreshold,
            };
            var run = QuicProbeWatcher.NewRun(options);
            var outFile = OutFile is null ? null : GetUnresolvedProviderPathFromPSPath(OutFile);
            var rawCopy = outFile is null || ParameterSetName == FileSet ? null : outFile + ".pcap.partial";
            var written = 0;
            var timeout = TimeoutSeconds > 0 ? TimeSpan.FromSeconds(TimeoutSeconds) : (TimeSpan?)null;
            bool Emit(QuicProbeEvent e)
            {
                if (!Summary)
                {
                    WriteObject(e);
                }

                return Count == 0 || ++written < Count;
            }

            if (ParameterSetName == LiveSet)
            {
                try
                {
                    StreamToPipeline(
                        token => QuicProbeWatcher.WatchLiveAsync(Namespace!, Interface, Filter, run, rawCopy, token),
                        e =>
                        {
                            if (!Emit(e))
                            {
                                throw new CountReached();
                            }
                        },
                        timeout);
                }
                catch (CountReached)
                {
                }
            }
            else
            {
                using var limit = new System.Threading.CancellationTokenSource();
                if (timeout is not null)
                {
                    limit.CancelAfter(timeout.Value);
                }

                using var linked = System.Threading.CancellationTokenSource.CreateLinkedTokenSource(limit.Token, CancellationToken);
                try
                {
                    foreach (var e in QuicProbeWatcher.ReadFiles(_files, options, run, linked.Token))
                    {
                        if (!Emit(e))
                        {
                            break;
                        }
                    }
                }
                catch (OperationCanceledException) when (limit.IsCancellationRequested)
                {
                }
            }

            ReportWarnings(run, options);
            if (Summary)
            {
                var qlog = QlogCheck(run);
                foreach (var summary in run.Analyzer.Summaries(run.Events))
                {
                    WriteObject(qlog is null ? summary : summary with { QlogCheck = qlog(summary.Connection) });
                }
            }

            if (outFile is not null)
            {
                WriteCapture(ParameterSetName == FileSet ? _files : rawCopy is not null ? new List<string> { rawCopy } : new List<string>(), outFile, keyFiles);
            }
        });
        base.EndProcessing();
    }

    /// <summary>Ends a live watch when -Count events have been written.</summary>
    private sealed class CountReached : Exception
    {
    }

    private Func<string, string>? QlogCheck(QuicProbeRun run)
    {
        if (QlogPath is null || QlogPath.Length == 0)
        {
            return null;
        }

        var files = QlogPath.SelectMany(p => GetResolvedProviderPathFromPSPath(p, out _)).ToArray();
        var (challenges, responses, _) = QlogReader.ReadPathFrames(files);
        var frames = run.Analyzer.PathFrames;
        return connection =>
        {
            var (seenChallenges, seenResponses) = frames.TryGetValue(connection, out var f) ? f : (Array.Empty<string>(), Array.Empty<string>());
            var missing = challenges.Except(seenChallenges, StringComparer.OrdinalIgnoreCase).Concat(responses.Except(seenResponses, StringComparer.OrdinalIgnoreCase)).ToArray();
            var extra = seenChallenges.Except(challenges, StringComparer.OrdinalIgnoreCase).Concat(seenResponses.Except(responses, StringComparer.OrdinalIgnoreCase)).ToArray();
            return missing.Length == 0 && extra.Length == 0
                ? $"match: {challenges.Count} PATH_CHALLENGE and {responses.Count} PATH_RESPONSE in the qlogs, the same in the capture"
                : $"differ: in the qlogs only: {string.Join(" ", missing)}; in the capture only: {string.Join(" ", extra)}";
        };
    }

    private void ReportWarnings(QuicProbeRun run, QuicProbeOptions options)
    {
        var analyzer = run.Analyzer;
        if (run.DamagedBlocks + run.MalformedFrames + run.UnknownLinkType > 0)
        {
            WriteWarning($"{run.DamagedBlocks} damaged capture blocks, {run.MalformedFrames} frames with broken headers and {run.UnknownLinkType} frames of unknown link types were skipped.");
        }

        if (analyzer.Undecryptable > 0 || analyzer.MalformedFrames > 0 || analyzer.Unparsable > 0)
        {
            WriteWarning($"{analyzer.Undecryptable} QUIC packets did not authenticate (wrong or missing keys, or corruption), {analyzer.Unparsable} datagrams between a connection's endpoints did not parse as QUIC or were cut short by the capture, and {analyzer.MalformedFrames} decrypted packets had unparsable frames; findings about them are left out, and verdicts they could have changed are not certain.");
        }

        if (analyzer.UnknownVersions > 0 || analyzer.RejectedInitials > 0)
        {
            WriteWarning($"On QUIC ports ({string.Join(", ", QuicProbeAnalyzer.WellKnownPorts.Concat(options.Ports).Distinct().OrderBy(p => p))}): {analyzer.UnknownVersions} datagrams of QUIC versions other than 1 and 2, and {analyzer.RejectedInitials} Initial packets that did not authenticate with the RFC 9001 initial keys, were not followed.");
        }

        if (options.KeyLog is not null && analyzer.QuicDatagrams > 0 && run.Events.Count == 0 && analyzer.Decrypted == 0)
        {
            WriteWarning("No packet could be decrypted: the key log does not match these connections.");
        }

        WriteVerbose($"{run.Frames} frames, {analyzer.Datagrams} UDP datagrams, {analyzer.QuicDatagrams} QUIC datagrams, {analyzer.Decrypted} packets decrypted, {run.Events.Count} events.");
    }

    private void WriteCapture(IReadOnlyList<string> inputs, string outFile, IReadOnlyList<string> keyFiles)
    {
        if (inputs.Count == 0 || inputs.Any(i => !File.Exists(i)))
        {
            return;
        }

        var temporary = new List<string>();
        try
        {
            var input = inputs[0];
            if (inputs.Count > 1)
            {
                input = outFile + ".merged.pcapng";
                temporary.Add(input);
                ToolRunner.Run("mergecap", new[] { "-w", input }.Concat(inputs).ToArray());
            }

            var arguments = new List<string> { "-F", "pcapng" };
            if (keyFiles.Count > 0)
            {
                var keys = outFile + ".keys";
                temporary.Add(keys);
                File.WriteAllText(keys, string.Concat(keyFiles.Select(k => File.ReadAllText(k) + "\n")));
                arguments.AddRange(new[] { "--inject-secrets", "tls," + keys });
            }

            arguments.Add(input);
            arguments.Add(outFile);
            ToolRunner.Run("editcap", arguments);
            WriteVerbose($"Capture written to {outFile}{(keyFiles.Count > 0 ? " with the key log embedded" : string.Empty)}.");
        }
        finally
        {
            foreach (var file in temporary.Concat(inputs.Where(i => i.EndsWith(".pcap.partial", StringComparison.Ordinal))))
            {
                File.Delete(file);
            }
        }
    }
}
