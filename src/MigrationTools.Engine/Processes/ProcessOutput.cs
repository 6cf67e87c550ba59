namespace MigrationTools.Engine.Processes;

/// <summary>One event of a streamed run.</summary>
/// <param name="Kind">A line of output or error, or the end.</param>
/// <param name="Text">The line.</param>
/// <param name="ExitCode">The exit code, on the end.</param>
public readonly record struct ProcessOutput(ProcessOutputKind Kind, string Text, int? ExitCode);
