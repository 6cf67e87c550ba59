using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using CliWrap;
using CliWrap.Buffered;
using MigrationTools.Core.Errors;
using MigrationTools.Core.Files;
using MigrationTools.Core.Processes;
using MigrationTools.Core.Reporting;
using MigrationTools.Engine.Namespaces;
using MigrationTools.Engine.Platform;
using MigrationTools.Engine.State;
using MigrationTools.Engine.Tools;
using MigrationTools.Engine.Validation;

namespace MigrationTools.Engine.Processes;

/// <summary>
/// Runs programs inside namespaces (<c>ip netns exec</c>, which also gives them the namespace's /sys and
/// /etc/netns files), to completion, streamed or in the background. Every program is started with a parent-death
/// signal from a thread that lives as long as this process (<see cref="ChildSpawner"/>), so none outlives the
/// session that started it, however the session ends; only <c>-Detach</c> programs are started to outlive it.
/// </summary>
internal static class NetNsProcessManager
{
    private const string Area = "processes";

    // Background programs whose output this process is pumping into files; kept so the pump is not collected, and
    // until the pump has written the last of it (a program's end is seen before its last output is in the file).
    private static readonly ConcurrentDictionary<int, (CommandTask<CommandResult> Task, CancellationTokenSource Cancellation, long StartTicks)> Running = new();

    private sealed record ProcessState(string Namespace, int ProcessId, long StartTicks, string Command, string[] Arguments, DateTime StartTime, string OutputPath, string ErrorPath, bool Detached = false);

    /// <summary>
    /// The <c>ip netns exec</c> command line that runs <paramref name="program"/> (a full path) in <paramref name="namespace"/>
    /// and kills it when this process dies.
    /// </summary>
    internal static List<string> BoundArguments(string @namespace, string program, IReadOnlyList<string> arguments)
    {
        var all = new List<string> { "netns", "exec", @namespace, ToolCatalog.Resolve("setpriv"), "--pdeathsig", "KILL", "--", program };
        all.AddRange(arguments);
        return all;
    }

    private static Command BuildCommand(string @namespace, string command, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?>? environment)
    {
        HostRequirements.EnsureRoot();
        NetNsLookup.EnsureExists(@namespace);
        var program = ProgramLocator.Find(command);
        var cli = Cli.Wrap(ToolCatalog.Resolve("ip")).WithArguments(BoundArguments(@namespace, program, arguments)).WithValidation(CommandResultValidation.None);
        return WithEnvironment(cli, environment);
    }

    private static Command WithEnvironment(Command cli, IReadOnlyDictionary<string, string?>? environment)
    {
        if (environment is not { Count: > 0 })
        {
            return cli;
        }

        foreach (var key in environment.Keys)
        {
            if (string.IsNullOrEmpty(key) || key.Contains('=', StringComparison.Ordinal) || key.Contains('\0', StringComparison.Ordinal))
            {
                throw ErrorCatalog.InvalidEnvironmentVariable($"'{key}' is not a valid environment variable name.", key);
            }
        }

        // ip netns exec passes its environment on to the program; a null value removes the variable.
        return cli.WithEnvironmentVariables(environment);
    }

    /// <summary>
    /// Runs a program inside a namespace to completion and returns its output and exit code; <paramref name="input"/>
    /// lines (if any) are its standard input, <paramref name="inputInterval"/> apart.
    /// </summary>
    public static async Task<NetNsCommandResult> RunAsync(string @namespace, string command, IReadOnlyList<string> arguments, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string?>? environment = null, IReadOnlyList<string>? input = null, TimeSpan inputInterval = default)
    {
        var cli = BuildCommand(@namespace, command, arguments, environment);
        if (input is not null)
        {
            cli = cli.WithStandardInputPipe(Lines(input, inputInterval));
        }

        var watch = Stopwatch.StartNew();
        var task = ChildSpawner.Run(() => cli.ExecuteBufferedAsync(Encoding.UTF8, cancellationToken));
        var result = await task.ConfigureAwait(false);
        return new NetNsCommandResult(@namespace, command, arguments.ToArray(), result.ExitCode, SplitLines(result.StandardOutput), result.StandardError.TrimEnd(), watch.Elapsed);
    }

    /// <summary>Runs a program inside a namespace and yields its output lines as they come; the last item carries the exit code.</summary>
    public static async IAsyncEnumerable<ProcessOutput> StreamAsync(string @namespace, string command, IReadOnlyList<string> arguments, [EnumeratorCancellation] CancellationToken cancellationToken, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var channel = Channel.CreateUnbounded<ProcessOutput>(new UnboundedChannelOptions { SingleReader = true });
        var cli = BuildCommand(@namespace, command, arguments, environment)
            .WithStandardOutputPipe(PipeTarget.ToDelegate(line => channel.Writer.TryWrite(new ProcessOutput(ProcessOutputKind.Output, line, null)), Encoding.UTF8))
            .WithStandardErrorPipe(PipeTarget.ToDelegate(line => channel.Writer.TryWrite(new ProcessOutput(ProcessOutputKind.Error, line, null)), Encoding.UTF8));
        var task = ChildSpawner.Run(() => cli.ExecuteAsync(cancellationToken));
        _ = task.Task.ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully)
            {
                channel.Writer.TryWrite(new ProcessOutput(ProcessOutputKind.Exited, string.Empty, t.Result.ExitCode));
            }

            channel.Writer.TryComplete(t.Exception?.InnerException);
        }, TaskScheduler.Default);

        await foreach (var output in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return output;
        }

        await task;
    }

    /// <summary>
    /// Starts a long-running program inside a namespace. Its output goes to files under the module's state directory;
    /// it runs until stopped, until its namespace is removed, or until this process ends. A detached program
    /// (<paramref name="detach"/>) runs in a session of its own, writes its files itself and outlives this process.
    /// </summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="command">The program.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="environment">Variables to set (null values remove).</param>
    /// <param name="detach">Start it so that it outlives this process.</param>
    /// <param name="input">Lines written to the program's standard input, then end of input (none: no input).</param>
    /// <param name="inputInterval">The pause after each line (so a program that sends each line it reads spreads them out).</param>
    public static NetNsProcess StartBackground(string @namespace, string command, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?>? environment = null,
        bool detach = false, IReadOnlyList<string>? input = null, TimeSpan inputInterval = default)
    {
        HostRequirements.EnsureRoot();
        NetNsLookup.EnsureExists(@namespace);
        var program = ProgramLocator.Find(command);
        var directory = NetNsState.Prepare(@namespace, Area);
        var stamp = DateTime.UtcNow.ToString("yyyyMMddTHHmmssfff", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6];
        var outputPath = Path.Combine(directory, stamp + ".out");
        var errorPath = Path.Combine(directory, stamp + ".err");
        if (detach && input is not null)
        {
            throw ErrorCatalog.DetachedInput("A detached program cannot be given input by this session, which it outlives.", command);
        }

        var (pid, startTicks) = detach
            ? StartDetached(@namespace, program, arguments, environment, outputPath, errorPath)
            : StartBound(@namespace, command, arguments, environment, outputPath, errorPath, input, inputInterval);
        var state = new ProcessState(@namespace, pid, startTicks, command, arguments.ToArray(), DateTime.UtcNow, outputPath, errorPath, detach);
        StateFiles.Write(Path.Combine(directory, pid.ToString(CultureInfo.InvariantCulture) + ".json"), state);
        EngineOutput.Verbose($"Started '{command}' in '{@namespace}' as pid {pid}{(detach ? ", detached from this session" : string.Empty)}; output in {outputPath}.");
        return ToProcess(state);
    }

    private static (int ProcessId, long StartTicks) StartBound(string @namespace, string command, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?>? environment, string outputPath, string errorPath,
        IReadOnlyList<string>? input, TimeSpan inputInterval)
    {
        var cancellation = new CancellationTokenSource();
        var cli = BuildCommand(@namespace, command, arguments, environment)
            .WithStandardOutputPipe(ToLiveFile(outputPath))
            .WithStandardErrorPipe(ToLiveFile(errorPath));
        if (input is not null)
        {
            cli = cli.WithStandardInputPipe(Lines(input, inputInterval));
        }
        CommandTask<CommandResult> task;
        try
        {
            task = ChildSpawner.Run(() => cli.ExecuteAsync(cancellation.Token));
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            cancellation.Dispose();
            throw ErrorCatalog.ProcessStartFailed($"Could not start '{command}' in '{@namespace}': {ex.Message}", command, ex);
        }

        var pid = task.ProcessId;
        var startTicks = ProcessSignals.StartTicks(pid) ?? 0;
        Running[pid] = (task, cancellation, startTicks);
        _ = task.Task.ContinueWith(ended =>
        {
            // Kept beside its output: Get-NetNsProcess shows how it ended, as well as that it ended. Written before
            // the program stops counting as running, so its exit code is there as soon as it does.
            if (ended.IsCompletedSuccessfully)
            {
                try
                {
                    File.WriteAllText(NetNsProcess.ExitPath(errorPath), ended.Result.ExitCode.ToString(CultureInfo.InvariantCulture));
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Its state was removed meanwhile (the namespace went): nothing to keep.
                }
            }

            Running.TryRemove(pid, out var _);
        }, TaskScheduler.Default);
        return (pid, startTicks);
    }

    /// <summary>
    /// True while this process is still writing what the program printed to its files: the program has ended, or
    /// left its output to a child, and the pipes are not yet drained (CliWrap's task ends only after both pumps have),
    /// or its exit code is not yet written.
    /// </summary>
    internal static bool IsPumping(int processId, long startTicks) =>
        Running.TryGetValue(processId, out var running) && running.StartTicks == startTicks;

    /// <summary>
    /// Starts the agent's <c>exec</c> inside the namespace: it becomes a session leader, points its output at the files
    /// and replaces itself with the program, so the pid is the program's and nothing ties it to this process.
    /// </summary>
    private static (int ProcessId, long StartTicks) StartDetached(string @namespace, string program, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?>? environment, string outputPath, string errorPath)
    {
        var all = new List<string> { "netns", "exec", @namespace };
        all.AddRange(AgentProgram.CommandLine());
        all.AddRange(new[] { "exec", "--stdout", outputPath, "--stderr", errorPath, "--", program });
        all.AddRange(arguments);
        var cli = WithEnvironment(Cli.Wrap(ToolCatalog.Resolve("ip")).WithArguments(all).WithValidation(CommandResultValidation.None), environment);
        var task = cli.ExecuteAsync();
        _ = task.Task.ContinueWith(_ => { }, TaskScheduler.Default);
        return (task.ProcessId, ProcessSignals.StartTicks(task.ProcessId) ?? 0);
    }

    /// <summary>The background processes the module started, in one namespace or in all (stale state is discarded on the way).</summary>
    public static IReadOnlyList<NetNsProcess> List(string? @namespace = null)
    {
        if (@namespace is not null)
        {
            NameValidator.EnsureNamespaceName(@namespace);
        }

        var names = @namespace is null ? NetNsState.Names() : new[] { @namespace };
        var result = new List<NetNsProcess>();
        foreach (var name in names)
        {
            if (NetNsState.Current(name, Area) is { } directory)
            {
                result.AddRange(StateFiles.ReadAll<ProcessState>(directory).Select(f => ToProcess(f.Value)));
            }
        }

        return result.OrderBy(p => p.Namespace, StringComparer.Ordinal).ThenBy(p => p.StartTime).ToArray();
    }

    /// <summary>Stops a background process (SIGTERM, then SIGKILL after <paramref name="grace"/>) and forgets it.</summary>
    public static void Stop(NetNsProcess process, TimeSpan grace)
    {
        if (process.IsAlive)
        {
            ProcessSignals.Terminate(process.ProcessId, grace);
        }

        if (Running.TryRemove(process.ProcessId, out var running))
        {
            running.Cancellation.Cancel();
            running.Cancellation.Dispose();
        }

        if (NetNsState.Current(process.Namespace, Area) is { } directory)
        {
            FileCleanup.TryDelete(Path.Combine(directory, process.ProcessId.ToString(CultureInfo.InvariantCulture) + ".json"));
        }

        EngineOutput.Verbose($"Stopped '{process.Command}' (pid {process.ProcessId}) in '{process.Namespace}'.");
    }

    /// <summary>Forgets the pumps of programs of a namespace that are gone (its processes must already be stopped).</summary>
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
    }

    /// <summary>Writes the lines to a program's standard input, pausing after each, then ends its input.</summary>
    private static PipeSource Lines(IReadOnlyList<string> lines, TimeSpan interval) => PipeSource.Create(async (destination, cancellationToken) =>
    {
        foreach (var line in lines)
        {
            var bytes = Encoding.UTF8.GetBytes(line + "\n");
            await destination.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (interval > TimeSpan.Zero)
            {
                await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
            }
        }
    });

    /// <summary>
    /// A pipe target that writes through to the file as data arrives (PipeTarget.ToFile buffers until the
    /// process ends), so a background program's log can be read while it runs.
    /// </summary>
    private static PipeTarget ToLiveFile(string path) => PipeTarget.Create(async (origin, cancellationToken) =>
    {
        // Owner-only: a program's output can hold secrets (a key log, tokens), and it is written as root.
        await using var file = new FileStream(path, MigrationTools.Core.Files.OutputFiles.Options(FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1, ownerOnly: true));
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await origin.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
        }
    });

    private static NetNsProcess ToProcess(ProcessState state) =>
        new(state.Namespace, state.ProcessId, state.StartTicks, state.Command, state.Arguments, state.StartTime, state.OutputPath, state.ErrorPath) { Detached = state.Detached };

    private static string[] SplitLines(string text)
    {
        var trimmed = text.TrimEnd('\n', '\r');
        return trimmed.Length == 0 ? Array.Empty<string>() : trimmed.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
    }
}
