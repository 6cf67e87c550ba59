using System.Linq;
using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Engine.Tunnels;

namespace MigrationTools.Commands;

/// <summary>Lists the IP-in-IP tunnels of a namespace, with their state and counters.</summary>
/// <remarks>
/// Shows the module's userspace tunnels (State Running, Dead when the relay process died, Missing when the device
/// is gone; packet and drop counters from the relay) and every kernel ipip device of the namespace.
/// -Name takes wildcards.
/// </remarks>
/// <example>
/// <code>Get-IpipTunnel -Namespace router1</code>
/// <para>Shows router1's tunnels.</para>
/// </example>
/// <example>
/// <code>(Get-IpipTunnel -Namespace server -Name ipip0).Counters</code>
/// <para>Packets relayed and dropped by the server's relay.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "IpipTunnel")]
[OutputType(typeof(IpipTunnel))]
public sealed class GetIpipTunnelCommand : NamespaceListingCmdlet
{
    /// <summary>Tunnel names or wildcard patterns.</summary>
    [Parameter(Position = 1)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(TunnelNameCompleter))]
    public string[]? Name { get; set; }

    /// <inheritdoc />
    protected override void List(string @namespace)
    {
        var patterns = (Name ?? new[] { "*" }).Select(p => new WildcardPattern(p)).ToArray();
        WriteObject(TunnelManager.List(@namespace, CancellationToken).Where(t => patterns.Any(p => p.IsMatch(t.Name))), enumerateCollection: true);
    }
}
