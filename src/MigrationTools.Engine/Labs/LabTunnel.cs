using MigrationTools.Engine.Tunnels;

namespace MigrationTools.Engine.Labs;

/// <summary>An IP-in-IP tunnel of a lab node.</summary>
/// <param name="Node">The node.</param>
/// <param name="Name">The tunnel device.</param>
/// <param name="Local">The local underlay address (an address of the node).</param>
/// <param name="Remote">The remote underlay address.</param>
/// <param name="Mode">Kernel, Userspace or Auto.</param>
/// <param name="Ttl">The outer TTL (0: inherit).</param>
/// <param name="Mtu">The tunnel MTU.</param>
internal sealed record LabTunnel(string Node, string Name, string Local, string Remote, TunnelMode Mode, int Ttl, int? Mtu);
