using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Engine.Tunnels;

namespace MigrationTools.Commands;

/// <summary>Removes an IP-in-IP tunnel: stops its relay and deletes its device.</summary>
/// <remarks>
/// For a userspace tunnel the relay process is stopped (SIGTERM, then SIGKILL) and the TUN device deleted; for a
/// kernel tunnel the ipip device is deleted. Accepts Get-IpipTunnel output. A missing tunnel is ObjectNotFound
/// (TunnelNotFound). Remove-NetNs removes a namespace's tunnels with it.
/// </remarks>
/// <example>
/// <code>Get-IpipTunnel -Namespace router1 | Remove-IpipTunnel</code>
/// <para>Removes router1's tunnels.</para>
/// </example>
[Cmdlet(VerbsCommon.Remove, "IpipTunnel", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveIpipTunnelCommand : MigrationToolsCmdlet
{
    /// <summary>The namespace.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("NetNs")]
    [ArgumentCompleter(typeof(NetNsNameCompleter))]
    public string Namespace { get; set; } = null!;

    /// <summary>The tunnel name.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(TunnelNameCompleter))]
    public string Name { get; set; } = null!;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        Invoke(Name, () =>
        {
            if (ShouldProcess($"{Namespace}/{Name}", "Remove IPIP tunnel"))
            {
                TunnelManager.Remove(Namespace, Name, CancellationToken);
            }
        });
    }
}
