using System;
using System.Globalization;

namespace MigrationTools.Engine.Flows;

/// <summary>
/// Where the time of one switch went, phase by phase, in the order they run: the checks and the namespace's state lock, the mapping
/// read from its state, the route check, the current target read from the kernel, the mapping replaced, the
/// conntrack entries deleted. Their sum is the switch's <see cref="FlowSwitchResult.Duration"/> less a few
/// microseconds of bookkeeping.
/// </summary>
public sealed class FlowSwitchPhases
{
    internal FlowSwitchPhases(TimeSpan @lock, TimeSpan mapping, TimeSpan route, TimeSpan read, TimeSpan replace, TimeSpan conntrack)
    {
        Lock = @lock;
        Mapping = mapping;
        Route = route;
        Read = read;
        Replace = replace;
        Conntrack = conntrack;
    }

    /// <summary>Checking the arguments and the namespace, and taking its state lock.</summary>
    public TimeSpan Lock { get; }
    /// <summary>Reading the mapping (its targets and backend) from the namespace's state.</summary>
    public TimeSpan Mapping { get; }
    /// <summary>Checking that the namespace has a route to the virtual address.</summary>
    public TimeSpan Route { get; }
    /// <summary>Reading the current target from the kernel.</summary>
    public TimeSpan Read { get; }
    /// <summary>Replacing the mapping in the kernel.</summary>
    public TimeSpan Replace { get; }
    /// <summary>Deleting the conntrack entries of flows to the virtual address.</summary>
    public TimeSpan Conntrack { get; }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"lock {Lock.TotalMilliseconds:0.000} ms, mapping {Mapping.TotalMilliseconds:0.000}, route {Route.TotalMilliseconds:0.000}, read {Read.TotalMilliseconds:0.000}, replace {Replace.TotalMilliseconds:0.000}, conntrack {Conntrack.TotalMilliseconds:0.000}");
}
