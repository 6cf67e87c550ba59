namespace MigrationTools.Engine.Labs;

/// <summary>A route of a lab node; its family follows the gateway or the destination.</summary>
/// <param name="Destination">A prefix, a host address or <c>default</c>.</param>
/// <param name="Gateway">The next hop.</param>
/// <param name="Interface">The outgoing interface.</param>
/// <param name="Metric">The metric.</param>
/// <param name="IPv6">For a <c>default</c> route without a gateway: true for IPv6.</param>
internal sealed record LabRoute(string Destination, string? Gateway, string? Interface, int? Metric, bool IPv6);
