using System;
using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Engine.Addressing;
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

/// <summary>Parameters and work shared by Enable- and Disable-NetNsForwarding.</summary>
public abstract class ForwardingCommandBase : MigrationToolsCmdlet
{
    /// <summary>The namespaces.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(NetNsNameCompleter))]
    public string[] Namespace { get; set; } = null!;

    /// <summary>The families to change (both when omitted).</summary>
    [Parameter]
    public IpFamily[] AddressFamily { get; set; } = { IpFamily.IPv4, IpFamily.IPv6 };

    /// <summary>Return the namespace afterwards.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>True to enable, false to disable.</summary>
    protected abstract bool Enable { get; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var name in Namespace)
        {
            Invoke(name, () =>
            {
                NetNsManager.EnsureExists(name);
                if (!ShouldProcess(name, $"{(Enable ? "Enable" : "Disable")} {string.Join(" and ", AddressFamily)} forwarding"))
                {
                    return;
                }

                foreach (var family in AddressFamily)
                {
                    NetNsSysctl.SetForwarding(name, family, Enable);
                }

                if (PassThru)
                {
                    WriteObject(NetNsManager.Get(name, CancellationToken));
                }
            });
        }
    }
}
