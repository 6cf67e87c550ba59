using System.Net;
using MigrationTools.Engine.Addressing;

namespace MigrationTools.Engine.Routing;

/// <summary>A route in a namespace's main table.</summary>
public sealed class NetRoute
{
    internal NetRoute(string @namespace, string destination, IpFamily family, IPAddress? gateway, string? @interface, int? metric, string? protocol, string? scope, IPAddress? source, string type)
    {
        Namespace = @namespace;
        Destination = destination;
        AddressFamily = family;
        Gateway = gateway;
        Interface = @interface;
        Metric = metric;
        Protocol = protocol;
        Scope = scope;
        Source = source;
        Type = type;
    }

    /// <summary>The namespace.</summary>
    public string Namespace { get; }
    /// <summary>The destination prefix in CIDR form, or <c>default</c>.</summary>
    public string Destination { get; }
    /// <summary>IPv4 or IPv6.</summary>
    public IpFamily AddressFamily { get; }
    /// <summary>The next hop, when the route has one.</summary>
    public IPAddress? Gateway { get; }
    /// <summary>The outgoing interface.</summary>
    public string? Interface { get; }
    /// <summary>The route metric (IPv6 routes always have one).</summary>
    public int? Metric { get; }
    /// <summary>Who installed the route: kernel, boot, static, ...</summary>
    public string? Protocol { get; }
    /// <summary>The route scope: link, host, global.</summary>
    public string? Scope { get; }
    /// <summary>The preferred source address.</summary>
    public IPAddress? Source { get; }
    /// <summary>The route type: unicast, local, blackhole, ...</summary>
    public string Type { get; }

    /// <inheritdoc />
    public override string ToString() => Gateway is null ? $"{Destination} dev {Interface}" : $"{Destination} via {Gateway}";
}
