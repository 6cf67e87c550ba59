using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MigrationTools.Core.Processes;

namespace MigrationTools.Engine.Processes;

/// <summary>A long-running program the module started inside a namespace.</summary>
public sealed class NetNsProcess
{
    internal NetNsProcess(string @namespace, int processId, long startTicks, string command, IReadOnlyList<string> arguments, DateTime startTime, string outputPath, string errorPath)
    {
        Namespace = @namespace;
        ProcessId = processId;
        StartTicks = startTicks;
        Command = command;
        Arguments = arguments;
        StartTime = startTime;
        OutputPath = outputPath;
        ErrorPath = errorPath;
    }

    /// <summary>The namespace it runs in.</summary>
    public string Namespace { get; }
    /// <summary>The process id (in the root pid namespace).</summary>
    public int ProcessId { get; }
    /// <summary>The program.</summary>
    public string Command { get; }
    /// <summary>Its arguments.</summary>
    public IReadOnlyList<string> Arguments { get; }
    /// <summary>When it was started (UTC).</summary>
    public DateTime StartTime { get; }
    /// <summary>The file its standard output goes to.</summary>
    public string OutputPath { get; }
    /// <summary>The file its standard error goes to.</summary>
    public string ErrorPath { get; }
    /// <summary>True for a program started with -Detach, which outlives the session that started it.</summary>
    public bool Detached { get; init; }
    /// <summary>
    /// True while the process runs, and, for one this session started, until all it printed is in <see cref="OutputPath"/>
    /// and <see cref="ErrorPath"/> and its exit code is known: once it is false, the files are complete.
    /// </summary>
    public bool IsRunning => IsAlive || NetNsProcessManager.IsPumping(ProcessId, StartTicks);

    /// <summary>True while the process itself runs (and is the one that was started, not a reused pid): the one to signal.</summary>
    internal bool IsAlive => ProcessSignals.IsAlive(ProcessId) && ProcessSignals.StartTicks(ProcessId) == StartTicks;

    /// <summary>How it ended, once it has, when the session that started it saw it end (null while it runs, and for -Detach).</summary>
    public int? ExitCode => !IsRunning && File.Exists(ExitPath(ErrorPath)) && int.TryParse(File.ReadAllText(ExitPath(ErrorPath)).Trim(), out var code) ? code : null;

    /// <summary>The last lines of its standard error once it has ended (why it ended, usually); empty when it wrote none.</summary>
    public IReadOnlyList<string> ErrorTail => IsRunning || !File.Exists(ErrorPath) ? Array.Empty<string>() : Tail(ErrorPath);

    /// <summary>The last lines of a file, from its last 64 KB only (an error file can be large).</summary>
    private static string[] Tail(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            stream.Seek(Math.Max(0, stream.Length - 65536), SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd().Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).TakeLast(TailLines).ToArray();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Array.Empty<string>();
        }
    }

    /// <summary>Lines of <see cref="ErrorTail"/>.</summary>
    internal const int TailLines = 5;

    /// <summary>Where the exit code of the program whose standard error goes to <paramref name="errorPath"/> is kept.</summary>
    internal static string ExitPath(string errorPath) => Path.ChangeExtension(errorPath, ".exit");

    /// <summary>Kernel start time in clock ticks, to tell the process from a later one with the same pid.</summary>
    internal long StartTicks { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Namespace}:{ProcessId} {Command}";
}
