using System.Collections.Generic;

namespace MigrationTools.Engine.Labs;

/// <summary>
/// A VXLAN interface of a lab node (or a port of a segment's bridge): made in the namespace the lab is built from,
/// whose underlay address it sends from, and moved into the node's namespace under its interface name. One remote is
/// a point-to-point link; several are a segment's head-end replication (an all-zeros FDB entry per remote).
/// </summary>
/// <param name="Node">The node (or segment) whose namespace holds the interface.</param>
/// <param name="Interface">The interface name there.</param>
/// <param name="Vni">The VXLAN network identifier.</param>
/// <param name="Local">The underlay address it sends from.</param>
/// <param name="Remotes">The underlay addresses of the other end(s).</param>
/// <param name="Port">The UDP port (4789 by default).</param>
/// <param name="Mtu">The interface's MTU.</param>
/// <param name="Addresses">Its addresses (none on a segment's port).</param>
/// <param name="RateMbit">A rate limit in Mbit/s on what it sends (tc tbf).</param>
internal sealed record LabVxlan(string Node, string Interface, int Vni, string Local, IReadOnlyList<string> Remotes, int Port, int Mtu, IReadOnlyList<string> Addresses, int? RateMbit);
