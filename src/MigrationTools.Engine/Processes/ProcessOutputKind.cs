namespace MigrationTools.Engine.Processes;

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
