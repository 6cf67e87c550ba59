using System.Linq;
using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Routing;

namespace MigrationTools.Commands;

/// <summary>Lists the routes of a namespace's main table.</summary>
/// <remarks>Both families unless -AddressFamily is given. -Destination takes wildcards (e.g. 10.250.*).</remarks>
/// <example>
/// <code>Get-NetNsRoute -Namespace client -AddressFamily IPv4</code>
/// <para>Lists the client's IPv4 routes.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "NetNsRoute")]
[OutputType(typeof(NetRoute))]
public sealed class GetNetNsRouteCommand : NamespaceListingCmdlet
{
    /// <summary>Destination prefixes or wildcard patterns.</summary>
    [Parameter(Position = 1)]
    [SupportsWildcards]
    [Alias("DestinationPrefix")]
    public string[]? Destination { get; set; }

    /// <summary>Only routes through this interface (an interface object from Get-NetNsLink binds here).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("InterfaceAlias")]
    [ArgumentCompleter(typeof(InterfaceNameCompleter))]
    public string? Interface { get; set; }

    /// <summary>Only routes of this family.</summary>
    [Parameter]
    public IpFamily? AddressFamily { get; set; }

    /// <inheritdoc />
    protected override bool RequiresRoot => false;

    /// <inheritdoc />
    protected override void List(string @namespace)
    {
        var patterns = (Destination ?? new[] { "*" }).Select(p => new WildcardPattern(p, WildcardOptions.IgnoreCase)).ToArray();
        var routes = RouteManager.List(@namespace, AddressFamily, CancellationToken)
            .Where(r => Interface is null || r.Interface == Interface)
            .Where(r => patterns.Any(p => p.IsMatch(r.Destination) || p.IsMatch(r.Destination.Split('/')[0])));
        WriteObject(routes, enumerateCollection: true);
    }
}
