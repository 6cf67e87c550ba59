using System;

namespace MigrationTools.Engine.Tools;

/// <summary>What an external program printed and how it ended.</summary>
internal sealed class ToolResult
{
    internal ToolResult(string program, string[] arguments, int exitCode, string standardOutput, string standardError, TimeSpan duration)
    {
        Program = program;
        Arguments = arguments;
        ExitCode = exitCode;
        StandardOutput = standardOutput;
        StandardError = standardError;
        Duration = duration;
    }

    /// <summary>The program run.</summary>
    public string Program { get; }
    /// <summary>Its arguments.</summary>
    public string[] Arguments { get; }
    /// <summary>Exit code.</summary>
    public int ExitCode { get; }
    /// <summary>Everything written to standard output.</summary>
    public string StandardOutput { get; }
    /// <summary>Everything written to standard error.</summary>
    public string StandardError { get; }
    /// <summary>Wall-clock run time.</summary>
    public TimeSpan Duration { get; }
    /// <summary>True when the exit code is zero.</summary>
    public bool Succeeded => ExitCode == 0;
}
