using System.Net;
using MigrationTools.Engine.Namespaces;

namespace MigrationTools.Agent.Relay;

/// <summary>What a userspace relay serves and where it reports.</summary>
/// <param name="Name">The TUN device.</param>
/// <param name="Local">The local underlay address (outer source).</param>
/// <param name="Remote">The remote underlay address (outer destination).</param>
/// <param name="Ttl">The outer TTL.</param>
/// <param name="Tos">The outer TOS.</param>
/// <param name="StatsPath">Where the counters are written every half second.</param>
/// <param name="NamespacePath">The namespace's bind mount; when it is gone or another namespace, the relay ends.</param>
/// <param name="NamespaceIdentity">The identity the bind mount had when the relay started.</param>
/// <param name="Offloads">Use the TUN device's offloads (virtio-net header, TSO/USO, receive coalescing) where the kernel offers them.</param>
/// <param name="FastPath">Attach the traffic-control programs that encapsulate and decapsulate in the kernel where they can (see <see cref="Bpf.TunnelPrograms"/>).</param>
internal sealed record RelaySettings(string Name, IPAddress Local, IPAddress Remote, byte Ttl, byte Tos, string StatsPath, string? NamespacePath, NetNsIdentity? NamespaceIdentity, bool Offloads = true, bool FastPath = true);
