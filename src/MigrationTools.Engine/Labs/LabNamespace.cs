namespace MigrationTools.Engine.Labs;

/// <summary>A namespace of a lab: its node, its name, and (once made) its identity.</summary>
internal sealed record LabNamespace(string Node, string Name, string? Identity);
