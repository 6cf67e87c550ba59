using System.Management.Automation;
using MigrationTools.Engine.Namespaces;

namespace MigrationTools.Commands;

/// <summary>Turns off IP forwarding inside a namespace.</summary>
/// <remarks>
/// Clears net.ipv4.ip_forward and/or net.ipv6.conf.all.forwarding inside the namespace only.
/// Both families unless -AddressFamily is given. Returns nothing unless -PassThru.
/// </remarks>
/// <example>
/// <code>Disable-NetNsForwarding -Namespace B -AddressFamily IPv6</code>
/// <para>B stops forwarding IPv6.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Disable, "NetNsForwarding", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(NetNamespace))]
public sealed class DisableNetNsForwardingCommand : ForwardingCommandBase
{
    /// <inheritdoc />
    protected override bool Enable => false;
}
