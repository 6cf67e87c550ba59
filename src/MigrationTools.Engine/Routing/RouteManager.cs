using System.Collections.Generic;
using System.Linq;
using System.Threading;
using MigrationTools.Core.Errors;
using MigrationTools.Core.Interop;
using MigrationTools.Core.Reporting;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Links;
using MigrationTools.Engine.Namespaces;
using MigrationTools.Engine.Netlink;
using MigrationTools.Engine.Netlink.Route;
using MigrationTools.Engine.Platform;

namespace MigrationTools.Engine.Routing;

/// <summary>Routes in a namespace's main table over rtnetlink, with add, replace and remove semantics.</summary>
internal static class RouteManager
{
    private static readonly IpFamily[] BothFamilies = { IpFamily.IPv4, IpFamily.IPv6 };

    /// <summary>The routes of a namespace's main table, of one family or both.</summary>
    public static IReadOnlyList<NetRoute> List(string @namespace, IpFamily? family = null, CancellationToken cancellationToken = default)
    {
        NetNsLookup.EnsureExists(@namespace);
        var (routes, names) = Rtnetlink.Routes(@namespace, family is null ? BothFamilies : new[] { family.Value });
        return routes.Select(r => ToRoute(@namespace, r, names)).ToArray();
    }

    /// <summary>Adds a route; <c>RouteExists</c> when one to the same destination (and metric) is there.</summary>
    public static NetRoute Add(string @namespace, RouteSpec route, CancellationToken cancellationToken = default) =>
        Change(@namespace, route, RouteMessages.Mode.Add, cancellationToken);

    /// <summary>Adds the route or replaces the one to the same destination (<c>ip route replace</c>).</summary>
    public static NetRoute Replace(string @namespace, RouteSpec route, CancellationToken cancellationToken = default) =>
        Change(@namespace, route, RouteMessages.Mode.Replace, cancellationToken);

    /// <summary>Removes the routes that match; <c>RouteNotFound</c> when none does.</summary>
    public static IReadOnlyList<NetRoute> Remove(string @namespace, RouteSpec route, CancellationToken cancellationToken = default)
    {
        HostRequirements.EnsureRoot();
        NetNsLookup.EnsureExists(@namespace);
        var (routes, names) = Rtnetlink.Routes(@namespace, new[] { route.Family });
        var matching = routes.Select(r => (Record: r, Route: ToRoute(@namespace, r, names))).Where(r => route.Matches(r.Route)).ToArray();
        if (matching.Length == 0)
        {
            throw NotFound(@namespace, route);
        }

        foreach (var (record, existing) in matching)
        {
            var ack = Rtnetlink.Execute(@namespace, (ref NetlinkWriter w, uint s) => RouteMessages.WriteRoute(ref w, s, RouteMessages.Mode.Delete, record.Family,
                record.Destination, record.Gateway, null, record.Priority, record.OutputInterface), $"remove the route {existing}");
            if (!ack.Succeeded && ack.Error != Errno.ESRCH)
            {
                throw NetlinkSocket.Failure($"remove the route {existing} in '{@namespace}'", ack);
            }

            EngineOutput.Verbose($"Removed the route {existing} from '{@namespace}'.");
        }

        return matching.Select(m => m.Route).ToArray();
    }

    private static NetRoute Change(string @namespace, RouteSpec route, RouteMessages.Mode mode, CancellationToken cancellationToken)
    {
        HostRequirements.EnsureRoot();
        NetNsLookup.EnsureExists(@namespace);
        int? index = route.Interface is null ? null : LinkManager.IndexOf(@namespace, route.Interface);
        var what = $"{(mode == RouteMessages.Mode.Add ? "add" : "replace")} the route to {route.DestinationText} in '{@namespace}'";
        var ack = Rtnetlink.Execute(@namespace, (ref NetlinkWriter w, uint s) => RouteMessages.WriteRoute(ref w, s, mode, route.Family,
            route.Destination, route.Gateway, route.Source, route.Metric is null ? null : (uint)route.Metric.Value, index), what);
        if (!ack.Succeeded)
        {
            throw ack.Error switch
            {
                Errno.EEXIST => ErrorCatalog.RouteExists($"Namespace '{@namespace}' already has a route to {route.DestinationText}{(route.Metric is null ? string.Empty : " with metric " + route.Metric)}. Use Set-NetNsRoute to replace it.", route.DestinationText),
                Errno.ENETUNREACH => ErrorCatalog.GatewayUnreachable($"The gateway {route.Gateway} is not on a connected network of '{@namespace}' ({ack.Describe()}); add an address on its subnet first.", route.Gateway?.ToString()),
                Errno.EADDRNOTAVAIL or Errno.EINVAL when route.Source is not null => ErrorCatalog.RouteSourceInvalid($"The source {route.Source} cannot be used for this route in '{@namespace}': {ack.Describe()}.", route.Source.ToString()),
                _ => NetlinkSocket.Failure(what, ack),
            };
        }

        var created = List(@namespace, route.Family, cancellationToken).FirstOrDefault(route.Matches)
            ?? throw ErrorCatalog.RouteNotInstalled($"The route to {route.DestinationText} was accepted but is not in the main table of '{@namespace}'.", route.DestinationText);
        EngineOutput.Verbose($"{(mode == RouteMessages.Mode.Add ? "Added" : "Set")} the route {created} in '{@namespace}'.");
        return created;
    }

    private static MigrationToolsException NotFound(string @namespace, RouteSpec route) =>
        ErrorCatalog.RouteNotFound($"Namespace '{@namespace}' has no {route.Family} route to {route.DestinationText}{(route.Gateway is null ? string.Empty : " via " + route.Gateway)}. List them with Get-NetNsRoute -Namespace {@namespace}.", route.DestinationText);

    private static NetRoute ToRoute(string @namespace, RouteRecord record, IReadOnlyDictionary<int, string> names) => new(
        @namespace,
        record.Destination?.ToString() ?? "default",
        record.Family,
        record.Gateway,
        record.OutputInterface is { } index && names.TryGetValue(index, out var name) ? name : null,
        record.Priority is { } p ? (int)p : null,
        RouteMessages.ProtocolName(record.Protocol),
        AddressMessages.ScopeName(record.Scope),
        record.PreferredSource,
        RouteMessages.TypeName(record.Type));
}
