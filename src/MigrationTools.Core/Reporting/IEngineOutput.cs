namespace MigrationTools.Core.Reporting;

/// <summary>
/// Where the engine reports what is not a result: what it changed (verbose), what a user should know (warnings), and
/// how far long work has come (progress). The module's cmdlets implement it over their streams; without one the
/// engine stays silent. Implementations must accept calls from any thread.
/// </summary>
internal interface IEngineOutput
{
    /// <summary>A note of what the engine did or decided.</summary>
    void Verbose(string message);

    /// <summary>Something the user should know: data skipped, state discarded.</summary>
    void Warning(string message);

    /// <summary>How far a long operation has come.</summary>
    void Progress(ProgressReport report);
}
