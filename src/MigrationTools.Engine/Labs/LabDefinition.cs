using System.Collections.Generic;
using System.Linq;

namespace MigrationTools.Engine.Labs;

/// <summary>A lab as a lab file describes it: nodes (namespaces), veth links, addresses, routes, tunnels and flow mappings.</summary>
/// <param name="Name">The lab's default name.</param>
/// <param name="Description">What the lab is for.</param>
/// <param name="Nodes">The nodes by name; each becomes the namespace PREFIX+name.</param>
/// <param name="Links">Veth pairs between nodes.</param>
/// <param name="Addresses">Addresses besides the links' (a VIP on loopback, say).</param>
/// <param name="Tunnels">IP-in-IP tunnels.</param>
/// <param name="FlowMappings">Virtual addresses mapped to targets.</param>
internal sealed record LabDefinition(
    string Name, string? Description, IReadOnlyDictionary<string, LabNode> Nodes, IReadOnlyList<LabLink> Links,
    IReadOnlyList<LabAddress> Addresses, IReadOnlyList<LabTunnel> Tunnels, IReadOnlyList<LabFlowMapping> FlowMappings)
{
    /// <summary>Captures that start with the lab and are written when it is removed.</summary>
    public IReadOnlyList<LabCapture> Captures { get; init; } = System.Array.Empty<LabCapture>();

    /// <summary>LAN segments: bridges, each in a namespace of its own, with member interfaces of nodes.</summary>
    public IReadOnlyList<LabSegment> Segments { get; init; } = System.Array.Empty<LabSegment>();

    /// <summary>The hosts the lab spans, by name (empty: the lab is on the machine that builds it).</summary>
    public IReadOnlyDictionary<string, LabHost> Hosts { get; init; } = new Dictionary<string, LabHost>();

    /// <summary>VXLAN interfaces (a lab across hosts gets one per end of a link between hosts).</summary>
    public IReadOnlyList<LabVxlan> Vxlans { get; init; } = System.Array.Empty<LabVxlan>();

    /// <summary>The UDP port of the VXLAN links between hosts.</summary>
    public int VxlanPort { get; init; } = 4789;

    /// <summary>The first VNI of the links between hosts (null: one derived from the lab's name).</summary>
    public int? VxlanBaseVni { get; init; }

    /// <summary>The underlay address of the machine that builds the lab, for links from its nodes to other hosts.</summary>
    public string? VxlanAddress { get; init; }

    /// <summary>True when the lab spans hosts.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool SpansHosts => Hosts.Count > 0;

    /// <summary>Every veth pair the lab makes: its links, then the member links of its segments.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IEnumerable<LabLink> Wires => Links.Concat(Segments.SelectMany(s => s.MemberLinks()));

    /// <summary>The names under which the lab has namespaces: its nodes, then its segments.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IEnumerable<string> NamespaceNodes => Nodes.Keys.Concat(Segments.Select(s => s.Name));
}
