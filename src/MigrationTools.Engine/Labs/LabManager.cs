using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using MigrationTools.Core.Errors;
using MigrationTools.Core.Processes;
using MigrationTools.Core.Reporting;
using MigrationTools.Engine.Namespaces;
using MigrationTools.Engine.Platform;
using MigrationTools.Engine.State;
using MigrationTools.Engine.Tunnels;

namespace MigrationTools.Engine.Labs;

/// <summary>Labs on this machine: built from definitions, listed from their state whoever built them, removed whole.</summary>
internal static class LabManager
{
    /// <summary>
    /// Builds a lab; on failure nothing of it is left. Without a name the lab is named after its definition, and with
    /// a prefix after the prefix and the definition (<c>b-</c> and <c>ping-flow</c> make <c>b-ping-flow</c>), so a
    /// prefix alone gives a copy beside the first.
    /// </summary>
    public static NetLab Build(LabDefinition definition, string? name, string? prefix, string source, TunnelMode? tunnelMode = null, CancellationToken cancellationToken = default, LabDefinition? whole = null) =>
        LabBuilder.Build(definition, LabStore.EnsureName(name ?? DefaultName(definition.Name, prefix)), prefix ?? string.Empty, source, tunnelMode, cancellationToken, whole);

    /// <summary>The record of a lab (null when there is none), for the hosts of a lab across hosts.</summary>
    internal static LabState? Record(string name) => LabStore.Read(name);

    /// <summary>
    /// For a lab across hosts whose removal left parts on <paramref name="remaining"/> hosts: the local part is gone,
    /// and a record that names those hosts stays, so a later Remove-NetLab goes back for them.
    /// </summary>
    internal static void KeepRemaining(LabState state, IReadOnlyList<string> remaining)
    {
        using (LabStore.Lock(CancellationToken.None))
        {
            var empty = state.Definition with { Nodes = new Dictionary<string, LabNode>(), Links = Array.Empty<LabLink>(), Segments = Array.Empty<LabSegment>(), Vxlans = Array.Empty<LabVxlan>() };
            LabStore.Write(state with { Definition = empty, Namespaces = Array.Empty<LabNamespace>(), RemainingHosts = remaining, Complete = true });
        }
    }

    /// <summary>The name of a lab built without -Name: the prefix (its trailing separators dropped) and the definition's name.</summary>
    internal static string DefaultName(string definitionName, string? prefix)
    {
        var head = (prefix ?? string.Empty).TrimEnd('-', '_', '.');
        return head.Length == 0 ? definitionName : head + "-" + definitionName;
    }

    /// <summary>Every lab the module built on this machine, with its status (compared with its file when run as root).</summary>
    public static IReadOnlyList<NetLab> List() => LabStore.All().Select(Describe).ToArray();

    /// <summary>One lab; <c>LabNotFound</c> when there is none of that name.</summary>
    public static NetLab Get(string name) => Describe(LabStore.Read(name) ?? throw NotFound(name));

    /// <summary>How a built lab differs from its file, one object per difference; empty when it does not.</summary>
    public static IReadOnlyList<LabDifference> Differences(string name)
    {
        var state = LabStore.Read(name) ?? throw NotFound(name);
        return StatusOf(state) is LabStatus.Complete or LabStatus.Damaged ? LabDrift.Compare(state) : Array.Empty<LabDifference>();
    }

    /// <summary>
    /// Puts a built lab back as its file describes it: namespaces made again, links, addresses, tables, tunnels,
    /// sysctls, routes, mappings and rate limits re-applied where missing or changed. Idempotent: a lab that has not
    /// drifted gets nothing. Returns each difference with what was done about it.
    /// </summary>
    public static IReadOnlyList<LabDifference> Repair(string name, CancellationToken cancellationToken = default)
    {
        var state = LabStore.Read(name) ?? throw NotFound(name);
        var status = StatusOf(state);
        if (status is LabStatus.Building or LabStatus.Incomplete)
        {
            throw ErrorCatalog.LabBusy($"Lab '{name}' is {status}: {(status == LabStatus.Building ? $"process {state.ProcessId} is still building it" : "its build never finished; remove it (Remove-NetLab) and build it again")}.", name);
        }

        return LabDrift.Repair(state, cancellationToken);
    }

    /// <summary>
    /// After a lab link of <paramref name="namespace"/> came up again: the node's routes through it that the kernel
    /// dropped when it went down are added back. Nothing for a namespace that is no lab's.
    /// </summary>
    public static IReadOnlyList<LabDifference> RestoreRoutes(string @namespace, CancellationToken cancellationToken = default)
    {
        foreach (var state in LabStore.All().Where(s => s.Complete))
        {
            if (state.Namespaces.FirstOrDefault(n => n.Name == @namespace) is { } node)
            {
                return LabDrift.Repair(state, cancellationToken, d => d.Kind == "Route" && d.Node == node.Node);
            }
        }

        return Array.Empty<LabDifference>();
    }

    /// <summary>
    /// A namespace that is not found and is a lab's node is reported as that node, with Repair-NetLab as the advice
    /// (not New-NetNs, which would make a namespace the lab does not own); any other error is returned as it is.
    /// </summary>
    public static MigrationToolsException AsLabNode(MigrationToolsException error)
    {
        if (error.ErrorId != ErrorIds.NetNsNotFound || error.Target is not string name)
        {
            return error;
        }

        try
        {
            foreach (var state in LabStore.All())
            {
                if (state.Namespaces.FirstOrDefault(n => n.Name == name) is { } node)
                {
                    return ErrorCatalog.NetNsNotFound(
                        $"The namespace '{name}' of node {node.Node} of lab '{state.Name}' is gone. Make it again with everything the lab gives it: Repair-NetLab -Name {state.Name}; or remove the lab: Remove-NetLab -Name {state.Name}.",
                        name, error);
                }
            }
        }
        catch (MigrationToolsException)
        {
            // The lab store cannot be read (not root): the error as it was.
        }

        return error;
    }

    private static NetLab Describe(LabState state)
    {
        var status = StatusOf(state);
        if (status is not (LabStatus.Complete or LabStatus.Damaged) || !HostRequirements.IsRoot)
        {
            return new NetLab(state, status);
        }

        var differences = LabDrift.Compare(state);
        return new NetLab(state, status == LabStatus.Complete && differences.Count > 0 ? LabStatus.Drifted : status, differences);
    }

    /// <summary>
    /// Removes a lab: every namespace it made (with everything in them: links, addresses, relays, programs, mappings,
    /// and the module's state for them) and its own state. A lab whose builder is still at work is left alone.
    /// </summary>
    public static void Remove(string name, CancellationToken cancellationToken = default)
    {
        HostRequirements.EnsureRoot();
        using (LabStore.Lock(cancellationToken))
        {
            var state = LabStore.Read(name) ?? throw NotFound(name);
            if (StatusOf(state) == LabStatus.Building)
            {
                throw ErrorCatalog.LabBusy($"Lab '{name}' is being built by process {state.ProcessId}; remove it when that is done, or end that process first.", name);
            }

            RemoveState(state);
        }
    }

    /// <summary>Removes the namespaces of a lab's state that are still the lab's, then the state (also a failed build's cleanup).</summary>
    internal static void RemoveState(LabState state, bool writeCaptures = true)
    {
        // A failed build writes no capture file: its captures go with its namespaces.
        if (writeCaptures)
        {
            StopCaptures(state);
        }

        RemoveUplinks(state);
        // A namespace made after the lab's under the same name is not the lab's.
        var owned = state.Namespaces
            .Where(ns => NetNsIdentity.Of(NetNsPaths.MountPath(ns.Name)) is { } live && LabNamespaceOwnership.IsOwned(ns, live))
            .Select(ns => ns.Name)
            .ToArray();
        var removed = NetNsManager.RemoveAll(owned, skipMissing: true);
        LabStore.Delete(state.Name);
        NetNsState.Sweep();
        EngineOutput.Verbose($"Removed lab '{state.Name}' and its {removed} namespace(s).");
    }

    /// <summary>
    /// Uplinks go first, through their ends in the lab's namespaces (deleting one end deletes both at once): the
    /// kernel frees a removed namespace's devices later, and an uplink's far end would hold its name meanwhile.
    /// </summary>
    private static void RemoveUplinks(LabState state)
    {
        foreach (var link in state.Definition.Links.Where(l => l.IsUplink))
        {
            var record = state.Namespaces.FirstOrDefault(n => n.Node == link.A.Node);
            if (record is null || NetNsIdentity.Of(NetNsPaths.MountPath(record.Name)) is not { } live || !LabNamespaceOwnership.IsOwned(record, live))
            {
                continue;
            }

            try
            {
                if (Links.LinkManager.TryGet(record.Name, link.A.Interface) is not null)
                {
                    Links.LinkManager.Remove(record.Name, link.A.Interface);
                }
            }
            catch (MigrationToolsException ex)
            {
                EngineOutput.Verbose($"The uplink {link.A} <-> {link.B} was not deleted before its namespace: {ex.Message}");
            }
        }
    }

    /// <summary>The captures running in the lab's namespaces are written before the namespaces go (a lab's own, and any a user started there).</summary>
    private static void StopCaptures(LabState state)
    {
        foreach (var ns in state.Namespaces.Where(n => NetNsLookup.Exists(n.Name)))
        {
            foreach (var capture in Captures.NetNsCaptureManager.List(ns.Name))
            {
                try
                {
                    var summary = Captures.NetNsCaptureManager.Stop(ns.Name, capture.Id, CancellationToken.None);
                    EngineOutput.Verbose($"Wrote the capture {summary.Path} of '{ns.Name}' ({summary.PacketsCaptured} packets).");
                }
                catch (MigrationToolsException ex)
                {
                    EngineOutput.Warning($"The capture {capture.Path} of '{ns.Name}' could not be written: {ex.Message}");
                }
            }
        }
    }

    /// <summary>Where a lab is: still building (its builder runs), complete, incomplete (its builder is gone) or damaged.</summary>
    private static LabStatus StatusOf(LabState state)
    {
        if (!state.Complete)
        {
            return ProcessSignals.IsAlive(state.ProcessId) && ProcessSignals.StartTicks(state.ProcessId) == state.StartTicks ? LabStatus.Building : LabStatus.Incomplete;
        }

        return state.Namespaces.All(n => NetNsIdentity.Of(NetNsPaths.MountPath(n.Name))?.ToString() is { } identity && (n.Identity is null || n.Identity == identity))
            ? LabStatus.Complete
            : LabStatus.Damaged;
    }

    private static MigrationToolsException NotFound(string name) =>
        ErrorCatalog.LabNotFound($"There is no lab named '{name}'. List them with Get-NetLab.", name);
}
