using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Errors;
using MigrationTools.Engine.Links;
using MigrationTools.Engine.Namespaces;
using MigrationTools.Engine.Platform;
using MigrationTools.Engine.Tools;

namespace MigrationTools.Engine.Routing;

/// <summary>Routes in a namespace's main table, with add, replace and remove semantics.</summary>
public static class RouteManager
{
    /// <summary>The routes of a namespace's main table, of one family or both.</summary>
    public static IReadOnlyList<NetRoute> List(string @namespace, IpFamily? family = null, CancellationToken cancellationToken = default)
    {
        NetNsManager.EnsureExists(@namespace);
        var result = new List<NetRoute>();
        foreach (var f in family is null ? new[] { IpFamily.IPv4, IpFamily.IPv6 } : new[] { family.Value })
        {
            var json = IpTool.Json(@namespace, new[] { FamilyFlag(f), "route", "show", "table", "main" }, cancellationToken, @namespace);
            result.AddRange(IpJson.ParseRoutes(@namespace, f, json));
        }

        return result;
    }

    /// <summary>Adds a route; <c>RouteExists</c> when one to the same destination (and metric) is there.</summary>
    public static NetRoute Add(string @namespace, RouteSpec route, CancellationToken cancellationToken = default)
    {
        Prepare(@namespace, route, cancellationToken);
        var existing = List(@namespace, route.Family, cancellationToken)
            .FirstOrDefault(r => r.Destination == route.DestinationText && (route.Metric is null || r.Metric == route.Metric) && r.Type == "unicast");
        if (existing is not null)
        {
            throw new MigrationToolsException("RouteExists", FailureKind.ResourceExists,
                $"Namespace '{@namespace}' already has a route to {route.DestinationText} ({existing}). Use Set-NetNsRoute to replace it.", route.DestinationText);
        }

        IpTool.Run(@namespace, Arguments("add", route), cancellationToken, route.DestinationText);
        return Find(@namespace, route, cancellationToken);
    }

    /// <summary>Adds the route or replaces the one to the same destination (<c>ip route replace</c>).</summary>
    public static NetRoute Replace(string @namespace, RouteSpec route, CancellationToken cancellationToken = default)
    {
        Prepare(@namespace, route, cancellationToken);
        IpTool.Run(@namespace, Arguments("replace", route), cancellationToken, route.DestinationText);
        return Find(@namespace, route, cancellationToken);
    }

    /// <summary>Removes the routes that match; <c>RouteNotFound</c> when none does.</summary>
    public static IReadOnlyList<NetRoute> Remove(string @namespace, RouteSpec route, CancellationToken cancellationToken = default)
    {
        HostRequirements.EnsureRoot();
        var matching = List(@namespace, route.Family, cancellationToken).Where(route.Matches).ToArray();
        if (matching.Length == 0)
        {
            throw new MigrationToolsException("RouteNotFound", FailureKind.ObjectNotFound,
                $"Namespace '{@namespace}' has no {route.Family} route to {route.DestinationText}{(route.Gateway is null ? string.Empty : " via " + route.Gateway)}.", route.DestinationText);
        }

        foreach (var existing in matching)
        {
            var arguments = new List<string> { FamilyFlag(existing.AddressFamily), "route", "delete", existing.Destination };
            if (existing.Gateway is not null)
            {
                arguments.AddRange(new[] { "via", existing.Gateway.ToString() });
            }

            if (existing.Interface is not null)
            {
                arguments.AddRange(new[] { "dev", existing.Interface });
            }

            if (existing.Metric is not null)
            {
                arguments.AddRange(new[] { "metric", existing.Metric.Value.ToString(CultureInfo.InvariantCulture) });
            }

            IpTool.Run(@namespace, arguments, cancellationToken, existing.Destination);
        }

        return matching;
    }

    private static void Prepare(string @namespace, RouteSpec route, CancellationToken cancellationToken)
    {
        HostRequirements.EnsureRoot();
        NetNsManager.EnsureExists(@namespace);
        if (route.Interface is not null)
        {
            LinkManager.Get(@namespace, route.Interface, cancellationToken);
        }
    }

    private static NetRoute Find(string @namespace, RouteSpec route, CancellationToken cancellationToken) =>
        List(@namespace, route.Family, cancellationToken).FirstOrDefault(route.Matches)
        ?? throw new MigrationToolsException("RouteNotFound", FailureKind.OperationFailed, $"The route to {route.DestinationText} was accepted but is not in the main table of '{@namespace}'.", route.DestinationText);

    private static List<string> Arguments(string verb, RouteSpec route)
    {
        var arguments = new List<string> { FamilyFlag(route.Family), "route", verb, route.DestinationText };
        if (route.Gateway is not null)
        {
            arguments.AddRange(new[] { "via", route.Gateway.ToString() });
        }

        if (route.Interface is not null)
        {
            arguments.AddRange(new[] { "dev", route.Interface });
        }

        if (route.Metric is not null)
        {
            arguments.AddRange(new[] { "metric", route.Metric.Value.ToString(CultureInfo.InvariantCulture) });
        }

        if (route.Source is not null)
        {
            arguments.AddRange(new[] { "src", route.Source.ToString() });
        }

        return arguments;
    }

    private static string FamilyFlag(IpFamily family) => family == IpFamily.IPv4 ? "-4" : "-6";
}
