namespace MigrationTools.Engine.Labs;

/// <summary>A capture a lab starts with itself (Start-NetNsCapture) and writes when it is removed.</summary>
/// <param name="Node">The node to capture in.</param>
/// <param name="Interface">The interface (all of the node's when null).</param>
/// <param name="Path">The file (.pcapng or .pcap), absolute or relative to the lab file's folder.</param>
/// <param name="Filter">A capture filter (BPF).</param>
internal sealed record LabCapture(string Node, string? Interface, string Path, string? Filter);
