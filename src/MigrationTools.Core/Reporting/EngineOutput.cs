using System;
using System.Threading;

namespace MigrationTools.Core.Reporting;

/// <summary>
/// The output of the operation running on this logical call: set by the caller for the duration of an engine call
/// (it flows into the threads and tasks that call starts), read by the engine where it has something to say.
/// </summary>
internal static class EngineOutput
{
    private static readonly AsyncLocal<IEngineOutput?> CurrentOutput = new();

    /// <summary>The output in effect, or null.</summary>
    public static IEngineOutput? Current => CurrentOutput.Value;

    /// <summary>Makes <paramref name="output"/> current until the returned scope is disposed.</summary>
    public static IDisposable Use(IEngineOutput? output)
    {
        var previous = CurrentOutput.Value;
        CurrentOutput.Value = output;
        return new Scope(previous);
    }

    /// <summary>Writes a verbose note, if anyone listens.</summary>
    public static void Verbose(string message) => CurrentOutput.Value?.Verbose(message);

    /// <summary>Writes a warning, if anyone listens.</summary>
    public static void Warning(string message) => CurrentOutput.Value?.Warning(message);

    /// <summary>Reports progress, if anyone listens.</summary>
    public static void Progress(string activity, string status, int percentComplete, bool completed = false) =>
        CurrentOutput.Value?.Progress(new ProgressReport(activity, status, Math.Clamp(percentComplete, -1, 100), completed));

    private sealed class Scope(IEngineOutput? previous) : IDisposable
    {
        public void Dispose() => CurrentOutput.Value = previous;
    }
}
