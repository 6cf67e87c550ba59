using System;
using System.Collections.Generic;

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
    /// <summary>True while the process runs (and is the one that was started, not a reused pid).</summary>
    public bool IsRunning => ProcessSignals.IsAlive(ProcessId) && ProcessSignals.StartTicks(ProcessId) == StartTicks;

    /// <summary>Kernel start time in clock ticks, to tell the process from a later one with the same pid.</summary>
    internal long StartTicks { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Namespace}:{ProcessId} {Command}";
}
