using System.Management.Automation;
using MigrationTools.Engine.Routing;

namespace MigrationTools.Commands;

/// <summary>Adds a route to a namespace's main table.</summary>
/// <remarks>
/// Adds a route as `ip route add` does. A route to the same destination that already exists is a
/// ResourceExists error (RouteExists): use Set-NetNsRoute to replace it. Every address of the route must
/// be of one family (RouteFamilyMismatch), the destination must have no host bits set (InvalidRoutePrefix),
/// and a gateway or an interface is required (RouteNeedsNextHop). Nothing is changed when a check fails.
/// </remarks>
/// <example>
/// <code>New-NetNsRoute -Namespace A -Destination default -Gateway fd00:ab::b</code>
/// <para>Routes A's IPv6 traffic via B.</para>
/// </example>
/// <example>
/// <code>New-NetNsRoute -Namespace client -Destination 10.250.1.1/32 -Gateway 10.200.0.254</code>
/// <para>Sends traffic for the VIP over path 1.</para>
/// </example>
[Cmdlet(VerbsCommon.New, "NetNsRoute", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(NetRoute))]
public sealed class NewNetNsRouteCommand : RouteCommandBase
{
    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        Invoke(Destination, () =>
        {
            var spec = BuildSpec();
            if (ShouldProcess(Namespace, "Add route " + Describe(spec)))
            {
                WriteObject(RouteManager.Add(Namespace, spec, CancellationToken));
            }
        });
    }
}
