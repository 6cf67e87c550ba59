namespace MigrationTools.Engine.Labs;

/// <summary>
/// A namespace of a lab: its node, its name, (once made) its identity, and when the build set out to make it
/// (nanoseconds since the epoch), for a builder killed between making it and recording it.
/// </summary>
internal sealed record LabNamespace(string Node, string Name, string? Identity, long? IntendedAt = null);
