using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using MigrationTools.Core.Errors;
using MigrationTools.Core.Reporting;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Flows;
using MigrationTools.Engine.Links;
using MigrationTools.Engine.Links.Impairments;
using MigrationTools.Engine.Namespaces;
using MigrationTools.Engine.Routing;
using MigrationTools.Engine.Tools;
using MigrationTools.Engine.Tunnels;

namespace MigrationTools.Engine.Labs;

/// <summary>
/// A live lab against its definition: every aspect the build made (namespaces, links and their state, addresses,
/// nftables tables, tunnels and their relays, sysctls and forwarding, routes, flow mappings, rate limits) read back
/// from the kernel, each difference with the step that puts it right. Repairs run in the build's order, each aspect
/// read again after the ones before it were repaired, so a namespace made again gets its links, addresses and routes.
/// </summary>
internal static partial class LabDrift
{
    /// <summary>A difference and how to put it right (null when it cannot be, with the reason).</summary>
    private sealed record Finding(LabDifference Difference, Action? Repair, string? CannotRepair = null);

    private delegate IEnumerable<Finding> Aspect(LabState state, CancellationToken cancellationToken);

    /// <summary>The aspects in the order the builder makes them.</summary>
    private static readonly Aspect[] Aspects =
    {
        Namespaces, Bridges, Links, Vxlans, (s, c) => Addresses(s, tunnelDevices: false), Rulesets, Tunnels,
        (s, c) => Addresses(s, tunnelDevices: true), Sysctls, Routes, FlowMappings, RateLimits, Impairments,
    };

    /// <summary>How the live lab differs from its definition; empty when it does not.</summary>
    internal static IReadOnlyList<LabDifference> Compare(LabState state, CancellationToken cancellationToken = default) =>
        Aspects.SelectMany(a => a(state, cancellationToken)).Select(f => f.Difference).ToArray();

    /// <summary>
    /// Puts right what differs (of what <paramref name="only"/> accepts, when given), aspect by aspect; returns each
    /// difference with what was done.
    /// </summary>
    internal static IReadOnlyList<LabDifference> Repair(LabState state, CancellationToken cancellationToken = default, Func<LabDifference, bool>? only = null)
    {
        var done = new List<LabDifference>();
        foreach (var aspect in Aspects)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Re-read: the namespaces stage rewrites the lab's record with the identities of namespaces made again.
            state = LabStore.Read(state.Name) ?? state;
            foreach (var finding in aspect(state, cancellationToken).Where(f => only is null || only(f.Difference)).ToArray())
            {
                var difference = finding.Difference;
                if (finding.Repair is null)
                {
                    difference.Action = "left alone: " + finding.CannotRepair;
                }
                else
                {
                    try
                    {
                        finding.Repair();
                        difference.Action = "repaired";
                    }
                    catch (MigrationToolsException ex)
                    {
                        difference.Action = "failed: " + ex.Message;
                    }
                }

                EngineOutput.Verbose($"{state.Name}: {difference} -> {difference.Action}.");
                done.Add(difference);
            }
        }

        return done;
    }

    /// <summary>The lab's namespace for <paramref name="node"/> when it is there and still the lab's.</summary>
    private static string? Live(LabState state, string node)
    {
        var record = state.Namespaces.FirstOrDefault(n => n.Node == node);
        var name = record?.Name ?? state.Prefix + node;
        var identity = NetNsIdentity.Of(NetNsPaths.MountPath(name));
        return identity is { } live && (record is null || LabNamespaceOwnership.IsOwned(record, live)) ? name : null;
    }

    /// <summary>A difference at <paramref name="node"/> (empty: the namespace the lab was built from, which has no name; reported as "host").</summary>
    private static LabDifference Difference(LabState state, string node, string kind, string item, string expected, string actual) =>
        node.Length == 0
            ? new(state.Name, LabEndpoint.HostWord, string.Empty, kind, item, expected, actual)
            : new(state.Name, node, state.Prefix + node, kind, item, expected, actual);

    private static IEnumerable<Finding> Namespaces(LabState state, CancellationToken cancellationToken)
    {
        foreach (var record in state.Namespaces)
        {
            if (Live(state, record.Node) is not null)
            {
                continue;
            }

            var exists = NetNsLookup.Exists(record.Name);
            var difference = Difference(state, record.Node, "Namespace", record.Name, "present", exists ? "another namespace of that name" : "missing");
            yield return exists
                ? new Finding(difference, null, $"'{record.Name}' is not the lab's; remove it (Remove-NetNs) first")
                : new Finding(difference, () => Recreate(state.Name, record, cancellationToken));
        }
    }

    /// <summary>Makes a lab namespace again and records its new identity in the lab's record.</summary>
    private static void Recreate(string lab, LabNamespace record, CancellationToken cancellationToken)
    {
        using (LabStore.Lock(cancellationToken))
        {
            var current = LabStore.Read(lab) ?? throw ErrorCatalog.LabNotFound($"The lab '{lab}' was removed while it was repaired.", lab);
            LabStore.RecordMade(lab, record with { IntendedAt = LabNamespaceOwnership.Now() });
            var created = NetNsManager.Create(record.Name, cancellationToken);
            var made = record with { Identity = created.Identity.ToString(), IntendedAt = null };
            LabStore.Write(current with { Namespaces = current.Namespaces.Select(n => n.Node == record.Node ? made : n).ToArray() });
        }
    }

    private static IEnumerable<Finding> Links(LabState state, CancellationToken cancellationToken)
    {
        var interfaces = new Dictionary<string, IReadOnlyList<NetInterface>>(StringComparer.Ordinal);
        var here = IsHere(state);

        // (known, interface): unknown when the end's namespace is missing (its repair comes first) or is the one the
        // lab was built from and this process runs elsewhere.
        (bool Known, NetInterface? Live) Find(LabEndpoint end)
        {
            if (end.IsHere)
            {
                return here ? (true, HereLinks.Get(end.Interface)) : (false, null);
            }

            if (!interfaces.TryGetValue(end.Node, out var list) && Live(state, end.Node) is { } ns)
            {
                interfaces[end.Node] = list = LinkManager.List(ns, cancellationToken);
            }

            return list is null ? (false, null) : (true, list.FirstOrDefault(l => l.Name == end.Interface));
        }

        foreach (var link in state.Definition.Wires)
        {
            var ends = new[] { link.A, link.B };
            var found = ends.Select(Find).ToArray();
            if (!found[0].Known || (!found[1].Known && !link.B.IsHere))
            {
                continue; // a namespace is missing; its repair comes first
            }

            var live = found.Select(f => f.Live).ToArray();
            if (live[0] is null || (found[1].Known && live[1] is null))
            {
                var missing = live[0] is null ? ends[0] : ends[1];
                var difference = Difference(state, missing.Node, "Link", $"{link.A} <-> {link.B}", "present", "missing");
                yield return link.IsUplink && !here
                    ? new Finding(difference, null, "an uplink is made again from the namespace the lab was built from; run Repair-NetLab there")
                    : new Finding(difference, () => Reconnect(state, link, live, cancellationToken));
                continue;
            }

            for (var i = 0; i < 2; i++)
            {
                if (live[i] is not { } iface)
                {
                    continue; // an uplink's far end, not visible from here
                }

                var end = ends[i];
                var ns = state.Prefix + end.Node;
                if (!iface.IsUp)
                {
                    yield return new Finding(Difference(state, end.Node, "LinkState", end.Interface, "up", "down"),
                        end.IsHere ? () => HereLinks.SetUp(end.Interface) : () => LinkManager.Set(ns, end.Interface, true, null, cancellationToken));
                }

                if (link.Mtu is { } mtu && iface.Mtu != mtu && !end.IsHere)
                {
                    yield return new Finding(Difference(state, end.Node, "Mtu", end.Interface, mtu.ToString(), iface.Mtu.ToString()),
                        () => LinkManager.Set(ns, end.Interface, null, mtu, cancellationToken));
                }
            }

            if (link.Segment is { } segment && live[1]!.Master != LabSegment.BridgeNameOf(segment))
            {
                yield return new Finding(Difference(state, segment, "BridgePort", link.B.Interface, LabSegment.BridgeNameOf(segment), live[1]!.Master ?? "none"),
                    () => LinkManager.SetMaster(state.Prefix + link.B.Node, link.B.Interface, LabSegment.BridgeNameOf(segment)));
            }
        }
    }

    /// <summary>A veth pair made again: the end left behind removed, the pair, its rate limits.</summary>
    private static void Reconnect(LabState state, LabLink link, NetInterface?[] live, CancellationToken cancellationToken)
    {
        foreach (var leftover in live.OfType<NetInterface>())
        {
            if (leftover.Namespace.Length == 0)
            {
                HereLinks.Remove(leftover.Name);
            }
            else
            {
                LinkManager.Remove(leftover.Namespace, leftover.Name, cancellationToken);
            }
        }

        LabBuilder.Connect(link, state.Prefix, cancellationToken);
    }

    private static IEnumerable<Finding> Addresses(LabState state, bool tunnelDevices)
    {
        var definition = state.Definition;
        var tunnels = definition.Tunnels.Select(t => (t.Node, t.Name)).ToHashSet();
        var wanted = definition.Wires
            .SelectMany(l => l.AddressesA.Select(a => (l.A.Node, l.A.Interface, Address: a)).Concat(l.AddressesB.Select(a => (l.B.Node, l.B.Interface, Address: a))))
            .Concat(definition.Vxlans.SelectMany(v => v.Addresses.Select(a => (v.Node, v.Interface, Address: a))))
            .Concat(definition.Addresses.Select(a => (a.Node, a.Interface, a.Address)))
            .Where(a => tunnels.Contains((a.Node, a.Interface)) == tunnelDevices);
        foreach (var node in wanted.GroupBy(a => a.Node))
        {
            if (node.Key.Length == 0)
            {
                foreach (var finding in HereAddresses(state, node.Select(a => (a.Interface, a.Address))))
                {
                    yield return finding;
                }

                continue;
            }

            if (Live(state, node.Key) is not { } ns)
            {
                continue;
            }

            var interfaces = LinkManager.List(ns).Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
            var present = AddressManager.List(ns).Select(a => (a.Interface, a.Prefix.ToString())).ToHashSet();
            foreach (var (_, iface, address) in node)
            {
                var prefix = IpPrefix.Parse(address);
                if (!interfaces.Contains(iface) || present.Contains((iface, prefix.ToString())))
                {
                    continue; // a missing interface is the link's or the tunnel's difference
                }

                yield return new Finding(Difference(state, node.Key, "Address", $"{iface} {prefix}", "present", "missing"),
                    () => AddressManager.AddValidated(ns, iface, prefix));
            }
        }
    }

    [GeneratedRegex(@"(?m)^\s*(?:add\s+|create\s+)?table\s+(?:(ip6?|inet|arp|bridge|netdev)\s+)?([A-Za-z0-9_.-]+)")]
    private static partial Regex TableDeclaration();

    /// <summary>The tables a ruleset declares, as nft lists them ("inet nat"; a table without a family is ip).</summary>
    internal static IReadOnlyList<string> TablesOf(string ruleset) =>
        TableDeclaration().Matches(ruleset).Select(m => (m.Groups[1].Success ? m.Groups[1].Value : "ip") + " " + m.Groups[2].Value).Distinct().ToArray();

    private static IEnumerable<Finding> Rulesets(LabState state, CancellationToken cancellationToken)
    {
        foreach (var node in state.Definition.Nodes.Values.Where(n => n.Nftables is not null))
        {
            if (Live(state, node.Name) is not { } ns)
            {
                continue;
            }

            var listed = NetNsTool.TryRun(ns, "nft", new[] { "list", "tables" }, cancellationToken: cancellationToken);
            var present = listed.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(l => l.StartsWith("table ", StringComparison.Ordinal) ? l[6..] : l).ToHashSet(StringComparer.Ordinal);
            var declared = TablesOf(node.Nftables!);
            var missing = declared.Where(t => !present.Contains(t)).ToArray();
            if (missing.Length == 0)
            {
                continue;
            }

            yield return new Finding(Difference(state, node.Name, "Nftables", string.Join(", ", missing), "present", "missing"), () =>
            {
                // The whole ruleset again, over none of its own tables: no rule twice.
                foreach (var table in declared.Where(present.Contains))
                {
                    NetNsTool.TryRun(ns, "nft", new[] { "delete", "table" }.Concat(table.Split(' ')).ToArray(), cancellationToken: cancellationToken);
                }

                LabBuilder.LoadRuleset(node, ns, cancellationToken);
            });
        }
    }

    private static IEnumerable<Finding> Tunnels(LabState state, CancellationToken cancellationToken)
    {
        foreach (var tunnel in state.Definition.Tunnels)
        {
            if (Live(state, tunnel.Node) is not { } ns)
            {
                continue;
            }

            var live = TunnelManager.List(ns, cancellationToken).FirstOrDefault(t => t.Name == tunnel.Name);
            var status = live?.State ?? "Missing";
            if (live is not null && status is not ("Missing" or "Dead" or "Detached"))
            {
                continue;
            }

            yield return new Finding(Difference(state, tunnel.Node, "Tunnel", tunnel.Name, $"{tunnel.Local} -> {tunnel.Remote}", status), () =>
                TunnelManager.Set(TunnelManager.Validate(ns, tunnel.Name, tunnel.Local, tunnel.Remote, tunnel.Ttl, 0, tunnel.Mtu, live?.Mode ?? tunnel.Mode), cancellationToken));
        }
    }

    private static IEnumerable<Finding> Sysctls(LabState state, CancellationToken cancellationToken)
    {
        foreach (var node in state.Definition.Nodes.Values)
        {
            if (Live(state, node.Name) is not { } ns)
            {
                continue;
            }

            var settings = LabBuilder.SysctlsOf(node, ns);
            foreach (var (key, value) in settings)
            {
                var actual = NetNsSysctl.Read(ns, key).Trim();
                if (actual != value)
                {
                    yield return new Finding(Difference(state, node.Name, "Sysctl", key, value, actual), () => NetNsSysctl.Write(ns, key, value));
                }
            }
        }
    }

    private static IEnumerable<Finding> Routes(LabState state, CancellationToken cancellationToken)
    {
        foreach (var node in state.Definition.Nodes.Values.Where(n => n.Routes.Count > 0))
        {
            if (Live(state, node.Name) is not { } ns)
            {
                continue;
            }

            var live = RouteManager.List(ns, cancellationToken: cancellationToken);
            foreach (var route in node.Routes)
            {
                var spec = LabBuilder.SpecOf(route);
                if (live.Any(r => Matches(r, spec)))
                {
                    continue;
                }

                yield return new Finding(Difference(state, node.Name, "Route", Describe(spec), "present", "missing"), () => RouteManager.Add(ns, spec, cancellationToken));
            }
        }
    }

    private static bool Matches(NetRoute live, RouteSpec spec) =>
        live.AddressFamily == spec.Family && live.Destination == spec.DestinationText
        && (spec.Gateway is null || spec.Gateway.Equals(live.Gateway))
        && (spec.Interface is null || spec.Interface == live.Interface)
        && (spec.Metric is null || spec.Metric == live.Metric);

    private static string Describe(RouteSpec spec) =>
        spec.DestinationText + (spec.Gateway is null ? string.Empty : " via " + spec.Gateway) + (spec.Interface is null ? string.Empty : " dev " + spec.Interface);

    private static IEnumerable<Finding> FlowMappings(LabState state, CancellationToken cancellationToken)
    {
        foreach (var node in state.Definition.FlowMappings.GroupBy(m => m.Node))
        {
            if (Live(state, node.Key) is not { } ns)
            {
                continue;
            }

            var live = FlowManager.List(ns);
            foreach (var mapping in node)
            {
                var vip = IpPrefix.ParseAddress(mapping.VirtualAddress, "virtual address");
                var found = live.FirstOrDefault(m => m.VirtualAddress.Equals(vip));
                if (found is { CurrentTarget: not null })
                {
                    continue;
                }

                yield return new Finding(Difference(state, node.Key, "FlowMapping", mapping.VirtualAddress, string.Join(" | ", mapping.Targets), found is null ? "missing" : "rules missing"), () =>
                {
                    if (found is not null)
                    {
                        FlowManager.Forget(ns, vip, cancellationToken);
                    }

                    FlowManager.Create(ns, mapping.VirtualAddress, mapping.Targets, mapping.Backend, cancellationToken);
                });
            }
        }
    }

    private static IEnumerable<Finding> RateLimits(LabState state, CancellationToken cancellationToken)
    {
        foreach (var link in state.Definition.Wires.Where(l => l.RateMbit is not null))
        {
            // An end with an impairment has its rate in netem (or its own tbf): the Impairments aspect checks it.
            foreach (var end in new[] { (link.A, link.ImpairmentA), (link.B, link.ImpairmentB) }.Where(e => e.Item2 is null).Select(e => e.Item1))
            {
                if (Live(state, end.Node) is not { } ns)
                {
                    continue;
                }

                var shown = NetNsTool.TryRun(ns, "tc", new[] { "qdisc", "show", "dev", end.Interface, "root" }, cancellationToken: cancellationToken);
                if (!shown.Succeeded || shown.StandardOutput.Contains("qdisc tbf", StringComparison.Ordinal))
                {
                    continue; // no such interface: the link's difference
                }

                yield return new Finding(Difference(state, end.Node, "Qdisc", end.Interface, $"tbf {link.RateMbit} Mbit/s", "none"),
                    () => ImpairmentManager.Shape(ns, end.Interface, link.RateMbit!.Value, cancellationToken));
            }
        }
    }

    private static IEnumerable<Finding> Impairments(LabState state, CancellationToken cancellationToken)
    {
        foreach (var link in state.Definition.Wires)
        {
            foreach (var (end, wanted) in new[] { (link.A, link.ImpairmentA), (link.B, link.ImpairmentB) })
            {
                if (wanted is null || Live(state, end.Node) is not { } ns || !LinkManager.List(ns, cancellationToken).Any(l => l.Name == end.Interface))
                {
                    continue;
                }

                var live = ImpairmentManager.List(ns, end.Interface).FirstOrDefault();
                var matches = live is { Present: true } && live.Settings == wanted && live.RateMbit == link.RateMbit;
                if (!matches)
                {
                    yield return new Finding(Difference(state, end.Node, "Impairment", end.Interface, Describe(wanted), live is null ? "none" : live.Present ? Describe(live.Settings) : "gone"),
                        () => ImpairmentManager.Set(ns, end.Interface, wanted, link.RateMbit, cancellationToken));
                }
            }
        }
    }

    private static string Describe(Netlink.Route.NetemSettings s) =>
        FormattableString.Invariant($"delay {s.DelayMs} ms ±{s.JitterMs}, loss {s.LossPercent} %, duplicate {s.DuplicatePercent} %, reorder {s.ReorderPercent} %");
}
