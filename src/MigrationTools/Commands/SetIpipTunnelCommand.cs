using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Engine.Namespaces;
using MigrationTools.Engine.Tunnels;

namespace MigrationTools.Commands;

/// <summary>Creates an IP-in-IP tunnel in a namespace, or brings an existing one to the given settings.</summary>
/// <remarks>
/// Set semantics: the tunnel is created when missing, changed when its settings differ, and left alone when they
/// match, and is up afterwards, ready for addresses and routes. -Local must be an IPv4 address of the namespace
/// and -Remote IPv4 (IpipAddressNotIPv4, IpipLocalAddressNotFound); a name taken by another kind of link is
/// ResourceExists (InterfaceNameTaken).
///
/// -Mode Kernel uses the kernel's ipip device, as `ip link add NAME type ipip local L remote R` does; on a kernel
/// without the ipip module that is a NotSupported error (IpipKernelUnsupported). -Mode Userspace creates a
/// persistent TUN device of that name and starts the module's relay process inside the namespace: a real RFC 2003
/// implementation over a raw socket of IP protocol 4, wire-compatible with a kernel ipip peer. Where the kernel has
/// TCX (Linux 6.6 or later) the relay also attaches traffic-control programs that encapsulate and decapsulate in
/// the kernel (Counters.FastPath says where; MIGRATIONTOOLS_IPIP_FASTPATH=off in the session leaves every packet to
/// the relay), at nearly the speed of the underlay; they go with the relay. The relay outlives
/// the command and the PowerShell session; Get-IpipTunnel shows whether it runs, and Set-IpipTunnel restarts it
/// if it died (the device, its addresses and routes stay). -Mode Auto (default) takes the kernel device where the
/// kernel has ipip and the userspace relay elsewhere, and says which in the verbose stream and the Mode property.
/// The userspace MTU defaults to 1480 (a 1500-byte underlay less the 20-byte outer header).
/// </remarks>
/// <example>
/// <code>Set-IpipTunnel -Namespace router1 -Name ipip0 -Local 10.220.0.254 -Remote 10.220.0.2</code>
/// <para>The load balancer's tunnel to the real server; on this machine the userspace relay.</para>
/// </example>
/// <example>
/// <code>Set-IpipTunnel -Namespace server -Name ipip0 -Local 10.220.0.2 -Remote 10.220.0.254 -Mode Userspace -Verbose</code>
/// <para>The server's end, which decapsulates the VIP's traffic.</para>
/// </example>
[Cmdlet(VerbsCommon.Set, "IpipTunnel", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(IpipTunnel))]
public sealed class SetIpipTunnelCommand : MigrationToolsCmdlet
{
    /// <summary>The namespace.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("NetNs")]
    [ArgumentCompleter(typeof(NetNsNameCompleter))]
    public string Namespace { get; set; } = null!;

    /// <summary>The tunnel device name (at most 15 bytes).</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(TunnelNameCompleter))]
    public string Name { get; set; } = null!;

    /// <summary>The local underlay IPv4 address: the outer source, an address of the namespace.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public string Local { get; set; } = null!;

    /// <summary>The remote underlay IPv4 address: the outer destination.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public string Remote { get; set; } = null!;

    /// <summary>The outer TTL (0: inherit in kernel mode, 64 in userspace mode).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, 255)]
    public int Ttl { get; set; }

    /// <summary>The outer TOS byte.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, 255)]
    public int Tos { get; set; }

    /// <summary>The tunnel device MTU.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(68, 65515)]
    public int? Mtu { get; set; }

    /// <summary>Auto (default), Kernel or Userspace.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public TunnelMode Mode { get; set; } = TunnelMode.Auto;

    /// <summary>Return the tunnel.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>The object the pipeline gives (bound by its properties); only the kinds this cmdlet acts on are taken.</summary>
    [Parameter(ValueFromPipeline = true, DontShow = true)]
    public PSObject? InputObject { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (!AcceptsInput(InputObject, typeof(NetNamespace), typeof(IpipTunnel)))
        {
            return;
        }

        Invoke(Name, () =>
        {
            var spec = TunnelManager.Validate(Namespace, Name, Local, Remote, Ttl, Tos, Mtu, Mode);
            if (ShouldProcess($"{Namespace}/{Name}", $"Set IPIP tunnel {Local} -> {Remote} ({Mode})"))
            {
                var (tunnel, note) = TunnelManager.Set(spec, CancellationToken);
                WriteVerbose($"{Namespace}/{Name}: {note}.");
                if (PassThru)
                {
                    WriteObject(tunnel);
                }
            }
        });
    }
}
