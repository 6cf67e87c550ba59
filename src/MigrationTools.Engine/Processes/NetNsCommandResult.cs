using System;
using System.Collections.Generic;

namespace MigrationTools.Engine.Processes;

/// <summary>The outcome of a program run to completion inside a namespace.</summary>
public sealed class NetNsCommandResult
{
    internal NetNsCommandResult(string @namespace, string command, IReadOnlyList<string> arguments, int exitCode, IReadOnlyList<string> output, string error, TimeSpan duration)
    {
        Namespace = @namespace;
        Command = command;
        Arguments = arguments;
        ExitCode = exitCode;
        Output = output;
        Error = error;
        Duration = duration;
    }

    /// <summary>The namespace the program ran in.</summary>
    public string Namespace { get; }
    /// <summary>The program.</summary>
    public string Command { get; }
    /// <summary>Its arguments.</summary>
    public IReadOnlyList<string> Arguments { get; }
    /// <summary>The exit code.</summary>
    public int ExitCode { get; }
    /// <summary>True when the exit code is zero.</summary>
    public bool Succeeded => ExitCode == 0;
    /// <summary>Standard output, one string per line.</summary>
    public IReadOnlyList<string> Output { get; }
    /// <summary>Standard error.</summary>
    public string Error { get; }
    /// <summary>Wall-clock run time.</summary>
    public TimeSpan Duration { get; }

    /// <inheritdoc />
    public override string ToString() => string.Join(Environment.NewLine, Output);
}
