namespace MigrationTools.Engine.QuicMatrix;

/// <summary>How one cell of a Test-QuicMigration matrix ended.</summary>
internal enum QuicOutcome
{
    /// <summary>The transfer completed intact, no certain verdict, and the scenario's own rule held.</summary>
    Passed,
    /// <summary>The transfer, a verdict or the scenario's rule says the pair failed the scenario.</summary>
    Failed,
    /// <summary>The server or the client does not support the scenario (its file says so, or it exited 127 as the interop-runner contract has it).</summary>
    Unsupported,
    /// <summary>The cell could not be run (the lab, a program that did not start): no statement on the implementations.</summary>
    Error,
}
