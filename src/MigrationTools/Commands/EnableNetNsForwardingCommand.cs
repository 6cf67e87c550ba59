using System.Management.Automation;
using MigrationTools.Engine.Namespaces;

namespace MigrationTools.Commands;

/// <summary>Turns on IP forwarding inside a namespace, making it a router.</summary>
/// <remarks>
/// Sets net.ipv4.ip_forward and/or net.ipv6.conf.all.forwarding inside the namespace only; the root
/// namespace is never touched. Both families unless -AddressFamily is given. Returns nothing unless -PassThru.
/// </remarks>
/// <example>
/// <code>Enable-NetNsForwarding -Namespace B</code>
/// <para>B forwards IPv4 and IPv6.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Enable, "NetNsForwarding", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(NetNamespace))]
public sealed class EnableNetNsForwardingCommand : ForwardingCommandBase
{
    /// <inheritdoc />
    protected override bool Enable => true;
}
