using System;
using System.Collections.Generic;
using System.Linq;
using MigrationTools.Engine.Validation;

namespace MigrationTools.Engine.Labs;

/// <summary>
/// A LAN segment of a lab: a Linux bridge in a namespace of its own (the segment's name under the lab's prefix, so
/// nothing of it appears on the host), with one veth per member from the member's interface to a port of the bridge.
/// Spanning tree is off and the forwarding delay 0, so the segment carries traffic as soon as it is built.
/// </summary>
/// <param name="Name">The segment's name; its namespace is PREFIX+name.</param>
/// <param name="Members">The member interfaces, in the file's order.</param>
/// <param name="Addresses">The addresses of each member, in the order of <paramref name="Members"/>.</param>
/// <param name="Mtu">The MTU of the bridge and of every member link.</param>
/// <param name="RateMbit">A rate limit in Mbit/s on every member link, both directions (tc tbf).</param>
internal sealed record LabSegment(string Name, IReadOnlyList<LabEndpoint> Members, IReadOnlyList<IReadOnlyList<string>> Addresses, int? Mtu, int? RateMbit)
{
    /// <summary>The bridge's name in the segment's namespace: the segment's name when it is a valid interface name, else br0.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string BridgeName => BridgeNameOf(Name);

    /// <summary>The bridge's name of the segment named <paramref name="segment"/>.</summary>
    public static string BridgeNameOf(string segment) => NameValidator.InterfaceNameProblem(segment) is null ? segment : "br0";

    /// <summary>
    /// The names of the bridge's ports, one per member: the member's node name when every member's node name is a
    /// valid interface name, once, and not the bridge's; otherwise p0, p1, ... in the members' order.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<string> PortNames
    {
        get
        {
            var nodes = Members.Select(m => m.Node).ToArray();
            var byNode = nodes.Distinct(StringComparer.Ordinal).Count() == nodes.Length
                && nodes.All(n => NameValidator.InterfaceNameProblem(n) is null && n != BridgeName);
            return byNode ? nodes : nodes.Select((_, i) => "p" + i).ToArray();
        }
    }

    /// <summary>
    /// The member links as point-to-point links: from the member's interface to its bridge port in the segment's
    /// namespace, the member's addresses on the member's end; the builder makes each port a port of the bridge.
    /// </summary>
    public IEnumerable<LabLink> MemberLinks()
    {
        var ports = PortNames;
        for (var i = 0; i < Members.Count; i++)
        {
            yield return new LabLink(Members[i], new LabEndpoint(Name, ports[i]), Addresses[i], Array.Empty<string>(), Mtu, RateMbit) { Segment = Name };
        }
    }
}
