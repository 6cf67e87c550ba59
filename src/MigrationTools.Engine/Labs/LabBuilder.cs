using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using MigrationTools.Core.Errors;
using MigrationTools.Core.Processes;
using MigrationTools.Core.Reporting;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Flows;
using MigrationTools.Engine.Links;
using MigrationTools.Engine.Links.Impairments;
using MigrationTools.Engine.Namespaces;
using MigrationTools.Engine.Platform;
using MigrationTools.Engine.Routing;
using MigrationTools.Engine.Tools;
using MigrationTools.Engine.Tunnels;

namespace MigrationTools.Engine.Labs;

/// <summary>
/// Builds a lab from its definition, in stages: namespaces, links (with rate limits), forwarding and sysctls,
/// addresses, nftables rulesets, tunnels, routes, flow mappings. The lab's state is written before the first namespace
/// is made, so a lab whose builder dies at any point can be removed; a stage that fails removes what was made.
/// </summary>
internal static class LabBuilder
{
    internal static NetLab Build(LabDefinition definition, string name, string prefix, string source, TunnelMode? tunnelMode, CancellationToken cancellationToken, LabDefinition? whole = null)
    {
        var watch = Stopwatch.StartNew();
        LabFileParser.CheckPrefix(definition, prefix, source);
        var namespaces = definition.NamespaceNodes.Select(n => new LabNamespace(n, prefix + n, null)).ToArray();
        LabState state;
        using (LabStore.Lock(cancellationToken))
        {
            if (LabStore.Read(name) is not null)
            {
                throw ErrorCatalog.LabExists($"A lab named '{name}' exists. Remove it (Remove-NetLab -Name {name}) or give this one another -Name and -Prefix.", name);
            }

            var taken = namespaces.Where(n => NetNsLookup.Exists(n.Name)).Select(n => n.Name).ToArray();
            if (taken.Length > 0)
            {
                throw ErrorCatalog.LabNamespaceExists($"The namespace(s) {string.Join(", ", taken)} exist already; choose another -Prefix or remove them.", taken[0]);
            }

            // Another lab's record claims these names (a build with the same prefix, not yet at its namespaces): the
            // two builds exclude each other here, under the store's lock, so no rollback can reach the other's.
            var wanted = namespaces.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
            if (LabStore.All().FirstOrDefault(l => l.Namespaces.Any(n => wanted.Contains(n.Name))) is { } claimant)
            {
                var claimed = claimant.Namespaces.First(n => wanted.Contains(n.Name)).Name;
                throw ErrorCatalog.LabNamespaceExists($"The namespace {claimed} belongs to lab '{claimant.Name}'; choose another -Prefix, or remove that lab (Remove-NetLab -Name {claimant.Name}).", claimed);
            }

            state = new LabState(name, prefix, source, definition, DateTime.UtcNow, Environment.ProcessId, ProcessSignals.StartTicks(Environment.ProcessId) ?? 0, false, 0, namespaces)
            {
                HereIdentity = definition.Links.Any(l => l.IsUplink) ? HereLinks.Identity?.ToString() : null,
                Whole = whole,
            };
            LabStore.Write(state);
        }

        try
        {
            var stages = new (string Name, Action Run)[]
            {
                ("namespaces", () => state = CreateNamespaces(definition, state, cancellationToken)),
                ("links", () => CreateLinks(definition, prefix, cancellationToken)),
                ("addresses", () => AddAddresses(definition, prefix, cancellationToken)),
                ("nftables rulesets", () => LoadRulesets(definition, prefix, cancellationToken)),
                ("tunnels", () => CreateTunnels(definition, prefix, tunnelMode, cancellationToken)),
                ("forwarding and sysctls", () => SetSysctls(definition, prefix)),
                ("routes", () => AddRoutes(definition, prefix, cancellationToken)),
                ("flow mappings", () => CreateMappings(definition, prefix, cancellationToken)),
                ("captures", () => StartCaptures(definition, prefix, cancellationToken)),
            };
            var activity = $"Building lab {name}";
            for (var i = 0; i < stages.Length; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                EngineOutput.Progress(activity, stages[i].Name, i * 100 / stages.Length);
                FaultPoints.Reach("lab-stage:" + stages[i].Name);
                var stageStart = watch.Elapsed;
                stages[i].Run();
                EngineOutput.Verbose($"Lab '{name}': {stages[i].Name} in {(watch.Elapsed - stageStart).TotalMilliseconds:0} ms.");
            }

            EngineOutput.Progress(activity, "done", 100, completed: true);
            state = state with { Complete = true, BuildSeconds = watch.Elapsed.TotalSeconds };
            LabStore.Write(state);
            EngineOutput.Verbose($"Built lab '{name}' ({definition.Nodes.Count} nodes, {definition.Links.Count} links, {definition.Segments.Count} segments) in {watch.Elapsed.TotalMilliseconds:0} ms.");
            return new NetLab(state, LabStatus.Complete);
        }
        catch
        {
            EngineOutput.Verbose($"Building lab '{name}' failed; removing what was made.");
            // The journal knows what was made even when the namespaces stage itself failed.
            LabState recorded;
            try
            {
                recorded = LabStore.Read(name) ?? state;
            }
            catch (MigrationToolsException)
            {
                recorded = state;
            }

            LabManager.RemoveState(recorded, writeCaptures: false);
            throw;
        }
    }

    /// <summary>
    /// Threads that make a lab's namespaces, addresses and routes: the kernel takes those from several at once. One per core,
    /// at most 4; <c>MIGRATIONTOOLS_LAB_THREADS</c> (1 to 16) says otherwise (1: one at a time, as the bench compares).
    /// </summary>
    internal static int BuildThreads =>
        int.TryParse(Environment.GetEnvironmentVariable("MIGRATIONTOOLS_LAB_THREADS"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var threads) && threads is >= 1 and <= 16
            ? threads
            : Math.Clamp(Environment.ProcessorCount, 1, 4);

    private static LabState CreateNamespaces(LabDefinition definition, LabState state, CancellationToken cancellationToken)
    {
        var made = new LabNamespace[state.Namespaces.Count];
        NamespaceThread.ForEach(made.Length, BuildThreads, i =>
        {
            var ns = state.Namespaces[i];
            // The intent first: a builder killed after the namespace exists and before its identity is recorded still
            // leaves what tells that namespace from one made by hand later (its creation time).
            LabStore.RecordMade(state.Name, ns with { IntendedAt = LabNamespaceOwnership.Now() });
            var identity = NetNsManager.CreateBare(ns.Name, CreationSysctlsOf(definition, ns.Node));
            // Recorded before this thread's next step: a builder killed from here on leaves the identity of what it made.
            var recorded = ns with { Identity = identity.ToString() };
            LabStore.RecordMade(state.Name, recorded);
            made[i] = recorded;
            FaultPoints.Reach("lab-namespace-made");
        }, cancellationToken);

        var updated = state with { Namespaces = made };
        LabStore.Write(updated);
        return updated;
    }

    /// <summary>
    /// The sysctls written as a namespace is made, from inside it: a node's that need no interface (IPv6 addresses
    /// kept across a flap, forwarding), a segment's IPv6 off (its bridge and ports send nothing of their own).
    /// </summary>
    private static IReadOnlyList<(string Key, string Value)> CreationSysctlsOf(LabDefinition definition, string node) =>
        definition.Nodes.TryGetValue(node, out var labNode) ? BaseSysctlsOf(labNode).Append(NoDad).ToArray()
        : definition.Segments.Any(s => s.Name == node) ? SegmentSysctls
        : Array.Empty<(string, string)>();

    /// <summary>
    /// A lab namespace does no IPv6 duplicate address detection: every address in a lab is its file's (a duplicate
    /// is the file's mistake), and a link is usable the moment it is up. Its interfaces are born with DAD off.
    /// </summary>
    private static readonly (string Key, string Value) NoDad = ("net.ipv6.conf.default.accept_dad", "0");

    private static readonly (string Key, string Value)[] SegmentSysctls =
    {
        ("net.ipv6.conf.default.disable_ipv6", "1"),
        ("net.ipv6.conf.all.disable_ipv6", "1"),
    };

    private static void CreateLinks(LabDefinition definition, string prefix, CancellationToken cancellationToken)
    {
        foreach (var segment in definition.Segments)
        {
            LinkManager.CreateBridge(prefix + segment.Name, segment.BridgeName, segment.Mtu);
        }

        // One thread: making a veth pair holds the kernel's RTNL lock nearly throughout, so a second thread only waits
        // for it (the bench measured a thousand pairs slower on two threads than on one).
        foreach (var link in definition.Wires)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Wire(link, prefix, dadOffByDefault: true, cancellationToken);
            Shape(link, prefix, cancellationToken);
        }

        foreach (var vxlan in definition.Vxlans)
        {
            cancellationToken.ThrowIfCancellationRequested();
            CreateVxlan(definition, vxlan, prefix, cancellationToken);
        }
    }

    /// <summary>A VXLAN interface, sending from here: in its node's namespace, or on its segment's bridge; its rate limit.</summary>
    internal static void CreateVxlan(LabDefinition definition, LabVxlan vxlan, string prefix, CancellationToken cancellationToken)
    {
        var ns = prefix + vxlan.Node;
        HereLinks.CreateVxlan(ns, vxlan.Interface, vxlan.Vni, System.Net.IPAddress.Parse(vxlan.Local), vxlan.Remotes.Select(System.Net.IPAddress.Parse).ToArray(), vxlan.Port, vxlan.Mtu);
        if (definition.Segments.FirstOrDefault(s => s.Name == vxlan.Node) is { } segment)
        {
            LinkManager.SetMaster(ns, vxlan.Interface, segment.BridgeName);
        }

        if (vxlan.RateMbit is { } rate)
        {
            ImpairmentManager.Shape(ns, vxlan.Interface, rate, cancellationToken);
        }
    }

    /// <summary>
    /// A segment's bridge, in the segment's namespace, where IPv6 is off first: the bridge and its ports only carry
    /// the members' frames and send none of their own (no router solicitations or MLD reports on the segment).
    /// </summary>
    internal static void CreateBridge(LabSegment segment, string @namespace)
    {
        foreach (var (key, value) in SegmentSysctls)
        {
            NetNsSysctl.Write(@namespace, key, value);
        }

        LinkManager.CreateBridge(@namespace, segment.BridgeName, segment.Mtu);
    }

    /// <summary>One lab link: the veth pair (a segment's member link: its port joins the bridge) and its rate limits.</summary>
    internal static void Connect(LabLink link, string prefix, CancellationToken cancellationToken)
    {
        // A lab being repaired may have been made before its namespaces were born with DAD off: written per interface.
        Wire(link, prefix, dadOffByDefault: false, cancellationToken);
        Shape(link, prefix, cancellationToken);
    }

    /// <summary>A link's veth pair, or its uplink; a segment member's port joins its bridge.</summary>
    private static void Wire(LabLink link, string prefix, bool dadOffByDefault, CancellationToken cancellationToken)
    {
        if (link.IsUplink)
        {
            HereLinks.Connect(prefix + link.A.Node, link.A.Interface, link.B.Interface, link.Mtu);
            return;
        }

        LinkManager.ConnectVeth(prefix + link.A.Node, link.A.Interface, prefix + link.B.Node, link.B.Interface, link.Mtu, dadOffByDefault, cancellationToken);
        if (link.Segment is not null)
        {
            LinkManager.SetMaster(prefix + link.B.Node, link.B.Interface, LabSegment.BridgeNameOf(link.Segment));
        }
    }

    /// <summary>A link's rate limits and impairments, on each end that has them (none on an uplink).</summary>
    private static void Shape(LabLink link, string prefix, CancellationToken cancellationToken)
    {
        if (link.IsUplink)
        {
            return;
        }

        foreach (var (end, impairment) in new[] { (link.A, link.ImpairmentA), (link.B, link.ImpairmentB) })
        {
            if (impairment is not null)
            {
                // netem carries the rate too; without netem, loss by nftables and the rate by tbf.
                ImpairmentManager.Set(prefix + end.Node, end.Interface, impairment, link.RateMbit, cancellationToken);
            }
            else if (link.RateMbit is { } rate)
            {
                ImpairmentManager.Shape(prefix + end.Node, end.Interface, rate, cancellationToken);
            }
        }
    }

    /// <summary>The sysctls of each node that were not written as its namespace was made: its own (they may need its interfaces).</summary>
    private static void SetSysctls(LabDefinition definition, string prefix)
    {
        foreach (var node in definition.Nodes.Values)
        {
            foreach (var (key, value) in OwnSysctlsOf(node, prefix + node.Name))
            {
                NetNsSysctl.Write(prefix + node.Name, key, value);
            }
        }
    }

    /// <summary>
    /// The sysctls a node's namespace gets, in order, with wildcard keys expanded to the keys there are now (once
    /// links and tunnels exist): IPv6 addresses kept across a link flap (the kernel drops them by default, and keeps
    /// IPv4's), forwarding when asked, then the node's own Sysctls, which may still say otherwise.
    /// </summary>
    internal static IReadOnlyList<(string Key, string Value)> SysctlsOf(LabNode node, string @namespace) =>
        // A key set twice ends with its last value.
        BaseSysctlsOf(node).Concat(OwnSysctlsOf(node, @namespace))
            .GroupBy(s => s.Key, StringComparer.Ordinal).Select(g => g.Last()).ToArray();

    /// <summary>What every node gets before its own sysctls: IPv6 addresses kept across a flap, forwarding when asked.</summary>
    private static IReadOnlyList<(string Key, string Value)> BaseSysctlsOf(LabNode node)
    {
        var settings = new List<(string Key, string Value)> { ("net.ipv6.conf.all.keep_addr_on_down", "1") };
        if (node.Forwarding)
        {
            settings.Add(("net.ipv4.ip_forward", "1"));
            settings.Add(("net.ipv6.conf.all.forwarding", "1"));
        }

        return settings;
    }

    /// <summary>A node's own Sysctls, in order, wildcard keys expanded to the keys its namespace has now.</summary>
    private static IEnumerable<(string Key, string Value)> OwnSysctlsOf(LabNode node, string @namespace)
    {
        foreach (var (key, value) in node.Sysctls)
        {
            if (!key.Contains('*', StringComparison.Ordinal))
            {
                yield return (key, value);
                continue;
            }

            var pattern = new System.Text.RegularExpressions.Regex("^" + System.Text.RegularExpressions.Regex.Escape(key).Replace("\\*", "[^.]*") + "$");
            foreach (var setting in NetNsSysctl.List(@namespace, pattern.IsMatch))
            {
                yield return (setting.Name, value);
            }
        }
    }

    private static void AddAddresses(LabDefinition definition, string prefix, CancellationToken cancellationToken)
    {
        // A link's addresses on one thread, in order (the first on an interface is its primary); links on several.
        var wires = definition.Wires.ToArray();
        NamespaceThread.ForEach(wires.Length, BuildThreads, i =>
        {
            foreach (var (end, addresses) in new[] { (wires[i].A, wires[i].AddressesA), (wires[i].B, wires[i].AddressesB) })
            {
                foreach (var address in addresses)
                {
                    AddAddress(prefix, end, IpPrefix.Parse(address));
                }
            }
        }, cancellationToken);

        foreach (var vxlan in definition.Vxlans)
        {
            foreach (var address in vxlan.Addresses)
            {
                AddressManager.AddValidated(prefix + vxlan.Node, vxlan.Interface, IpPrefix.Parse(address));
            }
        }

        // Extra addresses on tunnel devices wait for the tunnels; the others (a VIP on loopback) go now.
        var tunnels = definition.Tunnels.Select(t => (t.Node, t.Name)).ToHashSet();
        foreach (var address in definition.Addresses.Where(a => !tunnels.Contains((a.Node, a.Interface))))
        {
            AddressManager.AddValidated(prefix + address.Node, address.Interface, IpPrefix.Parse(address.Address));
        }
    }

    /// <summary>An address on a link's end (in the namespace the lab is built from for an uplink's far end).</summary>
    internal static void AddAddress(string prefix, LabEndpoint end, IpPrefix address)
    {
        if (end.IsHere)
        {
            HereLinks.AddAddress(end.Interface, address);
        }
        else
        {
            AddressManager.AddValidated(prefix + end.Node, end.Interface, address);
        }
    }

    private static void LoadRulesets(LabDefinition definition, string prefix, CancellationToken cancellationToken)
    {
        foreach (var node in definition.Nodes.Values.Where(n => n.Nftables is not null))
        {
            LoadRuleset(node, prefix + node.Name, cancellationToken);
        }
    }

    /// <summary>Loads a node's nftables ruleset (nft -f) into its namespace.</summary>
    internal static void LoadRuleset(LabNode node, string @namespace, CancellationToken cancellationToken)
    {
        var result = NetNsTool.TryRun(@namespace, "nft", new[] { "-f", "-" }, node.Nftables, cancellationToken);
        if (!result.Succeeded)
        {
            throw ErrorCatalog.LabRulesetFailed($"The nftables ruleset of node '{node.Name}' was refused: {result.StandardError.Trim()}", node.Name);
        }
    }

    private static void CreateTunnels(LabDefinition definition, string prefix, TunnelMode? mode, CancellationToken cancellationToken)
    {
        foreach (var tunnel in definition.Tunnels)
        {
            var spec = TunnelManager.Validate(prefix + tunnel.Node, tunnel.Name, tunnel.Local, tunnel.Remote, tunnel.Ttl, 0, tunnel.Mtu, mode ?? tunnel.Mode);
            TunnelManager.Set(spec, cancellationToken);
        }

        foreach (var address in definition.Addresses.Where(a => definition.Tunnels.Any(t => t.Node == a.Node && t.Name == a.Interface)))
        {
            AddressManager.AddValidated(prefix + address.Node, address.Interface, IpPrefix.Parse(address.Address));
        }
    }

    private static void AddRoutes(LabDefinition definition, string prefix, CancellationToken cancellationToken)
    {
        // A node's routes in order on one thread, nodes on several.
        var nodes = definition.Nodes.Values.Where(n => n.Routes.Count > 0).ToArray();
        NamespaceThread.ForEach(nodes.Length, BuildThreads, i =>
        {
            foreach (var route in nodes[i].Routes)
            {
                RouteManager.Add(prefix + nodes[i].Name, SpecOf(route), cancellationToken);
            }
        }, cancellationToken);
    }

    private static void CreateMappings(LabDefinition definition, string prefix, CancellationToken cancellationToken)
    {
        foreach (var mapping in definition.FlowMappings)
        {
            FlowManager.Create(prefix + mapping.Node, mapping.VirtualAddress, mapping.Targets, mapping.Backend, cancellationToken);
        }
    }

    /// <summary>A lab route as the route manager takes it.</summary>
    internal static RouteSpec SpecOf(LabRoute route) =>
        RouteSpec.Create(route.Destination, route.Gateway, route.Interface, route.Metric, null, route.IPv6 ? IpFamily.IPv6 : IpFamily.IPv4);

    /// <summary>The lab's own captures, last, so they see its traffic from the first packet a user sends.</summary>
    private static void StartCaptures(LabDefinition definition, string prefix, CancellationToken cancellationToken)
    {
        foreach (var capture in definition.Captures)
        {
            Captures.NetNsCaptureManager.Start(prefix + capture.Node, capture.Interface, capture.Path, capture.Filter, null, null, null, force: true, cancellationToken);
        }
    }
}
