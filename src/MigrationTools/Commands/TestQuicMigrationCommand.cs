using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Core.Errors;
using MigrationTools.Core.Files;
using MigrationTools.Engine.QuicMatrix;
using MigrationTools.Engine.Tunnels;
using MigrationTools.Labs;
using MigrationTools.Quic;

namespace MigrationTools.Commands;

/// <summary>Runs QUIC servers and clients through the migration scenarios and writes one verdict per cell: server × client × scenario.</summary>
/// <remarks>
/// Each cell builds its scenario's lab under a prefix of its own (several run at once, -ThrottleLimit), captures on
/// the router what the server sees, starts the server and the client (Get-QuicImplementation describes how), acts on
/// the network once the handshake is done, and reads the capture with Watch-QuicProbe's analyzer, decrypted with the
/// peers' key logs. The scenarios: Transfer (nothing happens: the baseline); RebindPort and RebindAddress (the router's
/// NAT moves the client to another source port or address 200 ms after the handshake, and forgets the old mapping);
/// ClientMigration (the client's route to the server moves to its second path, and the client's own migration flag
/// moves it when it has one); DsrLoadBalancer (the same move behind an IP-in-IP load balancer whose server answers
/// directly from the service address); PreferredAddress (the server offers 10.240.0.3 and the client should move
/// there). A cell passes when the download completed with the served file's size and SHA-256, the capture holds no
/// certain verdict, and the scenario's rule held: after a rebinding or a move the server validated the client's new
/// address (RFC 9000 section 9.3); with a preferred address a path to it was validated. Unsupported: the file leaves
/// the scenario out, or an interop-runner endpoint exited 127. Error: the cell could not be run.
///
/// Each cell's folder under -OutputDirectory keeps the capture (pcapng with the secrets embedded, capture.pcapng),
/// both key logs, the peers' qlogs and those made from the capture, the timeline (timeline.svg) and the programs'
/// output. Ctrl+C stops every cell and removes every lab and program.
/// </remarks>
/// <example>
/// <code>Test-QuicMigration -Server ngtcp2, quic-go -Client ngtcp2, quic-go -Scenario * -ReportPath ./matrix.html</code>
/// <para>Runs the whole matrix, writes a result per cell as it finishes, and the matrix as an HTML page.</para>
/// </example>
/// <example>
/// <code>Test-QuicMigration -Server ngtcp2 -Client ngtcp2 -Scenario DsrLoadBalancer -Fault ProbeFromRealAddress | Select-Object Outcome, Verdicts, Reason</code>
/// <para>The origin's fault: the server's packets to the client's new path leave from its real address; the cell fails with SourceAddressMismatch.</para>
/// </example>
/// <example>
/// <code>Get-QuicImplementation -Path ./impls -Name my-quic | Test-QuicMigration -Client ngtcp2 -Scenario Transfer, RebindPort</code>
/// <para>Runs your own implementation (a file in ./impls) as the server against ngtcp2.</para>
/// </example>
[Cmdlet(VerbsDiagnostic.Test, "QuicMigration")]
[OutputType(typeof(QuicMigrationResult))]
public sealed class TestQuicMigrationCommand : MigrationToolsCmdlet
{
    private readonly List<object> _servers = new();

    /// <summary>The servers: implementation names (wildcards allowed) or objects from Get-QuicImplementation.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ArgumentCompleter(typeof(QuicImplementationCompleter))]
    public object[] Server { get; set; } = null!;

    /// <summary>The clients: implementation names (wildcards allowed) or objects from Get-QuicImplementation.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ArgumentCompleter(typeof(QuicImplementationCompleter))]
    public object[] Client { get; set; } = null!;

    /// <summary>The scenarios (wildcards allowed): Transfer, RebindPort, RebindAddress, ClientMigration, DsrLoadBalancer, PreferredAddress; all by default.</summary>
    [Parameter(Position = 2)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(QuicScenarioCompleter))]
    public string[] Scenario { get; set; } = { "*" };

    /// <summary>Folders of implementation files (or files) to find -Server and -Client names in, besides the shipped ones.</summary>
    [Parameter]
    public string[]? Path { get; set; }

    /// <summary>A fault injected into the server's side: ProbeFromRealAddress (DsrLoadBalancer only) sends what goes to the client's new path from the server's real address, as the origin's faulty server did.</summary>
    [Parameter]
    [ValidateSet("ProbeFromRealAddress")]
    public string? Fault { get; set; }

    /// <summary>How many cells run at once; the number of cores by default.</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = Environment.ProcessorCount;

    /// <summary>Where each cell's folder is made; ./quic-migration-&lt;time&gt; by default.</summary>
    [Parameter]
    public string? OutputDirectory { get; set; }

    /// <summary>Writes the matrix as HTML (.html, .htm) or Markdown (.md), one table per scenario, servers by clients.</summary>
    [Parameter]
    public string? ReportPath { get; set; }

    /// <summary>The size of the file each client downloads, in bytes (2 MiB by default).</summary>
    [Parameter]
    [ValidateRange(1024, 1L << 30)]
    public long FileSize { get; set; } = 2L * 1024 * 1024;

    /// <summary>The rate of the router's links to the client in Mbit/s (20 by default), so that the download spans the scenario's change.</summary>
    [Parameter]
    [ValidateRange(1, 100000)]
    public int RateMbit { get; set; } = 20;

    /// <summary>The longest a cell's download may take, in seconds (10 by default).</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>How the load balancer's IP-in-IP tunnel is made: Auto (kernel ipip where the kernel has it), Kernel or Userspace.</summary>
    [Parameter]
    public TunnelMode? TunnelMode { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord() => _servers.AddRange(Server);

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        Invoke(null, () =>
        {
            var available = GetQuicImplementationCommand.Files(this, Path).Select(QuicImplementationFiles.Read).ToList();
            var servers = Resolve(_servers, available);
            var clients = Resolve(Client, available);
            var scenarios = Scenarios(Scenario);
            if (Fault is not null && !scenarios.Contains(QuicScenario.DsrLoadBalancer))
            {
                throw ErrorCatalog.InvalidArgument("-Fault ProbeFromRealAddress acts in the DsrLoadBalancer scenario only; add it to -Scenario.", Fault);
            }

            foreach (var implementation in servers.Concat(clients).DistinctBy(i => i.Name).Where(i => !i.IsBuilt))
            {
                QuicBuilder.EnsureBuilt(implementation, CancellationToken);
                Flush();
            }

            var output = GetUnresolvedProviderPathFromPSPath(OutputDirectory ?? "quic-migration-" + DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
            var options = new QuicMatrixOptions
            {
                OutputDirectory = output,
                Labs = new[] { QuicScenarioPlan.MigrationLab, QuicScenarioPlan.LoadBalancerLab }.ToDictionary(n => n, n => LabFileReader.Read(LabTemplates.PathOf(n))),
                FileSize = FileSize,
                RateMbit = RateMbit,
                Timeout = TimeSpan.FromSeconds(TimeoutSeconds),
                ProbeFromRealAddress = Fault is not null,
                TunnelMode = TunnelMode,
                PrefixStem = "qm" + Guid.NewGuid().ToString("N")[..3],
            };
            var cells = QuicMatrixRunner.Cells(servers, clients, scenarios);
            var results = new List<QuicMigrationResult>();
            var watch = Stopwatch.StartNew();
            var progress = new ProgressRecord(ActivityIdOf("Test-QuicMigration".GetHashCode(StringComparison.Ordinal)), "Test-QuicMigration", $"{cells.Count} cells, {ThrottleLimit} at a time");
            WriteProgress(progress);
            foreach (var result in QuicMatrixRunner.Run(cells, options, ThrottleLimit, CancellationToken))
            {
                results.Add(result);
                WriteObject(result);
                progress.PercentComplete = 100 * results.Count / cells.Count;
                progress.StatusDescription = $"{results.Count} of {cells.Count} cells in {watch.Elapsed.TotalSeconds:0} s; last: {result}";
                WriteProgress(progress);
            }

            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
            if (ReportPath is not null)
            {
                var report = GetUnresolvedProviderPathFromPSPath(ReportPath);
                OutputFiles.WriteText(report, QuicMatrixReport.Render(report, results, servers.Select(s => s.Name).ToArray(), clients.Select(c => c.Name).ToArray()), overwrite: true, "-ReportPath");
                WriteVerbose($"Report written to {report}.");
            }
        });
        base.EndProcessing();
    }

    private static IReadOnlyList<QuicImplementation> Resolve(IEnumerable<object> items, IReadOnlyList<QuicImplementation> available)
    {
        var result = new List<QuicImplementation>();
        foreach (var item in items)
        {
            var value = item is PSObject wrapped ? wrapped.BaseObject : item;
            var found = value switch
            {
                QuicImplementation implementation => new[] { implementation },
                string name => QuicImplementationFiles.Select(available, new[] { name }),
                _ => throw ErrorCatalog.InvalidArgument($"'{value}' is neither an implementation name nor an object from Get-QuicImplementation.", value),
            };
            result.AddRange(found.Where(f => !result.Any(r => r.Name == f.Name)));
        }

        return result;
    }

    private static IReadOnlyList<QuicScenario> Scenarios(IEnumerable<string> names)
    {
        var all = Enum.GetValues<QuicScenario>();
        var result = new List<QuicScenario>();
        foreach (var name in names)
        {
            var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
            var matches = all.Where(s => pattern.IsMatch(s.ToString())).ToArray();
            if (matches.Length == 0)
            {
                throw ErrorCatalog.InvalidArgument($"'{name}' is not a scenario: {string.Join(", ", all)}.", name);
            }

            result.AddRange(matches.Where(m => !result.Contains(m)));
        }

        return result;
    }
}
