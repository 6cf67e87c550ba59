using System.Net;

namespace MigrationTools.Engine.Tunnels;

/// <summary>What <see cref="TunnelManager.Set"/> asks for.</summary>
internal sealed record IpipTunnelSpec(string Namespace, string Name, IPAddress Local, IPAddress Remote, int Ttl, int Tos, int? Mtu, TunnelMode Mode);
