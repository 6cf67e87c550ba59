namespace MigrationTools.Engine.Labs;

/// <summary>Whether one node of a lab reached an address of another.</summary>
/// <param name="Lab">The lab.</param>
/// <param name="From">The node that pinged.</param>
/// <param name="To">The node the address belongs to.</param>
/// <param name="Address">The address pinged.</param>
/// <param name="Reachable">True when the echo came back.</param>
/// <param name="RttMs">The round trip in milliseconds, when it came back.</param>
public sealed record LabReachability(string Lab, string From, string To, string Address, bool Reachable, double? RttMs);
