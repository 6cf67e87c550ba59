using System;
using System.Collections.Generic;
using System.Linq;
using MigrationTools.Core.Interop;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Flows;
using MigrationTools.Engine.Links;
using MigrationTools.Engine.Namespaces;
using MigrationTools.Engine.Netlink;
using MigrationTools.Engine.Routing;
using MigrationTools.Engine.Tunnels;

namespace MigrationTools.Engine.Labs;

/// <summary>
/// Describes existing namespaces as a lab, so a lab built by hand can be saved and built again: veth pairs between
/// them (matched through each end's peer index and peer namespace id), global addresses, the routes users add
/// (not the kernel's), forwarding, reverse-path filtering, tunnels and flow mappings. Node names are the namespace
/// names without the prefix given to <see cref="Export"/>.
/// </summary>
internal static class LabExporter
{
    /// <summary>The lab the namespaces make.</summary>
    public static LabDefinition Export(IReadOnlyList<string> namespaces, string name, string prefix)
    {
        foreach (var ns in namespaces)
        {
            NetNsLookup.EnsureExists(ns);
        }

        string NodeOf(string ns) => prefix.Length > 0 && ns.StartsWith(prefix, StringComparison.Ordinal) ? ns[prefix.Length..] : ns;
        var interfaces = namespaces.ToDictionary(ns => ns, ns => LinkManager.List(ns), StringComparer.Ordinal);
        var peerIds = namespaces.ToDictionary(ns => ns, ns => PeerNamespaceIds(ns, namespaces), StringComparer.Ordinal);
        var links = new List<LabLink>();
        var paired = new HashSet<(string, int)>();
        foreach (var ns in namespaces)
        {
            foreach (var end in interfaces[ns].Where(i => i.Kind == "veth" && i.PeerIndex is not null))
            {
                var peerNamespace = end.PeerNetNsId is { } id ? peerIds[ns].GetValueOrDefault(id) : ns;
                if (peerNamespace is null || !paired.Add((ns, end.Index)))
                {
                    continue;
                }

                var peer = interfaces[peerNamespace].FirstOrDefault(i => i.Index == end.PeerIndex);
                if (peer is null || !paired.Add((peerNamespace, peer.Index)))
                {
                    continue;
                }

                links.Add(new LabLink(new LabEndpoint(NodeOf(ns), end.Name), new LabEndpoint(NodeOf(peerNamespace), peer.Name),
                    Global(end), Global(peer), end.Mtu == 1500 ? null : end.Mtu, null));
            }
        }

        var tunnels = namespaces.SelectMany(ns => TunnelManager.List(ns).Select(t => new LabTunnel(NodeOf(ns), t.Name, t.Local?.ToString() ?? string.Empty,
            t.Remote?.ToString() ?? string.Empty, t.Mode, t.Mode == TunnelMode.Kernel ? t.Ttl : t.Ttl == 64 ? 0 : t.Ttl, t.Mtu == 1480 ? null : t.Mtu))).ToArray();
        var tunnelNames = tunnels.Select(t => (t.Node, t.Name)).ToHashSet();
        var extra = namespaces.SelectMany(ns => interfaces[ns]
            .Where(i => i.Kind is "loopback" || tunnelNames.Contains((NodeOf(ns), i.Name)))
            .SelectMany(i => Global(i).Select(a => new LabAddress(NodeOf(ns), i.Name, a)))).ToArray();
        var nodes = namespaces.ToDictionary(NodeOf, ns =>
        {
            var (v4, v6) = NetNsSysctl.ReadForwarding(ns);
            var rpFilter = NetNsSysctl.Read(ns, "net.ipv4.conf.all.rp_filter");
            var sysctls = rpFilter == "0" ? new Dictionary<string, string> { ["net.ipv4.conf.*.rp_filter"] = "0" } : new Dictionary<string, string>();
            var routes = RouteManager.List(ns).Where(r => r.Protocol is "boot" or "static" && r.Type == "unicast")
                .Select(r => new LabRoute(r.Destination, r.Gateway?.ToString(), r.Gateway is null ? r.Interface : null, r.Metric is { } m && m != 1024 ? m : null, r.AddressFamily == IpFamily.IPv6))
                .ToArray();
            return new LabNode(NodeOf(ns), v4 == true || v6 == true, sysctls, routes, null);
        }, StringComparer.Ordinal);
        var mappings = namespaces.SelectMany(ns => FlowManager.List(ns).Select(m => new LabFlowMapping(NodeOf(ns), m.VirtualAddress.ToString(),
            m.Targets.Select(t => t.ToString()).ToArray(), m.Backend))).ToArray();
        return new LabDefinition(name, $"Exported from {string.Join(", ", namespaces)}", nodes, links, extra, tunnels, mappings);
    }

    /// <summary>The addresses a user put on an interface: not loopback's own, not link-local.</summary>
    private static IReadOnlyList<string> Global(NetInterface @interface) =>
        @interface.Addresses.Where(a => !System.Net.IPAddress.IsLoopback(a.Address) && !a.Address.IsIPv6LinkLocal).Select(a => a.ToString()).ToArray();

    /// <summary>How namespace <paramref name="namespace"/> numbers the other namespaces (peer namespace ids of its veth ends).</summary>
    private static Dictionary<int, string> PeerNamespaceIds(string @namespace, IReadOnlyList<string> namespaces)
    {
        var result = new Dictionary<int, string>();
        foreach (var other in namespaces.Where(n => n != @namespace))
        {
            using var fd = Libc.OpenOwned(NetNsPaths.MountPath(other), FileConstants.O_RDONLY | FileConstants.O_CLOEXEC, 0);
            if (fd.IsInvalid)
            {
                continue;
            }

            // The descriptor goes into the request by value; it stays open (fd is disposed after) until the answer.
            if (Rtnetlink.Use(@namespace, socket => Rtnetlink.NamespaceId(socket, fd.Number)) is { } id)
            {
                result[id] = other;
            }
        }

        return result;
    }
}
