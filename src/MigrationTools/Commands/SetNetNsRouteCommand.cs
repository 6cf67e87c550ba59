using System.Management.Automation;
using MigrationTools.Engine.Routing;

namespace MigrationTools.Commands;

/// <summary>Adds a route or replaces the one to the same destination.</summary>
/// <remarks>
/// Works as `ip route replace`: one atomic change of the kernel's table, so traffic never finds no route.
/// This is how the QUIC lab migrates the client to its second path. Returns nothing unless -PassThru.
/// </remarks>
/// <example>
/// <code>Set-NetNsRoute -Namespace client -Destination 10.250.1.1/32 -Gateway 10.210.0.254</code>
/// <para>Moves the client's traffic for the VIP to path 2 (the origin's migration).</para>
/// </example>
[Cmdlet(VerbsCommon.Set, "NetNsRoute", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(NetRoute))]
public sealed class SetNetNsRouteCommand : RouteCommandBase
{
    /// <summary>Return the route as it is afterwards.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        Invoke(Destination, () =>
        {
            var spec = BuildSpec();
            if (ShouldProcess(Namespace, "Replace route " + Describe(spec)))
            {
                var route = RouteManager.Replace(Namespace, spec, CancellationToken);
                if (PassThru)
                {
                    WriteObject(route);
                }
            }
        });
    }
}
