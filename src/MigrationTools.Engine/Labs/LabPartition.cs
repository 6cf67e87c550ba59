using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Sockets;
using MigrationTools.Core.Errors;

namespace MigrationTools.Engine.Labs;

/// <summary>
/// Splits a lab across hosts into one lab per host, each built on its host as any lab is: the host's nodes with
/// their links, segments, addresses, tunnels, flow mappings and captures; a link between nodes on two hosts becomes a
/// VXLAN interface at each end (one VNI per link, point to point between the hosts' underlay addresses, its MTU the
/// link's or 1500 less the encapsulation: 50 bytes over IPv4, 70 over IPv6); a segment with members on several
/// hosts becomes a segment on each, joined by a VXLAN port on its bridge that replicates to every other such host.
/// </summary>
internal static class LabPartition
{
    /// <summary>The part of the machine that builds the lab (nodes without a Host).</summary>
    public const string Local = "";

    /// <summary>The VXLAN port's name on the bridge of a segment that spans hosts.</summary>
    public static string SegmentPortName(LabSegment segment) => segment.PortNames.Contains("vxlan") ? "vxl0" : "vxlan";

    /// <summary>The bytes VXLAN adds over an underlay of this family (outer IP, UDP, VXLAN and inner Ethernet headers).</summary>
    public static int Overhead(AddressFamily family) => family == AddressFamily.InterNetworkV6 ? 70 : 50;

    /// <summary>
    /// The first VNI of a lab: its file's Vxlan.BaseVni, or one derived from its name (so that two labs across the
    /// same hosts do not share VNIs): a multiple of 4096 from 4096 to 16,388,096.
    /// </summary>
    public static int BaseVni(LabDefinition lab, string name)
    {
        if (lab.VxlanBaseVni is { } given)
        {
            return given;
        }

        var hash = 2166136261u;
        foreach (var c in name)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)((hash % 4000) + 1) * 4096;
    }

    /// <summary>A lab with nothing in it but its name (the part of a machine that holds no node of the lab).</summary>
    public static LabDefinition Empty(LabDefinition lab) =>
        new(lab.Name, lab.Description, new Dictionary<string, LabNode>(), Array.Empty<LabLink>(), Array.Empty<LabAddress>(), Array.Empty<LabTunnel>(), Array.Empty<LabFlowMapping>());

    /// <summary>
    /// The lab's parts by host (<see cref="Local"/> for the machine that builds it); hosts without nodes have none.
    /// <paramref name="fail"/> makes the error for a key path and a problem.
    /// </summary>
    public static IReadOnlyDictionary<string, LabDefinition> Split(LabDefinition lab, Func<string, string, MigrationToolsException> fail, string? name = null)
    {
        string HostOf(string node) => lab.Nodes[node].Host ?? Local;
        string AddressOf(string host) => host == Local
            ? lab.VxlanAddress ?? throw fail("Vxlan.Address", "nodes on this machine have links to other hosts: give this machine's underlay address (Vxlan = @{ Address = '...' })")
            : lab.Hosts[host].Address ?? throw fail($"Hosts.{host}", $"host '{host}' has no underlay address: its HostName is not an address, so give Address");

        var baseVni = BaseVni(lab, name ?? lab.Name);
        var hosts = lab.Nodes.Values.Select(n => n.Host ?? Local).Distinct().ToArray();
        var vxlans = hosts.ToDictionary(h => h, _ => new List<LabVxlan>(), StringComparer.Ordinal);
        var links = hosts.ToDictionary(h => h, _ => new List<LabLink>(), StringComparer.Ordinal);
        var segments = hosts.ToDictionary(h => h, _ => new List<LabSegment>(), StringComparer.Ordinal);
        var crossing = 0;
        for (var i = 0; i < lab.Links.Count; i++)
        {
            var link = lab.Links[i];
            if (link.IsUplink)
            {
                // host:NAME is this machine's own namespace; host@east:NAME is east's, for a node on east.
                var required = link.B.OnHost ?? Local;
                if (HostOf(link.A.Node) != required)
                {
                    throw fail($"Links[{i}].Endpoints", HostOf(link.A.Node) == Local
                        ? $"node '{link.A.Node}' is on this machine: its uplink is 'host:{link.B.Interface}'"
                        : $"node '{link.A.Node}' is on host '{HostOf(link.A.Node)}': its uplink to that host's own namespace is 'host@{HostOf(link.A.Node)}:{link.B.Interface}' ('host:NAME' is this machine's)");
                }

                links[required].Add(link with { B = LabEndpoint.Here(link.B.Interface) });
                continue;
            }

            var (hostA, hostB) = (HostOf(link.A.Node), HostOf(link.B.Node));
            if (hostA == hostB)
            {
                links[hostA].Add(link);
                continue;
            }

            if (link.ImpairmentA is not null || link.ImpairmentB is not null)
            {
                throw fail($"Links[{i}]", "a link between hosts takes no impairments: put them on a link inside one host");
            }

            var (addressA, addressB) = (AddressOf(hostA), AddressOf(hostB));
            var family = System.Net.IPAddress.Parse(addressA).AddressFamily;
            if (System.Net.IPAddress.Parse(addressB).AddressFamily != family)
            {
                throw fail($"Links[{i}]", $"the underlay addresses of '{hostA}' and '{hostB}' ({addressA}, {addressB}) are of two families");
            }

            var vni = baseVni + crossing++;
            var mtu = link.Mtu ?? 1500 - Overhead(family);
            vxlans[hostA].Add(new LabVxlan(link.A.Node, link.A.Interface, vni, addressA, new[] { addressB }, lab.VxlanPort, mtu, link.AddressesA, link.RateMbit));
            vxlans[hostB].Add(new LabVxlan(link.B.Node, link.B.Interface, vni, addressB, new[] { addressA }, lab.VxlanPort, mtu, link.AddressesB, link.RateMbit));
        }

        for (var j = 0; j < lab.Segments.Count; j++)
        {
            var segment = lab.Segments[j];
            var byHost = segment.Members.Select((m, k) => (Member: m, Addresses: segment.Addresses[k])).GroupBy(m => HostOf(m.Member.Node)).ToArray();
            if (byHost.Length == 1)
            {
                segments[byHost[0].Key].Add(segment);
                continue;
            }

            var addresses = byHost.ToDictionary(g => g.Key, g => AddressOf(g.Key), StringComparer.Ordinal);
            var family = System.Net.IPAddress.Parse(addresses.Values.First()).AddressFamily;
            var mtu = segment.Mtu ?? 1500 - Overhead(family);
            foreach (var group in byHost)
            {
                var local = segment with { Members = group.Select(m => m.Member).ToArray(), Addresses = group.Select(m => m.Addresses).ToArray(), Mtu = mtu };
                segments[group.Key].Add(local);
                var remotes = addresses.Where(a => a.Key != group.Key).Select(a => a.Value).ToArray();
                vxlans[group.Key].Add(new LabVxlan(segment.Name, SegmentPortName(local), baseVni + 2048 + j, addresses[group.Key], remotes, lab.VxlanPort, mtu, Array.Empty<string>(), null));
            }
        }

        foreach (var vxlan in lab.Vxlans)
        {
            var owner = lab.Nodes.TryGetValue(vxlan.Node, out var node) ? node.Host ?? Local
                : segments.Single(s => s.Value.Any(g => g.Name == vxlan.Node)).Key;
            vxlans[owner].Add(vxlan);
        }

        var parts = new Dictionary<string, LabDefinition>(StringComparer.Ordinal);
        foreach (var host in hosts)
        {
            bool Here(string node) => lab.Nodes.ContainsKey(node) && HostOf(node) == host;
            parts[host] = new LabDefinition(lab.Name, lab.Description,
                lab.Nodes.Values.Where(n => HostOf(n.Name) == host).ToDictionary(n => n.Name, n => n with { Host = null }, StringComparer.Ordinal),
                links[host], lab.Addresses.Where(a => Here(a.Node)).ToArray(), lab.Tunnels.Where(t => Here(t.Node)).ToArray(),
                lab.FlowMappings.Where(m => Here(m.Node)).ToArray())
            {
                Captures = lab.Captures.Where(c => Here(c.Node)).ToArray(),
                Segments = segments[host],
                Vxlans = vxlans[host],
                VxlanPort = lab.VxlanPort,
            };
        }

        return parts;
    }
}
