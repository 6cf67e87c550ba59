using System;
using System.Collections.Generic;
using System.Net;
using MigrationTools.Engine.Addressing;

namespace MigrationTools.Engine.Flows;

/// <summary>Where a namespace's flow mappings live in the kernel.</summary>
public enum FlowBackend
{
    /// <summary>An nftables table <c>inet migrationtools</c> with one map per family; switched over netlink.</summary>
    Nftables,
    /// <summary>DNAT rules in an iptables/ip6tables chain <c>MIGRATIONTOOLS</c> of the nat table (the origin's way).</summary>
    Iptables,
}

/// <summary>An abstract (virtual) address inside a namespace, translated to one of several concrete targets.</summary>
public sealed class FlowMapping
{
    internal FlowMapping(string @namespace, IPAddress virtualAddress, IReadOnlyList<IPAddress> targets, IPAddress? currentTarget, FlowBackend backend, DateTime created)
    {
        Namespace = @namespace;
        VirtualAddress = virtualAddress;
        Targets = targets;
        CurrentTarget = currentTarget;
        Backend = backend;
        Created = created;
    }

    /// <summary>The namespace whose traffic (sent or forwarded) is translated.</summary>
    public string Namespace { get; }
    /// <summary>The abstract destination address.</summary>
    public IPAddress VirtualAddress { get; }
    /// <summary>The concrete targets, in switching order.</summary>
    public IReadOnlyList<IPAddress> Targets { get; }
    /// <summary>The target new flows go to now, as the kernel has it (null if the rule is gone).</summary>
    public IPAddress? CurrentTarget { get; }
    /// <summary>IPv4 or IPv6.</summary>
    public IpFamily AddressFamily => IpPrefix.FamilyOf(VirtualAddress);
    /// <summary>Where the mapping lives.</summary>
    public FlowBackend Backend { get; }
    /// <summary>When the mapping was made (UTC).</summary>
    public DateTime Created { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Namespace}: {VirtualAddress} -> {CurrentTarget}";
}

/// <summary>What a switch did.</summary>
public sealed class FlowSwitchResult
{
    internal FlowSwitchResult(string @namespace, IPAddress virtualAddress, IPAddress? oldTarget, IPAddress newTarget, int conntrackEntriesRemoved, TimeSpan duration, FlowBackend backend)
    {
        Namespace = @namespace;
        VirtualAddress = virtualAddress;
        OldTarget = oldTarget;
        NewTarget = newTarget;
        ConntrackEntriesRemoved = conntrackEntriesRemoved;
        Duration = duration;
        Backend = backend;
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

    /// <inheritdoc />
    public override string ToString() => $"{VirtualAddress}: {OldTarget} -> {NewTarget}";
}
