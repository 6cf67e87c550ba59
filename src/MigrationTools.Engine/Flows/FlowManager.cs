using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading;
using MigrationTools.Core.Errors;
using MigrationTools.Core.Files;
using MigrationTools.Core.Reporting;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Conntrack;
using MigrationTools.Engine.Links;
using MigrationTools.Engine.Namespaces;
using MigrationTools.Engine.Netlink;
using MigrationTools.Engine.Platform;
using MigrationTools.Engine.State;

namespace MigrationTools.Engine.Flows;

/// <summary>
/// Flow mappings: a virtual address inside a namespace translated to one of several targets, and the switch
/// that re-points it. A switch changes the mapping first, atomically, then deletes the conntrack entries of
/// flows to the virtual address, so their next packet takes the new target; flows to other addresses keep
/// their entries. Sessions that switch the same namespace at once are serialised by a lock file, so the
/// mapping stays consistent and the conntrack purge always follows the final state.
/// </summary>
internal static class FlowManager
{
    private sealed record MappingState(string VirtualAddress, string[] Targets, FlowBackend Backend, DateTime Created);

    private static IFlowBackend BackendOf(FlowBackend backend) => backend == FlowBackend.Iptables ? new IptablesFlowBackend() : new NftablesFlowBackend();

    private const string Area = "flows";

    private static string FileName(IPAddress virtualAddress) => virtualAddress.ToString().Replace(':', '_') + ".json";

    /// <summary>Validates a mapping request: one family, distinct targets, none equal to the virtual address.</summary>
    public static (IPAddress Virtual, IPAddress[] Targets) Validate(string virtualAddress, IReadOnlyList<string> targets)
    {
        var vip = IpPrefix.ParseAddress(virtualAddress, "virtual address");
        if (targets.Count == 0)
        {
            throw ErrorCatalog.FlowTargetsEmpty("A flow mapping needs at least one target.", virtualAddress);
        }

        var parsed = new IPAddress[targets.Count];
        for (var i = 0; i < targets.Count; i++)
        {
            parsed[i] = IpPrefix.ParseAddress(targets[i], "target address");
            if (IpPrefix.FamilyOf(parsed[i]) != IpPrefix.FamilyOf(vip))
            {
                throw ErrorCatalog.FlowTargetFamilyMismatch($"The target {parsed[i]} is {IpPrefix.FamilyOf(parsed[i])} but the virtual address {vip} is {IpPrefix.FamilyOf(vip)}.", targets[i]);
            }

            if (parsed[i].Equals(vip))
            {
                throw ErrorCatalog.FlowTargetIsVirtual($"The target {vip} is the virtual address itself.", targets[i]);
            }
        }

        if (parsed.Distinct().Count() != parsed.Length)
        {
            throw ErrorCatalog.FlowTargetsDuplicate($"The targets {string.Join(", ", parsed.Select(p => p.ToString()))} name one address twice.", virtualAddress);
        }

        return (vip, parsed);
    }

    /// <summary>Creates a mapping whose first target is current.</summary>
    public static FlowMapping Create(string @namespace, string virtualAddress, IReadOnlyList<string> targets, FlowBackend backend, CancellationToken cancellationToken = default,
        bool strict = false)
    {
        var (vip, parsed) = Validate(virtualAddress, targets);
        HostRequirements.EnsureRoot();
        NetNsLookup.EnsureExists(@namespace);
        CheckRoute(@namespace, vip, strict);
        using var flowLock = NetNsState.Lock(@namespace, Area, cancellationToken);
        var states = LoadStates(@namespace);
        if (states.Any(s => s.VirtualAddress == vip.ToString()))
        {
            throw ErrorCatalog.FlowMappingExists($"'{@namespace}' already maps {vip}. Remove it first (Remove-FlowMapping -Namespace {@namespace} -VirtualAddress {vip}).", vip.ToString());
        }

        if (states.Count > 0 && states[0].Backend != backend)
        {
            throw ErrorCatalog.FlowBackendConflict($"'{@namespace}' already keeps its mappings with the {states[0].Backend} backend; use one backend per namespace.", backend);
        }

        BackendOf(backend).Add(@namespace, vip, parsed[0]);
        var state = new MappingState(vip.ToString(), parsed.Select(p => p.ToString()).ToArray(), backend, DateTime.UtcNow);
        try
        {
            StateFiles.Write(Path.Combine(NetNsState.Prepare(@namespace, Area), FileName(vip)), state);
            flowLock.Changed();
        }
        catch
        {
            BackendOf(backend).Remove(@namespace, vip, lastMapping: states.Count == 0);
            throw;
        }

        EngineOutput.Verbose($"Mapped {vip} in '{@namespace}' to {parsed[0]} (targets {string.Join(", ", state.Targets)}; {backend}).");
        return new FlowMapping(@namespace, vip, parsed, parsed[0], backend, state.Created);
    }

    /// <summary>
    /// A mapping translates packets after the kernel has routed them (locally generated traffic is routed before the
    /// nat output hook): without a route to the virtual address every send fails with "Network is unreachable" and the
    /// mapping never sees a packet. The kernel's own lookup says so: a warning, or <c>FlowUnroutable</c> when strict.
    /// </summary>
    private static void CheckRoute(string @namespace, IPAddress vip, bool strict, NetNsIdentity? identity = null)
    {
        if (Rtnetlink.HasRouteTo(@namespace, vip, identity))
        {
            return;
        }

        var message = $"'{@namespace}' has no route to {vip}: its programs get 'Network is unreachable' before the mapping can translate anything (the kernel routes locally sent packets first). " +
            $"Give it one, e.g. New-NetNsRoute -Namespace {@namespace} -Destination {vip}/{(IpPrefix.FamilyOf(vip) == IpFamily.IPv6 ? 128 : 32)} -Gateway <router>, or a default route.";
        if (strict)
        {
            throw ErrorCatalog.FlowUnroutable(message, vip.ToString());
        }

        EngineOutput.Warning(message);
    }

    /// <summary>The mappings of a namespace, with their current targets read from the kernel.</summary>
    public static IReadOnlyList<FlowMapping> List(string @namespace)
    {
        NetNsLookup.EnsureExists(@namespace);
        var states = LoadStates(@namespace);
        if (states.Count == 0)
        {
            return Array.Empty<FlowMapping>();
        }

        using var socket = states.Any(s => BackendOf(s.Backend).UsesNetlink) ? NetlinkSocket.OpenNetfilter(@namespace) : null;
        return states.Select(s => ToMapping(@namespace, s, socket)).ToArray();
    }

    /// <summary>The namespaces that have mappings.</summary>
    public static IReadOnlyList<string> NamespacesWithMappings() =>
        NetNsState.Names().Where(n => NetNsLookup.Exists(n) && LoadStates(n).Count > 0).ToArray();

    /// <summary>Removes a mapping's rules (and the backend's table or chain with the last one) and purges its flows' conntrack entries.</summary>
    public static void Remove(string @namespace, string virtualAddress, CancellationToken cancellationToken = default)
    {
        var vip = IpPrefix.ParseAddress(virtualAddress, "virtual address");
        HostRequirements.EnsureRoot();
        NetNsLookup.EnsureExists(@namespace);
        using var flowLock = NetNsState.Lock(@namespace, Area, cancellationToken);
        var states = LoadStates(@namespace);
        var state = states.FirstOrDefault(s => s.VirtualAddress == vip.ToString())
            ?? throw NotMapped(@namespace, vip);
        BackendOf(state.Backend).Remove(@namespace, vip, lastMapping: states.Count == 1);
        FileCleanup.TryDelete(Path.Combine(NetNsState.Prepare(@namespace, Area), FileName(vip)));
        flowLock.Changed();
        var purged = ConntrackTable.Purge(@namespace, new ConntrackFilter(Destination: vip)).Count;
        EngineOutput.Verbose($"Removed the mapping of {vip} in '{@namespace}' and {purged} conntrack entries of its flows.");
    }

    /// <summary>
    /// Drops a mapping whose rules are gone (or partly gone): what is left of its rules, if anything, and its record,
    /// so that it can be made again (a lab's repair).
    /// </summary>
    internal static void Forget(string @namespace, IPAddress vip, CancellationToken cancellationToken)
    {
        using var flowLock = NetNsState.Lock(@namespace, Area, cancellationToken);
        var states = LoadStates(@namespace);
        if (states.FirstOrDefault(s => s.VirtualAddress == vip.ToString()) is not { } state)
        {
            return;
        }

        try
        {
            BackendOf(state.Backend).Remove(@namespace, vip, lastMapping: states.Count == 1);
        }
        catch (MigrationToolsException ex)
        {
            EngineOutput.Verbose($"What was left of the rules of {vip} in '{@namespace}' could not be removed ({ex.Message}); making them again.");
        }

        FileCleanup.TryDelete(Path.Combine(NetNsState.Prepare(@namespace, Area), FileName(vip)));
        flowLock.Changed();
    }

    /// <summary>
    /// Re-points a mapping: to <paramref name="target"/>, to the address of <paramref name="targetNamespace"/> that
    /// is in the target list, or (both null) to the next target after the current one.
    /// </summary>
    public static FlowSwitchResult Switch(string @namespace, string? virtualAddress, string? target, string? targetNamespace, CancellationToken cancellationToken = default,
        bool strict = false)
    {
        var watch = Stopwatch.StartNew();
        // The namespace is checked by the lock (its identity, one statx); marks[0] is the start.
        var marks = new TimeSpan[7];
        using var flowLock = NetNsState.LockKept(@namespace, Area, cancellationToken, out var folder, out var identity);
        IPAddress? requested = target is null ? null : IpPrefix.ParseAddress(target, "target address");
        IPAddress? vipFilter = virtualAddress is null ? null : IpPrefix.ParseAddress(virtualAddress, "virtual address");
        marks[1] = watch.Elapsed;
        var state = SelectState(@namespace, vipFilter, MappingsUnder(flowLock, folder));
        var vip = IPAddress.Parse(state.VirtualAddress);
        var targets = state.Targets.Select(IPAddress.Parse).ToArray();
        if (targetNamespace is not null)
        {
            requested = ResolveTargetNamespace(targetNamespace, targets);
        }

        if (requested is not null)
        {
            if (IpPrefix.FamilyOf(requested) != IpPrefix.FamilyOf(vip))
            {
                throw ErrorCatalog.FlowTargetFamilyMismatch($"The target {requested} is {IpPrefix.FamilyOf(requested)} but {vip} is {IpPrefix.FamilyOf(vip)}.", requested.ToString());
            }

            if (!targets.Contains(requested))
            {
                throw ErrorCatalog.FlowTargetNotInList($"{requested} is not a target of {vip} in '{@namespace}'; its targets are {string.Join(", ", state.Targets)}.", requested.ToString());
            }
        }

        marks[2] = watch.Elapsed;
        CheckRoute(@namespace, vip, strict, identity);
        marks[3] = watch.Elapsed;
        var backend = BackendOf(state.Backend);
        return NetfilterSession.Use(@namespace, identity, session =>
        {
            var current = backend.ReadCurrent(@namespace, session.Command, vip);
            marks[4] = marks[5] = watch.Elapsed;
            if (current is null && state.Backend == FlowBackend.Nftables && !NftablesFlowBackend.TableExists(@namespace))
            {
                throw ErrorCatalog.FlowMappingNotFound($"The mapping of {vip} in '{@namespace}' is recorded but its rules are gone (removed outside MigrationTools?). Remove and re-create it.", vip.ToString());
            }

            var next = requested ?? targets[(Array.IndexOf(targets, current) + 1) % targets.Length];
            var removed = 0;
            if (!next.Equals(current))
            {
                // The order is the experiment's: mapping first, conntrack second.
                backend.Replace(@namespace, session.Command, vip, next);
                marks[5] = watch.Elapsed;
                removed = PurgeFlows(session, vip, _ => true);
                // A packet that was translated by the old mapping while it was replaced is confirmed a moment
                // later; its entry shows up in the next events and is purged here too.
                removed += PurgeFlows(session, vip, entry => !entry.Reply.Source.Equals(next));
            }

            marks[6] = watch.Elapsed;
            var phases = new FlowSwitchPhases(marks[1] - marks[0], marks[2] - marks[1], marks[3] - marks[2], marks[4] - marks[3], marks[5] - marks[4], marks[6] - marks[5]);
            EngineOutput.Verbose($"Switched {vip} in '{@namespace}' from {current?.ToString() ?? "(none)"} to {next}; removed {removed} conntrack entries ({phases}).");
            return new FlowSwitchResult(@namespace, vip, current, next, removed, marks[6], state.Backend, phases);
        });
    }

    /// <summary>
    /// The mappings recorded in <paramref name="folder"/>, read under <paramref name="flowLock"/>: the list read
    /// before when no writer has changed the folder's generation since (a switch reads its mapping on every call and
    /// writes none), read from the files otherwise.
    /// </summary>
    private static List<MappingState> MappingsUnder(StateLock flowLock, string folder)
    {
        var generation = flowLock.Generation;
        if (generation != 0 && ReadMappings.TryGetValue(folder, out var read) && read.Generation == generation)
        {
            return read.States;
        }

        var states = StateFiles.ReadAll<MappingState>(folder).Select(f => f.Value).ToList();
        ReadMappings[folder] = (generation, states);
        return states;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (long Generation, List<MappingState> States)> ReadMappings = new(StringComparer.Ordinal);

    private static int PurgeFlows(NetfilterSession session, IPAddress vip, Func<ConntrackEntry, bool> predicate)
    {
        var flows = session.FlowsTo(vip).Where(predicate).ToList();
        if (flows.Count == 0)
        {
            return 0;
        }

        var removed = ConntrackTable.Remove(session.Command, flows).Count;
        session.Forget(flows);
        return removed;
    }

    private static IPAddress ResolveTargetNamespace(string targetNamespace, IPAddress[] targets)
    {
        NetNsLookup.EnsureExists(targetNamespace);
        var addresses = AddressManager.List(targetNamespace).Select(a => a.Address).ToArray();
        var onPath = targets.Where(t => addresses.Contains(t)).ToArray();
        return onPath.Length switch
        {
            1 => onPath[0],
            0 => throw ErrorCatalog.TargetNamespaceNotOnPath($"No address of '{targetNamespace}' is a target of this mapping (targets: {string.Join(", ", targets.Select(t => t.ToString()))}).", targetNamespace),
            _ => throw ErrorCatalog.TargetNamespaceAmbiguous($"'{targetNamespace}' holds several targets ({string.Join(", ", onPath.Select(t => t.ToString()))}); name one with -Target.", targetNamespace),
        };
    }

    private static MappingState SelectState(string @namespace, IPAddress? vip, List<MappingState> states)
    {
        if (vip is not null)
        {
            return states.FirstOrDefault(s => s.VirtualAddress == vip.ToString()) ?? throw NotMapped(@namespace, vip);
        }

        return states.Count switch
        {
            1 => states[0],
            0 => throw ErrorCatalog.FlowMappingNotFound($"'{@namespace}' has no flow mapping. Create one with New-FlowMapping -Namespace {@namespace} -VirtualAddress ... -Target ...", @namespace),
            _ => throw ErrorCatalog.FlowMappingAmbiguous($"'{@namespace}' has several mappings ({string.Join(", ", states.Select(s => s.VirtualAddress))}); choose one with -VirtualAddress.", @namespace),
        };
    }

    private static MigrationToolsException NotMapped(string @namespace, IPAddress vip) =>
        ErrorCatalog.FlowMappingNotFound($"'{@namespace}' has no mapping for {vip}. List them with Get-FlowMapping -Namespace {@namespace}.", vip.ToString());

    private static FlowMapping ToMapping(string @namespace, MappingState state, NetlinkSocket? socket)
    {
        var vip = IPAddress.Parse(state.VirtualAddress);
        var current = BackendOf(state.Backend).ReadCurrent(@namespace, socket, vip);
        return new FlowMapping(@namespace, vip, state.Targets.Select(IPAddress.Parse).ToArray(), current, state.Backend, state.Created);
    }

    private static List<MappingState> LoadStates(string @namespace) =>
        NetNsState.Current(@namespace, Area) is { } directory
            ? StateFiles.ReadAll<MappingState>(directory).Select(f => f.Value).ToList()
            : new List<MappingState>();
}
