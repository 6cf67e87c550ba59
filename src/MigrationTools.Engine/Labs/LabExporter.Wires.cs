using System;
using System.Collections.Generic;
using System.Linq;
using MigrationTools.Core.Reporting;
using MigrationTools.Engine.Links;
using MigrationTools.Engine.Netlink;

namespace MigrationTools.Engine.Labs;

/// <summary>Segments (a namespace holding only a bridge and its veth ports) and uplinks (veths to this namespace) in an export.</summary>
internal static partial class LabExporter
{
    /// <summary>
    /// The bridge of a namespace that is a segment: one bridge, and every other interface (but loopback) a veth port of
    /// it, with no address of a user's anywhere; null for any other namespace.
    /// </summary>
    private static NetInterface? BridgeOfSegment(IReadOnlyList<NetInterface> interfaces)
    {
        var bridges = interfaces.Where(i => i.Kind == "bridge").ToArray();
        if (bridges.Length != 1 || interfaces.Any(i => Global(i).Count > 0))
        {
            return null;
        }

        var others = interfaces.Where(i => i.Kind is not ("bridge" or "loopback")).ToArray();
        return others.Length > 0 && others.All(i => i.Kind == "veth" && i.Master == bridges[0].Name) ? bridges[0] : null;
    }

    /// <summary>A segment namespace as a segment: its ports' peers (in the order the ports were made) are its members.</summary>
    private static LabSegment Segment(string @namespace, string name, IReadOnlyDictionary<string, IReadOnlyList<NetInterface>> interfaces,
        IReadOnlyDictionary<int, string> peerIds, Func<string, string> nodeOf)
    {
        var bridge = BridgeOfSegment(interfaces[@namespace])!;
        var members = new List<LabEndpoint>();
        var addresses = new List<IReadOnlyList<string>>();
        var rates = new List<int?>();
        foreach (var port in interfaces[@namespace].Where(i => i.Master == bridge.Name).OrderBy(i => i.Index))
        {
            var peerNamespace = port.PeerNetNsId is { } id ? peerIds.GetValueOrDefault(id) : null;
            var peer = peerNamespace is null ? null : interfaces[peerNamespace].FirstOrDefault(i => i.Index == port.PeerIndex);
            if (peer is null)
            {
                EngineOutput.Warning($"{@namespace}/{port.Name} leads to a namespace outside the export; that member of segment '{name}' is left out.");
                continue;
            }

            members.Add(new LabEndpoint(nodeOf(peerNamespace!), peer.Name));
            addresses.Add(Global(peer));
            rates.Add(RateOf(peerNamespace!, peer.Name));
        }

        if (rates.Distinct().Count() > 1)
        {
            EngineOutput.Warning($"The members of segment '{name}' are limited to different rates; a segment has one RateMbit, so {rates.Max()?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"} is written.");
        }

        return new LabSegment(name, members, addresses, bridge.Mtu == 1500 ? null : bridge.Mtu, rates.Max());
    }

    /// <summary>
    /// A veth end whose peer is in the namespace this process runs in, as an uplink to host:PEER; null when the peer
    /// namespace is another one outside the export.
    /// </summary>
    private static LabLink? Uplink(string @namespace, string node, NetInterface end, int peerNamespaceId)
    {
        using var here = Core.Interop.Libc.OpenOwned("/proc/self/ns/net", Core.Interop.FileConstants.O_RDONLY | Core.Interop.FileConstants.O_CLOEXEC, 0);
        if (here.IsInvalid || Rtnetlink.Use(@namespace, socket => Rtnetlink.NamespaceId(socket, here.Number)) != peerNamespaceId)
        {
            return null;
        }

        var peer = HereLinks.ByIndex(end.PeerIndex!.Value);
        return peer is null
            ? null
            : new LabLink(new LabEndpoint(node, end.Name), LabEndpoint.Here(peer.Name), Global(end), Global(peer), end.Mtu == 1500 ? null : end.Mtu, null);
    }
}
