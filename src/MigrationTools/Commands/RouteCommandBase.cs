using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Routing;

namespace MigrationTools.Commands;

/// <summary>Parameters shared by the cmdlets that add or replace a route.</summary>
public abstract class RouteCommandBase : MigrationToolsCmdlet
{
    /// <summary>The namespace whose main table is changed.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("NetNs")]
    [ArgumentCompleter(typeof(NetNsNameCompleter))]
    public string Namespace { get; set; } = null!;

    /// <summary>The destination: a prefix (10.250.1.1/32, fc01::/64), a bare address (a host route) or 'default'.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("DestinationPrefix")]
    public string Destination { get; set; } = null!;

    /// <summary>The next-hop address; of the same family as the destination.</summary>
    [Parameter(Position = 2, ValueFromPipelineByPropertyName = true)]
    [Alias("Via", "NextHop")]
    public string? Gateway { get; set; }

    /// <summary>The outgoing interface.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Dev", "InterfaceAlias")]
    [ArgumentCompleter(typeof(InterfaceNameCompleter))]
    public string? Interface { get; set; }

    /// <summary>The route metric.</summary>
    [Parameter]
    [Alias("RouteMetric")]
    [ValidateRange(0, int.MaxValue)]
    public int? Metric { get; set; }

    /// <summary>The preferred source address for traffic on this route.</summary>
    [Parameter]
    public string? Source { get; set; }

    /// <summary>The family of a default route when no gateway tells it (IPv4 when omitted).</summary>
    [Parameter]
    public IpFamily? AddressFamily { get; set; }

    /// <summary>Validates the parameters into a route request.</summary>
    private protected RouteSpec BuildSpec() => RouteSpec.Create(Destination, Gateway, Interface, Metric, Source, AddressFamily);

    /// <summary>A short text of the route for ShouldProcess.</summary>
    private protected static string Describe(RouteSpec spec) =>
        $"{spec.DestinationText}{(spec.Gateway is null ? string.Empty : " via " + spec.Gateway)}{(spec.Interface is null ? string.Empty : " dev " + spec.Interface)}";
}
