namespace MigrationTools.Engine.Labs;

/// <summary>An address of a lab node besides its links' (a VIP on loopback, say).</summary>
/// <param name="Node">The node.</param>
/// <param name="Interface">The interface (lo for a VIP).</param>
/// <param name="Address">The address with its prefix length.</param>
internal sealed record LabAddress(string Node, string Interface, string Address);
