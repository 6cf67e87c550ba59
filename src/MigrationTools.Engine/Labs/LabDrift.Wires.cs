using System.Collections.Generic;
using System.Linq;
using System.Threading;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Links;

namespace MigrationTools.Engine.Labs;

/// <summary>The drift of segments' bridges and of uplinks' far ends (in the namespace the lab was built from).</summary>
internal static partial class LabDrift
{
    /// <summary>True when this process runs in the namespace the lab was built from (where its uplinks end).</summary>
    private static bool IsHere(LabState state) => state.HereIdentity is { } identity && HereLinks.Identity?.ToString() == identity;

    /// <summary>Each segment's bridge: there and up (its ports are the member links' concern).</summary>
    private static IEnumerable<Finding> Bridges(LabState state, CancellationToken cancellationToken)
    {
        foreach (var segment in state.Definition.Segments)
        {
            if (Live(state, segment.Name) is not { } ns)
            {
                continue;
            }

            var bridge = LinkManager.List(ns, cancellationToken).FirstOrDefault(l => l.Name == segment.BridgeName);
            if (bridge is null)
            {
                yield return new Finding(Difference(state, segment.Name, "Bridge", segment.BridgeName, "present", "missing"), () => LabBuilder.CreateBridge(segment, ns));
            }
            else if (!bridge.IsUp)
            {
                yield return new Finding(Difference(state, segment.Name, "LinkState", segment.BridgeName, "up", "down"), () => LinkManager.Set(ns, segment.BridgeName, true, null, cancellationToken));
            }
        }
    }

    /// <summary>The uplinks' addresses in the namespace the lab was built from, read only from there.</summary>
    private static IEnumerable<Finding> HereAddresses(LabState state, IEnumerable<(string Interface, string Address)> wanted)
    {
        if (!IsHere(state))
        {
            yield break;
        }

        foreach (var (iface, address) in wanted)
        {
            var prefix = IpPrefix.Parse(address);
            if (HereLinks.Get(iface) is { } live && !live.Addresses.Any(a => a.ToString() == prefix.ToString()))
            {
                yield return new Finding(Difference(state, string.Empty, "Address", $"{iface} {prefix}", "present", "missing"), () => HereLinks.AddAddress(iface, prefix));
            }
        }
    }

    /// <summary>Each VXLAN interface: there, up, and on its segment's bridge when it is a segment's.</summary>
    private static IEnumerable<Finding> Vxlans(LabState state, CancellationToken cancellationToken)
    {
        foreach (var vxlan in state.Definition.Vxlans)
        {
            if (Live(state, vxlan.Node) is not { } ns)
            {
                continue;
            }

            // The whole list: a port's master is named from it.
            var live = LinkManager.List(ns, cancellationToken).FirstOrDefault(l => l.Name == vxlan.Interface);
            var segment = state.Definition.Segments.FirstOrDefault(s => s.Name == vxlan.Node);
            if (live is null)
            {
                yield return new Finding(Difference(state, vxlan.Node, "Link", $"{vxlan.Node}:{vxlan.Interface} (VXLAN {vxlan.Vni})", "present", "missing"),
                    () => LabBuilder.CreateVxlan(state.Definition, vxlan, state.Prefix, cancellationToken));
                continue;
            }

            if (!live.IsUp)
            {
                yield return new Finding(Difference(state, vxlan.Node, "LinkState", vxlan.Interface, "up", "down"), () => LinkManager.Set(ns, vxlan.Interface, true, null, cancellationToken));
            }

            if (segment is not null && live.Master != segment.BridgeName)
            {
                yield return new Finding(Difference(state, vxlan.Node, "BridgePort", vxlan.Interface, segment.BridgeName, live.Master ?? "none"),
                    () => LinkManager.SetMaster(ns, vxlan.Interface, segment.BridgeName));
            }
        }
    }
}
