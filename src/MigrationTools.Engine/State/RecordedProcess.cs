namespace MigrationTools.Engine.State;

/// <summary>What every state file of a program the module started records, so stale state can stop it.</summary>
/// <param name="ProcessId">The pid.</param>
/// <param name="StartTicks">Its start time in clock ticks since boot (tells it from a later process with the pid).</param>
internal sealed record RecordedProcess(int ProcessId, long StartTicks);
