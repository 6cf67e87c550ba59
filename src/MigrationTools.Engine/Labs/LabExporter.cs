using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using MigrationTools.Core.Interop;
using MigrationTools.Core.Reporting;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Flows;
using MigrationTools.Engine.Links;
using MigrationTools.Engine.Namespaces;
using MigrationTools.Engine.Netlink;
using MigrationTools.Engine.Routing;
using MigrationTools.Engine.Tools;
using MigrationTools.Engine.Tunnels;

namespace MigrationTools.Engine.Labs;

/// <summary>
/// Describes existing namespaces as a lab, so a lab built by hand can be saved and built again: veth pairs between
/// them (matched through each end's peer index and peer namespace id), global addresses, the routes users add
/// (not the kernel's), forwarding, reverse-path filtering, tunnels and flow mappings. Node names are the namespace
/// names without the prefix given to <see cref="Export"/>.
/// </summary>
internal static partial class LabExporter
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
        var segmentNamespaces = namespaces.Where(ns => BridgeOfSegment(interfaces[ns]) is not null).ToHashSet(StringComparer.Ordinal);
        var links = new List<LabLink>();
        var paired = new HashSet<(string, int)>();
        foreach (var ns in namespaces.Where(n => !segmentNamespaces.Contains(n)))
        {
            foreach (var end in interfaces[ns].Where(i => i.Kind == "veth" && i.PeerIndex is not null))
            {
                var peerNamespace = end.PeerNetNsId is { } id ? peerIds[ns].GetValueOrDefault(id) : ns;
                if (peerNamespace is not null && segmentNamespaces.Contains(peerNamespace))
                {
                    continue; // a segment's member: written with its segment
                }

                if (peerNamespace is null && end.PeerNetNsId is { } hereId && Uplink(ns, NodeOf(ns), end, hereId) is { } uplink)
                {
                    links.Add(uplink);
                    continue;
                }

                if (peerNamespace is null)
                {
                    EngineOutput.Warning($"{ns}/{end.Name} leads to a namespace outside the export; the link is left out (export that namespace too to keep it).");
                    continue;
                }

                if (!paired.Add((ns, end.Index)))
                {
                    continue;
                }

                var peer = interfaces[peerNamespace].FirstOrDefault(i => i.Index == end.PeerIndex);
                if (peer is null || !paired.Add((peerNamespace, peer.Index)))
                {
                    continue;
                }

                var impairments = new[] { ImpairmentOf(ns, end.Name), ImpairmentOf(peerNamespace, peer.Name) };
                var rates = new[] { impairments[0]?.Rate ?? RateOf(ns, end.Name), impairments[1]?.Rate ?? RateOf(peerNamespace, peer.Name) };
                if (rates[0] != rates[1])
                {
                    EngineOutput.Warning($"{ns}/{end.Name} <-> {peerNamespace}/{peer.Name} is limited differently in each direction ({rates[0]?.ToString(CultureInfo.InvariantCulture) ?? "none"} and {rates[1]?.ToString(CultureInfo.InvariantCulture) ?? "none"} Mbit/s); a lab link has one RateMbit, so {rates.Max()?.ToString(CultureInfo.InvariantCulture) ?? "none"} is written for both.");
                }

                links.Add(new LabLink(new LabEndpoint(NodeOf(ns), end.Name), new LabEndpoint(NodeOf(peerNamespace), peer.Name),
                    Global(end), Global(peer), end.Mtu == 1500 ? null : end.Mtu, rates.Max())
                { ImpairmentA = impairments[0]?.Settings, ImpairmentB = impairments[1]?.Settings });
            }
        }

        var tunnels = namespaces.SelectMany(ns => TunnelManager.List(ns).Select(t => new LabTunnel(NodeOf(ns), t.Name, t.Local?.ToString() ?? string.Empty,
            t.Remote?.ToString() ?? string.Empty, t.Mode, t.Mode == TunnelMode.Kernel ? t.Ttl : t.Ttl == 64 ? 0 : t.Ttl, t.Mtu == 1480 ? null : t.Mtu))).ToArray();
        var tunnelNames = tunnels.Select(t => (t.Node, t.Name)).ToHashSet();
        var extra = namespaces.SelectMany(ns => interfaces[ns]
            .Where(i => i.Kind is "loopback" || tunnelNames.Contains((NodeOf(ns), i.Name)))
            .SelectMany(i => Global(i).Select(a => new LabAddress(NodeOf(ns), i.Name, a)))).ToArray();
        var segments = segmentNamespaces.Order(StringComparer.Ordinal).Select(ns => Segment(ns, NodeOf(ns), interfaces, peerIds[ns], NodeOf)).ToArray();
        var nodes = namespaces.Where(ns => !segmentNamespaces.Contains(ns)).ToDictionary(NodeOf, ns =>
        {
            var (v4, v6) = NetNsSysctl.ReadForwarding(ns);
            var rpFilter = NetNsSysctl.Read(ns, "net.ipv4.conf.all.rp_filter");
            var sysctls = rpFilter == "0" ? new Dictionary<string, string> { ["net.ipv4.conf.*.rp_filter"] = "0" } : new Dictionary<string, string>();
            // What the node reaches directly in the exported lab: the addresses of its exported links, loopback and tunnels.
            var exported = links.SelectMany(l => new[] { l.A, l.B }).Concat(segments.SelectMany(g => g.Members)).Where(e => e.Node == NodeOf(ns)).Select(e => e.Interface)
                .Concat(tunnels.Where(t => t.Node == NodeOf(ns)).Select(t => t.Name)).Append("lo").ToHashSet(StringComparer.Ordinal);
            var connected = interfaces[ns].Where(i => exported.Contains(i.Name)).SelectMany(i => i.Addresses).Where(a => !a.Address.IsIPv6LinkLocal).ToArray();
            var routes = new List<LabRoute>();
            foreach (var r in RouteManager.List(ns).Where(r => r.Protocol is "boot" or "static" && r.Type == "unicast"))
            {
                // A gateway the node reaches on no link of the lab would fail the build (GatewayUnreachable).
                if (r.Gateway is { } gateway && !gateway.IsIPv6LinkLocal && !connected.Any(a => a.Family == IpPrefix.FamilyOf(gateway) && a.Network.Contains(gateway)))
                {
                    EngineOutput.Warning($"The route {r} in {ns} goes through {gateway}, which is on no exported link of that namespace; it is left out.");
                    continue;
                }

                routes.Add(new LabRoute(r.Destination, r.Gateway?.ToString(), r.Gateway is null || r.Gateway.IsIPv6LinkLocal ? r.Interface : null,
                    r.Metric is { } m && m != 1024 ? m : null, r.AddressFamily == IpFamily.IPv6));
            }

            return new LabNode(NodeOf(ns), v4 == true || v6 == true, sysctls, routes, RulesetOf(ns));
        }, StringComparer.Ordinal);
        var mappings = namespaces.SelectMany(ns => FlowManager.List(ns).Select(m => new LabFlowMapping(NodeOf(ns), m.VirtualAddress.ToString(),
            m.Targets.Select(t => t.ToString()).ToArray(), m.Backend))).ToArray();
        var captures = namespaces.SelectMany(ns => Captures.NetNsCaptureManager.List(ns)
            .Select(c => new LabCapture(NodeOf(ns), c.Interface == "any" ? null : c.Interface, c.Path, c.Filter))).ToArray();
        return new LabDefinition(name, $"Exported from {string.Join(", ", namespaces)}", nodes, links, extra, tunnels, mappings) { Captures = captures, Segments = segments };
    }

    /// <summary>The impairment the module set on an interface (its rate with it), if any.</summary>
    private static (Netlink.Route.NetemSettings Settings, int? Rate)? ImpairmentOf(string @namespace, string @interface) =>
        Links.Impairments.ImpairmentManager.List(@namespace, @interface).FirstOrDefault() is { } s ? (s.Settings, s.RateMbit) : null;

    /// <summary>The rate of the token bucket at the root of an interface, in Mbit/s; null without one (other root qdiscs are warned about).</summary>
    private static int? RateOf(string @namespace, string @interface)
    {
        var shown = NetNsTool.TryRun(@namespace, "tc", new[] { "qdisc", "show", "dev", @interface, "root" });
        var line = shown.StandardOutput.Split('\n').FirstOrDefault(l => l.StartsWith("qdisc ", StringComparison.Ordinal)) ?? string.Empty;
        var kind = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).FirstOrDefault();
        if (kind is null or "noqueue" or "noop" or "pfifo_fast" or "fq_codel" or "mq")
        {
            return null;
        }

        var rate = Regex.Match(line, @" rate (\d+(?:\.\d+)?)([KMG]?)bit");
        if (kind != "tbf" || !rate.Success)
        {
            EngineOutput.Warning($"The {kind} qdisc on {@namespace}/{@interface} has no lab key; it is left out.");
            return null;
        }

        var value = double.Parse(rate.Groups[1].Value, CultureInfo.InvariantCulture) * rate.Groups[2].Value switch { "K" => 1e-3, "M" => 1, "G" => 1e3, _ => 1e-6 };
        return Math.Max(1, (int)Math.Round(value));
    }

    /// <summary>
    /// The namespace's nftables ruleset without what the module made itself (the flow mappings' table, which the
    /// lab's FlowMappings make again, and iptables' tables, which nft cannot load back).
    /// </summary>
    private static string? RulesetOf(string @namespace)
    {
        var listed = NetNsTool.TryRun(@namespace, "nft", new[] { "list", "ruleset" });
        if (!listed.Succeeded)
        {
            return null;
        }

        var kept = new StringBuilder();
        foreach (Match table in Regex.Matches(listed.StandardOutput, @"(?ms)^table (\S+) (\S+) \{.*?^\}\n?"))
        {
            var name = table.Groups[2].Value;
            if (name == NftablesFlowBackend.Table)
            {
                continue;
            }

            if (table.Value.Contains("iptables-nft", StringComparison.Ordinal))
            {
                if (!table.Value.Contains(IptablesFlowBackend.Chain, StringComparison.Ordinal))
                {
                    EngineOutput.Warning($"The iptables rules of {@namespace} (table {table.Groups[1].Value} {name}) have no lab key; they are left out (nftables rules are kept).");
                }

                continue;
            }

            kept.Append(table.Value.TrimEnd('\n')).Append('\n');
        }

        return kept.Length == 0 ? null : kept.ToString();
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
