using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Text.Json;
using System.Threading;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Conntrack;
using MigrationTools.Engine.Errors;
using MigrationTools.Engine.Namespaces;
using MigrationTools.Engine.Netlink;
using MigrationTools.Engine.Platform;
using MigrationTools.Engine.Processes;

namespace MigrationTools.Engine.Flows;

/// <summary>
/// Flow mappings: a virtual address inside a namespace translated to one of several targets, and the switch
/// that re-points it. A switch changes the mapping first, atomically, then deletes the conntrack entries of
/// flows to the virtual address, so their next packet takes the new target; flows to other addresses keep
/// their entries. Sessions that switch the same namespace at once are serialised by a lock file, so the
/// mapping stays consistent and the conntrack purge always follows the final state.
/// </summary>
public static class FlowManager
{
    private sealed record MappingState(string VirtualAddress, string[] Targets, FlowBackend Backend, DateTime Created);

    private static IFlowBackend BackendOf(FlowBackend backend) => backend == FlowBackend.Iptables ? new IptablesFlowBackend() : new NftablesFlowBackend();

    private static string DirectoryOf(string @namespace) => Path.Combine(NetNsProcessManager.StateDirectoryOf(@namespace), "flows");

    private static string FileOf(string @namespace, IPAddress virtualAddress) =>
        Path.Combine(DirectoryOf(@namespace), virtualAddress.ToString().Replace(':', '_') + ".json");

    /// <summary>Validates a mapping request: one family, distinct targets, none equal to the virtual address.</summary>
    public static (IPAddress Virtual, IPAddress[] Targets) Validate(string virtualAddress, IReadOnlyList<string> targets)
    {
        var vip = IpPrefix.ParseAddress(virtualAddress, "virtual address");
        if (targets.Count == 0)
        {
            throw new MigrationToolsException("FlowTargetsEmpty", FailureKind.InvalidArgument, "A flow mapping needs at least one target.", virtualAddress);
        }

        var parsed = new IPAddress[targets.Count];
        for (var i = 0; i < targets.Count; i++)
        {
            parsed[i] = IpPrefix.ParseAddress(targets[i], "target address");
            if (IpPrefix.FamilyOf(parsed[i]) != IpPrefix.FamilyOf(vip))
            {
                throw new MigrationToolsException("FlowTargetFamilyMismatch", FailureKind.InvalidArgument,
                    $"The target {parsed[i]} is {IpPrefix.FamilyOf(parsed[i])} but the virtual address {vip} is {IpPrefix.FamilyOf(vip)}.", targets[i]);
            }

            if (parsed[i].Equals(vip))
            {
                throw new MigrationToolsException("FlowTargetIsVirtual", FailureKind.InvalidArgument, $"The target {vip} is the virtual address itself.", targets[i]);
            }
        }

        if (parsed.Distinct().Count() != parsed.Length)
        {
            throw new MigrationToolsException("FlowTargetsDuplicate", FailureKind.InvalidArgument, $"The targets {string.Join(", ", parsed.Select(p => p.ToString()))} name one address twice.", virtualAddress);
        }

        return (vip, parsed);
    }

    /// <summary>Creates a mapping whose first target is current.</summary>
    public static FlowMapping Create(string @namespace, string virtualAddress, IReadOnlyList<string> targets, FlowBackend backend)
    {
        var (vip, parsed) = Validate(virtualAddress, targets);
        HostRequirements.EnsureRoot();
        NetNsManager.EnsureExists(@namespace);
        using var flowLock = FlowLock.Acquire(DirectoryOf(@namespace));
        var states = LoadStates(@namespace);
        if (states.Any(s => s.VirtualAddress == vip.ToString()))
        {
            throw new MigrationToolsException("FlowMappingExists", FailureKind.ResourceExists,
                $"'{@namespace}' already maps {vip}. Remove it first (Remove-FlowMapping -Namespace {@namespace} -VirtualAddress {vip}).", vip.ToString());
        }

        if (states.Count > 0 && states[0].Backend != backend)
        {
            throw new MigrationToolsException("FlowBackendConflict", FailureKind.InvalidOperation,
                $"'{@namespace}' already keeps its mappings with the {states[0].Backend} backend; use one backend per namespace.", backend);
        }

        BackendOf(backend).Add(@namespace, vip, parsed[0]);
        var state = new MappingState(vip.ToString(), parsed.Select(p => p.ToString()).ToArray(), backend, DateTime.UtcNow);
        File.WriteAllText(FileOf(@namespace, vip), JsonSerializer.Serialize(state));
        return new FlowMapping(@namespace, vip, parsed, parsed[0], backend, state.Created);
    }

    /// <summary>The mappings of a namespace, with their current targets read from the kernel.</summary>
    public static IReadOnlyList<FlowMapping> List(string @namespace)
    {
        NetNsManager.EnsureExists(@namespace);
        var states = LoadStates(@namespace);
        if (states.Count == 0)
        {
            return Array.Empty<FlowMapping>();
        }

        using var socket = states.Any(s => BackendOf(s.Backend).UsesNetlink) ? NetlinkSocket.OpenNetfilter(@namespace) : null;
        return states.Select(s => ToMapping(@namespace, s, socket)).ToArray();
    }

    /// <summary>The namespaces that have mappings.</summary>
    public static IReadOnlyList<string> NamespacesWithMappings()
    {
        var root = Path.Combine(NetNsPaths.StateDirectory, "netns");
        return Directory.Exists(root)
            ? Directory.GetDirectories(root).Where(d => Directory.Exists(Path.Combine(d, "flows")) && Directory.GetFiles(Path.Combine(d, "flows"), "*.json").Length > 0)
                .Select(Path.GetFileName).OfType<string>().Where(NetNsManager.Exists).OrderBy(n => n, StringComparer.Ordinal).ToArray()
            : Array.Empty<string>();
    }

    /// <summary>Removes a mapping's rules (and the backend's table or chain with the last one) and purges its flows' conntrack entries.</summary>
    public static void Remove(string @namespace, string virtualAddress)
    {
        var vip = IpPrefix.ParseAddress(virtualAddress, "virtual address");
        HostRequirements.EnsureRoot();
        NetNsManager.EnsureExists(@namespace);
        using var flowLock = FlowLock.Acquire(DirectoryOf(@namespace));
        var states = LoadStates(@namespace);
        var state = states.FirstOrDefault(s => s.VirtualAddress == vip.ToString())
            ?? throw NotMapped(@namespace, vip);
        BackendOf(state.Backend).Remove(@namespace, vip, lastMapping: states.Count == 1);
        File.Delete(FileOf(@namespace, vip));
        ConntrackTable.Purge(@namespace, new ConntrackFilter(Destination: vip));
    }

    /// <summary>
    /// Re-points a mapping: to <paramref name="target"/>, to the address of <paramref name="targetNamespace"/> that
    /// is in the target list, or (both null) to the next target after the current one.
    /// </summary>
    public static FlowSwitchResult Switch(string @namespace, string? virtualAddress, string? target, string? targetNamespace)
    {
        var watch = Stopwatch.StartNew();
        HostRequirements.EnsureRoot();
        NetNsManager.EnsureExists(@namespace);
        IPAddress? requested = target is null ? null : IpPrefix.ParseAddress(target, "target address");
        IPAddress? vipFilter = virtualAddress is null ? null : IpPrefix.ParseAddress(virtualAddress, "virtual address");

        using var flowLock = FlowLock.Acquire(DirectoryOf(@namespace));
        var state = SelectState(@namespace, vipFilter);
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
                throw new MigrationToolsException("FlowTargetFamilyMismatch", FailureKind.InvalidArgument,
                    $"The target {requested} is {IpPrefix.FamilyOf(requested)} but {vip} is {IpPrefix.FamilyOf(vip)}.", requested.ToString());
            }

            if (!targets.Contains(requested))
            {
                throw new MigrationToolsException("FlowTargetNotInList", FailureKind.InvalidArgument,
                    $"{requested} is not a target of {vip} in '{@namespace}'; its targets are {string.Join(", ", state.Targets)}.", requested.ToString());
            }
        }

        var backend = BackendOf(state.Backend);
        var session = NetfilterSession.For(@namespace);
        lock (session.Gate)
        {
            var current = backend.ReadCurrent(@namespace, session.Command, vip);
            if (current is null && state.Backend == FlowBackend.Nftables && !NftablesFlowBackend.TableExists(@namespace))
            {
                throw new MigrationToolsException("FlowMappingNotFound", FailureKind.ObjectNotFound,
                    $"The mapping of {vip} in '{@namespace}' is recorded but its rules are gone (removed outside MigrationTools?). Remove and re-create it.", vip.ToString());
            }

            var next = requested ?? targets[(Array.IndexOf(targets, current) + 1) % targets.Length];
            var removed = 0;
            if (!next.Equals(current))
            {
                // The order is the experiment's: mapping first, conntrack second.
                backend.Replace(@namespace, session.Command, vip, next);
                removed = PurgeFlows(session, vip, _ => true);
                // A packet that was translated by the old mapping while it was replaced is confirmed a moment
                // later; its entry shows up in the next events and is purged here too.
                removed += PurgeFlows(session, vip, entry => !entry.Reply.Source.Equals(next));
            }

            return new FlowSwitchResult(@namespace, vip, current, next, removed, watch.Elapsed, state.Backend);
        }
    }

    private static int PurgeFlows(NetfilterSession session, IPAddress vip, Func<ConntrackEntry, bool> predicate)
    {
        var flows = session.FlowsTo(vip).Where(predicate).ToList();
        if (flows.Count == 0)
        {
            return 0;
        }

        var removed = ConntrackTable.Remove(session.Command, flows);
        session.Forget(flows);
        return removed;
    }

    private static IPAddress ResolveTargetNamespace(string targetNamespace, IPAddress[] targets)
    {
        NetNsManager.EnsureExists(targetNamespace);
        var addresses = AddressManager.List(targetNamespace).Select(a => a.Address).ToArray();
        var onPath = targets.Where(t => addresses.Contains(t)).ToArray();
        return onPath.Length switch
        {
            1 => onPath[0],
            0 => throw new MigrationToolsException("TargetNamespaceNotOnPath", FailureKind.ObjectNotFound,
                $"No address of '{targetNamespace}' is a target of this mapping (targets: {string.Join(", ", targets.Select(t => t.ToString()))}).", targetNamespace),
            _ => throw new MigrationToolsException("TargetNamespaceAmbiguous", FailureKind.InvalidArgument,
                $"'{targetNamespace}' holds several targets ({string.Join(", ", onPath.Select(t => t.ToString()))}); name one with -Target.", targetNamespace),
        };
    }

    private static MappingState SelectState(string @namespace, IPAddress? vip)
    {
        var states = LoadStates(@namespace);
        if (vip is not null)
        {
            return states.FirstOrDefault(s => s.VirtualAddress == vip.ToString()) ?? throw NotMapped(@namespace, vip);
        }

        return states.Count switch
        {
            1 => states[0],
            0 => throw new MigrationToolsException("FlowMappingNotFound", FailureKind.ObjectNotFound,
                $"'{@namespace}' has no flow mapping. Create one with New-FlowMapping -Namespace {@namespace} -VirtualAddress ... -Target ...", @namespace),
            _ => throw new MigrationToolsException("FlowMappingAmbiguous", FailureKind.InvalidArgument,
                $"'{@namespace}' has several mappings ({string.Join(", ", states.Select(s => s.VirtualAddress))}); choose one with -VirtualAddress.", @namespace),
        };
    }

    private static MigrationToolsException NotMapped(string @namespace, IPAddress vip) =>
        new("FlowMappingNotFound", FailureKind.ObjectNotFound, $"'{@namespace}' has no mapping for {vip}. List them with Get-FlowMapping -Namespace {@namespace}.", vip.ToString());

    private static FlowMapping ToMapping(string @namespace, MappingState state, NetlinkSocket? socket)
    {
        var vip = IPAddress.Parse(state.VirtualAddress);
        var current = BackendOf(state.Backend).ReadCurrent(@namespace, socket, vip);
        return new FlowMapping(@namespace, vip, state.Targets.Select(IPAddress.Parse).ToArray(), current, state.Backend, state.Created);
    }

    private static List<MappingState> LoadStates(string @namespace)
    {
        var directory = DirectoryOf(@namespace);
        var result = new List<MappingState>();
        if (!Directory.Exists(directory))
        {
            return result;
        }

        foreach (var file in Directory.GetFiles(directory, "*.json").OrderBy(f => f, StringComparer.Ordinal))
        {
            try
            {
                var state = JsonSerializer.Deserialize<MappingState>(File.ReadAllText(file));
                if (state is not null)
                {
                    result.Add(state);
                }
            }
            catch (JsonException)
            {
                // Torn or foreign file: not a mapping of ours.
            }
        }

        return result;
    }

    /// <summary>An exclusive lock file (flock through FileShare.None) held while a namespace's mappings change.</summary>
    private sealed class FlowLock : IDisposable
    {
        private readonly FileStream _stream;

        private FlowLock(FileStream stream) => _stream = stream;

        internal static FlowLock Acquire(string directory)
        {
            Directory.CreateDirectory(directory);
            var path = Path.Combine(directory, ".lock");
            var watch = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    return new FlowLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None));
                }
                catch (IOException) when (watch.Elapsed < TimeSpan.FromSeconds(10))
                {
                    Thread.Sleep(1);
                }
                catch (IOException ex)
                {
                    throw new MigrationToolsException("FlowLockTimeout", FailureKind.OperationTimeout, $"Another session has held the flow lock {path} for 10 s.", path, ex);
                }
            }
        }

        public void Dispose() => _stream.Dispose();
    }
}
