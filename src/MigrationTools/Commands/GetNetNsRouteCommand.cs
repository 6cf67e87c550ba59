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
public sealed class GetNetNsRouteCommand : MigrationToolsCmdlet
{
    /// <summary>The namespace.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NetNsNameCompleter))]
    public string Namespace { get; set; } = null!;

    /// <summary>Destination prefixes or wildcard patterns.</summary>
    [Parameter(Position = 1)]
    [SupportsWildcards]
    public string[]? Destination { get; set; }

    /// <summary>Only routes of this family.</summary>
    [Parameter]
    public IpFamily? AddressFamily { get; set; }

    /// <inheritdoc />
    protected override bool RequiresRoot => false;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        Invoke(Namespace, () =>
        {
            var patterns = (Destination ?? new[] { "*" }).Select(p => new WildcardPattern(p, WildcardOptions.IgnoreCase)).ToArray();
            var routes = RouteManager.List(Namespace, AddressFamily, CancellationToken)
                .Where(r => patterns.Any(p => p.IsMatch(r.Destination) || p.IsMatch(r.Destination.Split('/')[0])));
            WriteObject(routes, enumerateCollection: true);
        });
    }
}
