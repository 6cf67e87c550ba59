namespace MigrationTools.Engine.Labs;

/// <summary>One end of a lab link: a node and the interface name it gets there.</summary>
/// <param name="Node">The node.</param>
/// <param name="Interface">The interface name (at most 15 bytes).</param>
internal sealed record LabEndpoint(string Node, string Interface)
{
    /// <inheritdoc />
    public override string ToString() => $"{Node}:{Interface}";
}
