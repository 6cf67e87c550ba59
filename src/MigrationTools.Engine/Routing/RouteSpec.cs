using System.Net;
using MigrationTools.Core.Errors;
using MigrationTools.Engine.Addressing;

namespace MigrationTools.Engine.Routing;

/// <summary>A validated route request: destination, next hop and options, all of one address family.</summary>
internal sealed class RouteSpec
{
    private RouteSpec(IpPrefix? destination, IpFamily family, IPAddress? gateway, string? @interface, int? metric, IPAddress? source)
    {
        Destination = destination;
        Family = family;
        Gateway = gateway;
        Interface = @interface;
        Metric = metric;
        Source = source;
    }

    /// <summary>The destination prefix; null for the default route.</summary>
    public IpPrefix? Destination { get; }
    /// <summary>The address family of the route.</summary>
    public IpFamily Family { get; }
    /// <summary>The next hop.</summary>
    public IPAddress? Gateway { get; }
    /// <summary>The outgoing interface.</summary>
    public string? Interface { get; }
    /// <summary>The metric.</summary>
    public int? Metric { get; }
    /// <summary>The preferred source address.</summary>
    public IPAddress? Source { get; }

    /// <summary>The destination as iproute2 and <see cref="NetRoute.Destination"/> write it.</summary>
    public string DestinationText => Destination?.ToString() ?? "default";

    /// <summary>
    /// Validates a route request. <paramref name="destination"/> is a prefix, a bare address (a host route) or
    /// <c>default</c>; every address given must be of one family, and the prefix must have no host bits set.
    /// A route to add needs a gateway or an interface; a route to match for removal does not.
    /// </summary>
    public static RouteSpec Create(string destination, string? gateway, string? @interface, int? metric, string? source, IpFamily? family, bool requireNextHop = true)
    {
        IpPrefix? prefix = null;
        IpFamily? routeFamily = family;
        if (!string.Equals(destination, "default", System.StringComparison.OrdinalIgnoreCase))
        {
            var parsed = IpPrefix.Parse(destination, "route destination");
            if (!parsed.Network.Address.Equals(parsed.Address))
            {
                throw ErrorCatalog.InvalidRoutePrefix($"The destination {parsed} has host bits set; did you mean {parsed.Network}?", destination);
            }

            prefix = parsed;
            routeFamily = CheckFamily(routeFamily, parsed.Family, destination, "destination");
        }

        IPAddress? gatewayAddress = null;
        if (gateway is not null)
        {
            gatewayAddress = IpPrefix.ParseAddress(gateway, "gateway");
            routeFamily = CheckFamily(routeFamily, IpPrefix.FamilyOf(gatewayAddress), gateway, "gateway");
        }

        IPAddress? sourceAddress = null;
        if (source is not null)
        {
            sourceAddress = IpPrefix.ParseAddress(source, "source address");
            routeFamily = CheckFamily(routeFamily, IpPrefix.FamilyOf(sourceAddress), source, "source address");
        }

        if (requireNextHop && gatewayAddress is null && @interface is null)
        {
            throw ErrorCatalog.RouteNeedsNextHop($"The route to {destination} needs a gateway (-Gateway), an interface (-Interface) or both.", destination);
        }

        if (metric is < 0)
        {
            throw ErrorCatalog.InvalidMetric($"The metric {metric} is negative.", metric);
        }

        if (@interface is not null)
        {
            Validation.NameValidator.EnsureInterfaceName(@interface);
        }

        return new RouteSpec(prefix, routeFamily ?? IpFamily.IPv4, gatewayAddress, @interface, metric, sourceAddress);
    }

    private static IpFamily CheckFamily(IpFamily? current, IpFamily found, string text, string what)
    {
        if (current is not null && current != found)
        {
            throw ErrorCatalog.RouteFamilyMismatch($"The {what} {text} is {found}, but the route is {current}: every address of a route must be of one family.", text);
        }

        return found;
    }

    /// <summary>True when <paramref name="route"/> has this destination (and, when given, this gateway and interface).</summary>
    public bool Matches(NetRoute route) =>
        route.AddressFamily == Family
        && route.Destination == DestinationText
        && (Gateway is null || Gateway.Equals(route.Gateway))
        && (Interface is null || Interface == route.Interface)
        && (Metric is null || Metric == route.Metric);
}
