using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Routing;

namespace MigrationTools.Commands;

/// <summary>Removes routes from a namespace's main table.</summary>
/// <remarks>
/// Removes the routes to -Destination, narrowed by -Gateway and -Interface when given. Accepts the objects
/// of Get-NetNsRoute from the pipeline. No matching route is an ObjectNotFound error (RouteNotFound).
/// </remarks>
/// <example>
/// <code>Remove-NetNsRoute -Namespace client -Destination 10.250.1.1/32</code>
/// <para>Removes the route to the VIP.</para>
/// </example>
/// <example>
/// <code>Get-NetNsRoute -Namespace A | Where-Object Protocol -ne kernel | Remove-NetNsRoute</code>
/// <para>Removes every route of A that the kernel did not add by itself.</para>
/// </example>
[Cmdlet(VerbsCommon.Remove, "NetNsRoute", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveNetNsRouteCommand : MigrationToolsCmdlet
{
    /// <summary>The namespace.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("NetNs")]
    [ArgumentCompleter(typeof(NetNsNameCompleter))]
    public string Namespace { get; set; } = null!;

    /// <summary>The destination prefix, bare address or 'default'.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("DestinationPrefix")]
    [ArgumentCompleter(typeof(RouteDestinationCompleter))]
    public string Destination { get; set; } = null!;

    /// <summary>Only the route via this gateway.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Via", "NextHop")]
    public string? Gateway { get; set; }

    /// <summary>Only the route through this interface.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("InterfaceAlias")]
    [ArgumentCompleter(typeof(InterfaceNameCompleter))]
    public string? Interface { get; set; }

    /// <summary>The family of a default route (IPv4 when omitted and no gateway tells it).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public IpFamily? AddressFamily { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        Invoke(Destination, () =>
        {
            var spec = RouteSpec.Create(Destination, Gateway, Interface, null, null, AddressFamily, requireNextHop: false);
            if (ShouldProcess(Namespace, "Remove route " + spec.DestinationText))
            {
                RouteManager.Remove(Namespace, spec, CancellationToken);
            }
        });
    }
}
