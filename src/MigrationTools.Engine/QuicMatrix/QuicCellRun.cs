using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using MigrationTools.Core.Errors;
using MigrationTools.Engine.Captures;
using MigrationTools.Engine.Labs;
using MigrationTools.Engine.Links.Impairments;
using MigrationTools.Engine.Processes;
using MigrationTools.Engine.Tools;

namespace MigrationTools.Engine.QuicMatrix;

/// <summary>
/// Runs one cell: builds the scenario's lab under a prefix of its own, starts the router's capture, the server and
/// the client, acts on the network once the handshake is done, waits for the download, then reads the capture with
/// the analyzer and judges (<see cref="QuicVerdict"/>). Whatever happens, the lab and every program it started are
/// gone when it returns.
/// </summary>
internal sealed partial class QuicCellRun(QuicCell cell, QuicMatrixOptions options, QuicMatrixContent content)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan HandshakeSettle = TimeSpan.FromMilliseconds(50);

    private readonly QuicScenarioPlan _plan = QuicScenarioPlan.For(cell.Scenario);
    private readonly string? _fault = options.ProbeFromRealAddress && cell.Scenario == QuicScenario.DsrLoadBalancer ? "ProbeFromRealAddress" : null;
    private readonly string _prefix = $"{options.PrefixStem}{cell.Index:D2}-";
    private string _directory = string.Empty;

    /// <summary>Runs the cell and returns its result; only cancellation escapes as an exception.</summary>
    public QuicMigrationResult Run(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        if (Unsupported() is { } why)
        {
            return Result(QuicOutcome.Unsupported, why, watch.Elapsed);
        }

        _directory = Path.Combine(options.OutputDirectory, cell.Name(_fault is not null));
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        Directory.CreateDirectory(_directory);

        var observed = new Observed();
        try
        {
            Execute(observed, cancellationToken);
        }
        catch (MigrationToolsException ex)
        {
            observed.Error = ex.Message;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var received = File.Exists(DownloadedFile) ? new FileInfo(DownloadedFile).Length : 0;
        var complete = received == content.Size && QuicMatrixContent.Sha256Of(DownloadedFile) == content.Sha256;
        var analysis = File.Exists(CapturePath) ? QuicCellAnalysis.Read(CapturePath, KeyLogPath, cell.Server.Port, _directory, cell.Name(_fault is not null)) : null;
        var (outcome, reason) = QuicVerdict.Judge(cell, _plan, observed, complete, received, content.Size, analysis?.Events, analysis?.ActiveMigrationDisabled ?? false);
        var result = Result(outcome, reason, watch.Elapsed);
        result.TransferComplete = complete;
        result.ReceivedBytes = received;
        result.Verdicts = analysis?.Events.Where(e => e.IsVerdict).Select(e => e.KindName).Distinct().ToArray() ?? Array.Empty<string>();
        result.Events = analysis?.Events ?? Array.Empty<Analysis.Quic.QuicProbeEvent>();
        result.Directory = _directory;
        result.CapturePath = File.Exists(CapturePath) ? CapturePath : null;
        result.QlogPaths = Directory.Exists(_directory) ? Directory.GetFiles(_directory, "*.*qlog", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray() : Array.Empty<string>();
        result.TimelinePath = File.Exists(TimelinePath) ? TimelinePath : null;
        return result;
    }

    private string CapturePath => Path.Combine(_directory, "capture.pcapng");

    private string KeyLogPath => Path.Combine(_directory, "keys.log");

    private string TimelinePath => Path.Combine(_directory, "timeline.svg");

    private string DownloadedFile => Path.Combine(_directory, "client", "downloads", content.FileName);

    private string Namespace(string node) => _prefix + node;

    private string? Unsupported()
    {
        foreach (var (implementation, role) in new[] { (cell.Server, "server"), (cell.Client, "client") })
        {
            if (!implementation.Supports(cell.Scenario))
            {
                return $"{implementation.Name} ({role}) does not support {cell.Scenario}: its file leaves it out of Scenarios.";
            }
        }

        return null;
    }

    private QuicMigrationResult Result(QuicOutcome outcome, string reason, TimeSpan duration) => new()
    {
        Server = cell.Server.Name,
        Client = cell.Client.Name,
        ScenarioKind = cell.Scenario,
        Fault = _fault,
        OutcomeKind = outcome,
        Reason = reason,
        ExpectedBytes = content.Size,
        Duration = duration,
    };

    private void Execute(Observed observed, CancellationToken cancellationToken)
    {
        var labName = _prefix + _plan.Lab;
        NetNsCapture? capture = null;
        NetNsProcess? server = null;
        NetNsProcess? client = null;
        var built = false;
        try
        {
            LabManager.Build(options.Labs[_plan.Lab], labName, _prefix, "Test-QuicMigration", options.TunnelMode, cancellationToken);
            built = true;
            foreach (var name in QuicScenarioPlan.ClientFacing)
            {
                ImpairmentManager.Shape(Namespace(_plan.RouterNode), name, options.RateMbit, cancellationToken);
            }

            SendWireDatagrams(cancellationToken);
            Prepare(cancellationToken);
            capture = NetNsCaptureManager.Start(Namespace(_plan.RouterNode), _plan.CaptureInterface, CapturePath,
                $"udp port {cell.Server.Port} or ip proto 4", KeyLogPath, null, null, force: true, cancellationToken);
            server = StartEndpoint(cell.Server, server: true);
            if (!WaitListening(server, cancellationToken))
            {
                observed.ServerExit = server.ExitCode;
                observed.ServerError = Tail(server);
                return;
            }

            client = StartEndpoint(cell.Client, server: false);
            var started = Stopwatch.StartNew();
            observed.Handshake = WaitUntil(() => HandshakeDone() || !client.IsRunning, StartTimeout, cancellationToken) && HandshakeDone();
            if (observed.Handshake)
            {
                // A path change comes once the handshake has completed on the first path (the client's own flag moves it
                // TriggerAfter later); a rebinding after TriggerAfter. A client logs its 1-RTT secret before it sends its
                // Finished: a route changed at once would move the client's last handshake packets, not the connection.
                if (cancellationToken.WaitHandle.WaitOne(TriggersAtHandshake ? HandshakeSettle : options.TriggerAfter))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                Trigger(cancellationToken);
                observed.Triggered = true;
            }

            var finished = WaitUntil(() => !client.IsRunning, options.Timeout - started.Elapsed, cancellationToken);
            observed.TimedOut = !finished;
            Stop(client);
            observed.ClientExit = client.ExitCode;
            observed.ClientError = Tail(client);
            Stop(server);
            observed.ServerExit = server.ExitCode;
        }
        finally
        {
            Stop(client);
            Stop(server);
            MergeKeyLogs();
            if (capture is not null)
            {
                try
                {
                    NetNsCaptureManager.Stop(capture.Namespace, capture.Id, CancellationToken.None);
                }
                catch (MigrationToolsException ex)
                {
                    observed.Error ??= ex.Message;
                }
            }

            KeepOutput(client, "client");
            KeepOutput(server, "server");
            if (built || LabStore.Read(labName) is not null)
            {
                LabManager.Remove(labName, CancellationToken.None);
            }
        }
    }

    private static bool WaitUntil(Func<bool> done, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (!done())
        {
            if (watch.Elapsed >= timeout)
            {
                return false;
            }

            if (cancellationToken.WaitHandle.WaitOne(20))
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        return true;
    }

    private bool WaitListening(NetNsProcess server, CancellationToken cancellationToken)
    {
        var port = $":{cell.Server.Port}";
        return WaitUntil(() => !server.IsRunning || Listening(), StartTimeout, cancellationToken) && server.IsRunning;

        bool Listening() => NetNsTool.TryRun(Namespace(_plan.ServerNode), "ss", new[] { "-Hunl" }, null, cancellationToken)
            .StandardOutput.Split('\n').Any(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(3)?.EndsWith(port, StringComparison.Ordinal) == true);
    }

    private bool HandshakeDone() => new[] { "server", "client" }.Any(role =>
        File.Exists(KeyLogOf(role)) && File.ReadLines(KeyLogOf(role)).Any(line => line.StartsWith("CLIENT_TRAFFIC_SECRET_0 ", StringComparison.Ordinal)));

    private string KeyLogOf(string role) => Path.Combine(_directory, role, "logs", "keys.log");

    private void MergeKeyLogs()
    {
        if (!Directory.Exists(_directory))
        {
            return;
        }

        var lines = new[] { "client", "server" }.Where(role => File.Exists(KeyLogOf(role))).SelectMany(role => File.ReadAllLines(KeyLogOf(role))).Distinct().ToArray();
        File.WriteAllLines(KeyLogPath, lines);
    }

    private static void Stop(NetNsProcess? process)
    {
        if (process is { IsRunning: true })
        {
            NetNsProcessManager.Stop(process, Grace);
        }
    }

    private static string? Tail(NetNsProcess process) => process.ErrorTail.Count > 0 ? string.Join(" / ", process.ErrorTail) : null;

    private void KeepOutput(NetNsProcess? process, string role)
    {
        if (process is null || !Directory.Exists(_directory))
        {
            return;
        }

        foreach (var (from, name) in new[] { (process.OutputPath, "stdout.txt"), (process.ErrorPath, "stderr.txt") })
        {
            if (File.Exists(from))
            {
                File.Copy(from, Path.Combine(_directory, role, name), overwrite: true);
            }
        }
    }

    /// <summary>What the run saw of the programs, for the judgement.</summary>
    internal sealed class Observed
    {
        public string? Error { get; set; }
        public int? ServerExit { get; set; }
        public string? ServerError { get; set; }
        public int? ClientExit { get; set; }
        public string? ClientError { get; set; }
        public bool Handshake { get; set; }
        public bool Triggered { get; set; }
        public bool TimedOut { get; set; }
    }
}
