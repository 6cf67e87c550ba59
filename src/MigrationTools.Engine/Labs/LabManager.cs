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
    public static NetLab Build(LabDefinition definition, string? name, string? prefix, string source, TunnelMode? tunnelMode = null, CancellationToken cancellationToken = default) =>
        LabBuilder.Build(definition, LabStore.EnsureName(name ?? DefaultName(definition.Name, prefix)), prefix ?? string.Empty, source, tunnelMode, cancellationToken);

    /// <summary>The name of a lab built without -Name: the prefix (its trailing separators dropped) and the definition's name.</summary>
    internal static string DefaultName(string definitionName, string? prefix)
    {
        var head = (prefix ?? string.Empty).TrimEnd('-', '_', '.');
        return head.Length == 0 ? definitionName : head + "-" + definitionName;
    }

    /// <summary>Every lab the module built on this machine, with its status.</summary>
    public static IReadOnlyList<NetLab> List() => LabStore.All().Select(s => new NetLab(s, StatusOf(s))).ToArray();

    /// <summary>One lab; <c>LabNotFound</c> when there is none of that name.</summary>
    public static NetLab Get(string name)
    {
        var state = LabStore.Read(name) ?? throw NotFound(name);
        return new NetLab(state, StatusOf(state));
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
    internal static void RemoveState(LabState state)
    {
        var removed = 0;
        foreach (var ns in state.Namespaces)
        {
            var identity = NetNsIdentity.Of(NetNsPaths.MountPath(ns.Name));
            // A namespace made after the lab's under the same name is not the lab's.
            if (identity is not { } live || !LabNamespaceOwnership.IsOwned(ns, live))
            {
                continue;
            }

            try
            {
                NetNsManager.Remove(ns.Name);
                removed++;
            }
            catch (MigrationToolsException ex) when (ex.ErrorId == ErrorIds.NetNsNotFound)
            {
            }
        }

        LabStore.Delete(state.Name);
        NetNsState.Sweep();
        EngineOutput.Verbose($"Removed lab '{state.Name}' and its {removed} namespace(s).");
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
