using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace MigrationTools.Engine.Labs;

/// <summary>
/// A lab's topology as text to draw: Mermaid (pastes into Markdown) or Graphviz DOT. Nodes show their addresses;
/// links are solid lines labelled with their interfaces; tunnels dashed; flow mappings dotted arrows to the nodes that
/// hold their targets, labelled with the virtual address.
/// </summary>
internal static class LabGraph
{
    /// <summary>The lab as a Mermaid flowchart.</summary>
    public static string Mermaid(LabDefinition lab)
    {
        var text = new StringBuilder("flowchart LR\n");
        foreach (var group in lab.Nodes.Values.GroupBy(n => n.Host).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            // A lab across hosts draws each host as a subgraph around its nodes.
            var indent = group.Key is null ? "  " : "    ";
            if (group.Key is not null)
            {
                text.Append($"  subgraph {group.Key}\n");
            }

            foreach (var node in group.Select(n => n.Name).Order(StringComparer.Ordinal))
            {
                text.Append($"{indent}{Id(node)}[\"<b>{node}</b>{string.Concat(Labels(lab, node).Select(l => "<br/>" + l))}\"]\n");
            }

            if (group.Key is not null)
            {
                text.Append("  end\n");
            }
        }

        foreach (var segment in lab.Segments)
        {
            text.Append($"  {SegmentId(segment.Name)}{{{{\"<b>{segment.Name}</b><br/>segment{Rate(segment.RateMbit)}\"}}}}\n");
        }

        if (lab.Links.Any(l => l.IsUplink))
        {
            text.Append($"  {HostId}[/\"<b>{LabEndpoint.HostWord}</b>{string.Concat(HostLabels(lab).Select(l => "<br/>" + l))}\"/]\n");
        }

        foreach (var link in lab.Wires)
        {
            text.Append($"  {Id(link.A.Node)} ---|\"{EdgeLabel(lab, link)}\"| {EndId(link)}\n");
        }

        foreach (var tunnel in lab.Tunnels)
        {
            text.Append($"  {Id(tunnel.Node)} -. \"{tunnel.Name}: {tunnel.Local} to {tunnel.Remote} ({tunnel.Mode})\" .-> {Id(OwnerOf(lab, tunnel.Remote) ?? tunnel.Node)}\n");
        }

        foreach (var mapping in lab.FlowMappings)
        {
            foreach (var target in mapping.Targets)
            {
                text.Append($"  {Id(mapping.Node)} -. \"{mapping.VirtualAddress} as {target}\" .-> {Id(OwnerOf(lab, target) ?? mapping.Node)}\n");
            }
        }

        return text.ToString();
    }

    /// <summary>The lab as a Graphviz DOT graph.</summary>
    public static string Dot(LabDefinition lab)
    {
        var text = new StringBuilder();
        text.Append($"graph {Quote(lab.Name)} {{\n  rankdir=LR;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n");
        foreach (var group in lab.Nodes.Values.GroupBy(n => n.Host).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var indent = group.Key is null ? "  " : "    ";
            if (group.Key is not null)
            {
                text.Append($"  subgraph {Quote("cluster_" + group.Key)} {{\n    label={Quote(group.Key)};\n    style=dashed;\n");
            }

            foreach (var node in group.Select(n => n.Name).Order(StringComparer.Ordinal))
            {
                text.Append($"{indent}{Quote(node)} [label={Quote(string.Join("\n", new[] { node }.Concat(Labels(lab, node))))}];\n");
            }

            if (group.Key is not null)
            {
                text.Append("  }\n");
            }
        }

        foreach (var segment in lab.Segments)
        {
            text.Append($"  {Quote(SegmentId(segment.Name))} [shape=hexagon, style=filled, fillcolor=\"#eeeeee\", label={Quote($"{segment.Name}\nsegment{Rate(segment.RateMbit)}")}];\n");
        }

        if (lab.Links.Any(l => l.IsUplink))
        {
            text.Append($"  {Quote(HostId)} [shape=house, label={Quote(string.Join("\n", HostLabels(lab).Prepend(LabEndpoint.HostWord)))}];\n");
        }

        foreach (var link in lab.Wires)
        {
            var end = link.Segment is not null || link.IsUplink ? EndId(link) : link.B.Node;
            text.Append($"  {Quote(link.A.Node)} -- {Quote(end)} [label={Quote(EdgeLabel(lab, link))}];\n");
        }

        foreach (var tunnel in lab.Tunnels)
        {
            text.Append($"  {Quote(tunnel.Node)} -- {Quote(OwnerOf(lab, tunnel.Remote) ?? tunnel.Node)} [style=dashed, dir=forward, label={Quote($"{tunnel.Name}: {tunnel.Local} to {tunnel.Remote} ({tunnel.Mode})")}];\n");
        }

        foreach (var mapping in lab.FlowMappings)
        {
            foreach (var target in mapping.Targets)
            {
                text.Append($"  {Quote(mapping.Node)} -- {Quote(OwnerOf(lab, target) ?? mapping.Node)} [style=dotted, dir=forward, label={Quote($"{mapping.VirtualAddress} as {target}")}];\n");
            }
        }

        return text.Append("}\n").ToString();
    }

    /// <summary>A node's addresses (links', then extra ones such as a VIP) and the routes of note.</summary>
    private static IEnumerable<string> Labels(LabDefinition lab, string node)
    {
        foreach (var link in lab.Wires)
        {
            foreach (var (end, addresses) in new[] { (link.A, link.AddressesA), (link.B, link.AddressesB) })
            {
                if (end.Node == node)
                {
                    foreach (var address in addresses)
                    {
                        yield return $"{end.Interface} {address}";
                    }
                }
            }
        }

        foreach (var address in lab.Addresses.Where(a => a.Node == node))
        {
            yield return $"{address.Interface} {address.Address}";
        }

        if (lab.Nodes[node].Forwarding)
        {
            yield return "forwards";
        }
    }

    /// <summary>The node with <paramref name="address"/> on one of its links or as an extra address.</summary>
    private static string? OwnerOf(LabDefinition lab, string address) =>
        lab.Nodes.Keys.FirstOrDefault(n => LabTester.NodeAddresses(lab, n).Any(p => p.Address.ToString() == address));

    private static string Rate(int? rateMbit) => rateMbit is { } rate ? $", {rate} Mbit/s" : string.Empty;

    /// <summary>
    /// A link's label: both interfaces; a segment member's, its own interface (the port is the segment's); a link
    /// between nodes on two hosts is marked as VXLAN.
    /// </summary>
    private static string EdgeLabel(LabDefinition lab, LabLink link) =>
        (link.Segment is not null ? link.A.Interface : $"{link.A.Interface} - {link.B.Interface}{Rate(link.RateMbit)}") + (CrossesHosts(lab, link) ? " (VXLAN)" : string.Empty);

    /// <summary>True for a link between nodes on two hosts (a segment's member link: between the member and its segment's host).</summary>
    private static bool CrossesHosts(LabDefinition lab, LabLink link) =>
        lab.SpansHosts && !link.IsUplink && link.Segment is null && lab.Nodes.TryGetValue(link.B.Node, out var b) && lab.Nodes[link.A.Node].Host != b.Host;

    /// <summary>The drawing's name for a link's second end: a node, a segment or the host.</summary>
    private static string EndId(LabLink link) => link.Segment is { } segment ? SegmentId(segment) : link.IsUplink ? HostId : Id(link.B.Node);

    /// <summary>The uplinks' far ends: interface and addresses in the namespace the lab is built from.</summary>
    private static IEnumerable<string> HostLabels(LabDefinition lab) =>
        lab.Links.Where(l => l.IsUplink).SelectMany(l => l.AddressesB.Count == 0 ? new[] { l.B.Interface } : l.AddressesB.Select(a => $"{l.B.Interface} {a}"));

    private const string HostId = "h_host";

    private static string SegmentId(string segment) => "s_" + string.Concat(segment.Select(c => char.IsLetterOrDigit(c) ? c : '_'));

    private static string Id(string node) => "n_" + string.Concat(node.Select(c => char.IsLetterOrDigit(c) ? c : '_'));

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n") + "\"";
}
