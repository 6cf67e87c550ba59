using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using CliWrap;
using CliWrap.Buffered;
using CliWrap.EventStream;
using MigrationTools.Engine.Errors;
using MigrationTools.Engine.Namespaces;
using MigrationTools.Engine.Platform;
using MigrationTools.Engine.Tools;

namespace MigrationTools.Engine.Processes;

/// <summary>Runs programs inside namespaces (<c>ip netns exec</c>), to completion, streamed or in the background.</summary>
public static class NetNsProcessManager
{
    // Background commands whose output this process is pumping into files; kept so the pump is not collected.
    private static readonly ConcurrentDictionary<int, (CommandTask<CommandResult> Task, CancellationTokenSource Cancellation)> Running = new();

    private sealed record ProcessState(string Namespace, int ProcessId, long StartTicks, string Command, string[] Arguments, DateTime StartTime, string OutputPath, string ErrorPath);

    /// <summary>The module's state directory for namespace <paramref name="namespace"/>.</summary>
    public static string StateDirectoryOf(string @namespace) => Path.Combine(NetNsPaths.StateDirectory, "netns", @namespace);

    private static string ProcessDirectoryOf(string @namespace) => Path.Combine(StateDirectoryOf(@namespace), "processes");

    private static Command BuildCommand(string @namespace, string command, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?>? environment)
    {
        HostRequirements.EnsureRoot();
        NetNsManager.EnsureExists(@namespace);
        if (string.IsNullOrWhiteSpace(command))
        {
            throw new MigrationToolsException("InvalidCommand", FailureKind.InvalidArgument, "The command to run is empty.", command);
        }

        var all = new List<string> { "netns", "exec", @namespace, command };
        all.AddRange(arguments);
        var cli = Cli.Wrap(ToolCatalog.Resolve("ip")).WithArguments(all).WithValidation(CommandResultValidation.None);
        if (environment is { Count: > 0 })
        {
            foreach (var key in environment.Keys)
            {
                if (string.IsNullOrEmpty(key) || key.Contains('=', StringComparison.Ordinal))
                {
                    throw new MigrationToolsException("InvalidEnvironmentVariable", FailureKind.InvalidArgument, $"'{key}' is not a valid environment variable name.", key);
                }
            }

            // ip netns exec passes its environment on to the program; a null value removes the variable.
            cli = cli.WithEnvironmentVariables(environment);
        }

        return cli;
    }

    /// <summary>Runs a program inside a namespace to completion and returns its output and exit code.</summary>
    public static async Task<NetNsCommandResult> RunAsync(string @namespace, string command, IReadOnlyList<string> arguments, CancellationToken cancellationToken, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var cli = BuildCommand(@namespace, command, arguments, environment);
        var watch = Stopwatch.StartNew();
        var result = await cli.ExecuteBufferedAsync(Encoding.UTF8, cancellationToken).ConfigureAwait(false);
        var lines = SplitLines(result.StandardOutput);
        return new NetNsCommandResult(@namespace, command, arguments.ToArray(), result.ExitCode, lines, result.StandardError.TrimEnd(), watch.Elapsed);
    }

    /// <summary>Runs a program inside a namespace and yields its output lines as they come; the last item carries the exit code.</summary>
    public static async IAsyncEnumerable<ProcessOutput> StreamAsync(string @namespace, string command, IReadOnlyList<string> arguments, [EnumeratorCancellation] CancellationToken cancellationToken, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var cli = BuildCommand(@namespace, command, arguments, environment);
        await foreach (var commandEvent in cli.ListenAsync(Encoding.UTF8, cancellationToken).ConfigureAwait(false))
        {
            switch (commandEvent)
            {
                case StandardOutputCommandEvent output:
                    yield return new ProcessOutput(ProcessOutputKind.Output, output.Text, null);
                    break;
                case StandardErrorCommandEvent error:
                    yield return new ProcessOutput(ProcessOutputKind.Error, error.Text, null);
                    break;
                case ExitedCommandEvent exited:
                    yield return new ProcessOutput(ProcessOutputKind.Exited, string.Empty, exited.ExitCode);
                    break;
            }
        }
    }

    /// <summary>
    /// Starts a long-running program inside a namespace. Its output goes to files under the module's state
    /// directory; it runs until stopped, until its namespace is removed, or until this PowerShell process ends.
    /// </summary>
    public static NetNsProcess StartBackground(string @namespace, string command, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var directory = ProcessDirectoryOf(@namespace);
        Directory.CreateDirectory(directory);
        var stamp = DateTime.UtcNow.ToString("yyyyMMddTHHmmssfff", System.Globalization.CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6];
        var outputPath = Path.Combine(directory, stamp + ".out");
        var errorPath = Path.Combine(directory, stamp + ".err");
        var cancellation = new CancellationTokenSource();
        var cli = BuildCommand(@namespace, command, arguments, environment)
            .WithStandardOutputPipe(ToLiveFile(outputPath))
            .WithStandardErrorPipe(ToLiveFile(errorPath));

        CommandTask<CommandResult> task;
        try
        {
            task = cli.ExecuteAsync(cancellation.Token);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            cancellation.Dispose();
            throw new MigrationToolsException("ProcessStartFailed", FailureKind.OperationFailed, $"Could not start '{command}' in '{@namespace}': {ex.Message}", command, ex);
        }

        var pid = task.ProcessId;
        var startTicks = ProcessSignals.StartTicks(pid) ?? 0;
        Running[pid] = (task, cancellation);
        _ = task.Task.ContinueWith(_ => { Running.TryRemove(pid, out var _); }, TaskScheduler.Default);

        var state = new ProcessState(@namespace, pid, startTicks, command, arguments.ToArray(), DateTime.UtcNow, outputPath, errorPath);
        File.WriteAllText(Path.Combine(directory, pid.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".json"), JsonSerializer.Serialize(state));
        return ToProcess(state);
    }

    /// <summary>The background processes the module started, in one namespace or in all.</summary>
    public static IReadOnlyList<NetNsProcess> List(string? @namespace = null)
    {
        var root = Path.Combine(NetNsPaths.StateDirectory, "netns");
        if (!Directory.Exists(root))
        {
            return Array.Empty<NetNsProcess>();
        }

        var directories = @namespace is null
            ? Directory.GetDirectories(root).Select(d => Path.Combine(d, "processes"))
            : new[] { ProcessDirectoryOf(@namespace) };
        var result = new List<NetNsProcess>();
        foreach (var directory in directories.Where(Directory.Exists))
        {
            foreach (var file in Directory.GetFiles(directory, "*.json"))
            {
                try
                {
                    var state = JsonSerializer.Deserialize<ProcessState>(File.ReadAllText(file));
                    if (state is not null)
                    {
                        result.Add(ToProcess(state));
                    }
                }
                catch (Exception ex) when (ex is JsonException or IOException)
                {
                    // A torn or foreign file is not a process of ours.
                }
            }
        }

        return result.OrderBy(p => p.Namespace, StringComparer.Ordinal).ThenBy(p => p.StartTime).ToArray();
    }

    /// <summary>Stops a background process (SIGTERM, then SIGKILL after <paramref name="grace"/>) and forgets it.</summary>
    public static void Stop(NetNsProcess process, TimeSpan grace)
    {
        if (process.IsRunning)
        {
            ProcessSignals.Terminate(process.ProcessId, grace);
        }

        if (Running.TryRemove(process.ProcessId, out var running))
        {
            running.Cancellation.Cancel();
            running.Cancellation.Dispose();
        }

        var stateFile = Path.Combine(ProcessDirectoryOf(process.Namespace), process.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".json");
        File.Delete(stateFile);
    }

    /// <summary>Drops every piece of module state for a namespace (its processes must already be gone).</summary>
    public static void ForgetNamespace(string @namespace)
    {
        foreach (var pid in Running.Keys.ToArray())
        {
            if (Running.TryGetValue(pid, out var running) && !ProcessSignals.IsAlive(pid))
            {
                Running.TryRemove(pid, out _);
                running.Cancellation.Dispose();
            }
        }

        var directory = StateDirectoryOf(@namespace);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// A pipe target that writes through to the file as data arrives (PipeTarget.ToFile buffers until the
    /// process ends), so a background program's log can be read while it runs.
    /// </summary>
    private static PipeTarget ToLiveFile(string path) => PipeTarget.Create(async (origin, cancellationToken) =>
    {
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await origin.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
        }
    });

    private static NetNsProcess ToProcess(ProcessState state) =>
        new(state.Namespace, state.ProcessId, state.StartTicks, state.Command, state.Arguments, state.StartTime, state.OutputPath, state.ErrorPath);

    private static string[] SplitLines(string text)
    {
        var trimmed = text.TrimEnd('\n', '\r');
        return trimmed.Length == 0 ? Array.Empty<string>() : trimmed.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
    }
}

/// <summary>What a streamed line is.</summary>
public enum ProcessOutputKind
{
    /// <summary>A line of standard output.</summary>
    Output,
    /// <summary>A line of standard error.</summary>
    Error,
    /// <summary>The process ended.</summary>
    Exited,
}

/// <summary>One event of a streamed run.</summary>
public readonly record struct ProcessOutput(ProcessOutputKind Kind, string Text, int? ExitCode);
