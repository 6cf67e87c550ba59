using System;
using System.Collections.Generic;
using System.Net;
using MigrationTools.Engine.Addressing;

namespace MigrationTools.Engine.Flows;

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
