using System;
using System.Net;

namespace MigrationTools.Engine.Flows;

/// <summary>What a switch did.</summary>
public sealed class FlowSwitchResult
{
    internal FlowSwitchResult(string @namespace, IPAddress virtualAddress, IPAddress? oldTarget, IPAddress newTarget, int conntrackEntriesRemoved, TimeSpan duration, FlowBackend backend, FlowSwitchPhases phases)
    {
        Namespace = @namespace;
        VirtualAddress = virtualAddress;
        OldTarget = oldTarget;
        NewTarget = newTarget;
        ConntrackEntriesRemoved = conntrackEntriesRemoved;
        Duration = duration;
        Backend = backend;
        Phases = phases;
    }

    /// <summary>The namespace.</summary>
    public string Namespace { get; }
    /// <summary>The virtual address whose target changed.</summary>
    public IPAddress VirtualAddress { get; }
    /// <summary>The target before the switch.</summary>
    public IPAddress? OldTarget { get; }
    /// <summary>The target after the switch.</summary>
    public IPAddress NewTarget { get; }
    /// <summary>Conntrack entries of flows to the virtual address that were deleted, so their next packet takes the new target.</summary>
    public int ConntrackEntriesRemoved { get; }
    /// <summary>Time from the start of the switch to the end of the conntrack purge.</summary>
    public TimeSpan Duration { get; }
    /// <summary>The backend that holds the mapping.</summary>
    public FlowBackend Backend { get; }
    /// <summary>Where <see cref="Duration"/> went, phase by phase.</summary>
    public FlowSwitchPhases Phases { get; }

    /// <inheritdoc />
    public override string ToString() => $"{VirtualAddress}: {OldTarget} -> {NewTarget}";
}
