using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Engine.Labs;
using MigrationTools.Engine.Links;

namespace MigrationTools.Commands;

/// <summary>Brings an interface up or down, or changes its MTU.</summary>
/// <remarks>
/// Changes only what is given. With -PassThru the interface is returned as it is afterwards. Bringing a link of a
/// lab node up again also adds back the node's lab routes that the kernel dropped when it went down (its IPv6
/// addresses are kept: lab namespaces set keep_addr_on_down); Get-NetLab shows what else differs, Repair-NetLab
/// puts it right.
/// </remarks>
/// <example>
/// <code>Set-NetNsLink -Namespace A -Name a-b -State Down</code>
/// <para>Takes a-b down.</para>
/// </example>
/// <example>
/// <code>Set-NetNsLink -Namespace A -Name a-b -Mtu 1400 -PassThru</code>
/// <para>Sets the MTU and shows the interface.</para>
/// </example>
[Cmdlet(VerbsCommon.Set, "NetNsLink", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(NetInterface))]
public sealed class SetNetNsLinkCommand : MigrationToolsCmdlet
{
    /// <summary>The namespace.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("NetNs")]
    [ArgumentCompleter(typeof(NetNsNameCompleter))]
    public string Namespace { get; set; } = null!;

    /// <summary>The interface name.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(InterfaceNameCompleter))]
    public string Name { get; set; } = null!;

    /// <summary>Up or Down.</summary>
    [Parameter]
    public LinkState? State { get; set; }

    /// <summary>The new MTU.</summary>
    [Parameter]
    [ValidateRange(68, 65535)]
    public int? Mtu { get; set; }

    /// <summary>Return the interface afterwards.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        Invoke(Name, () =>
        {
            LinkManager.Get(Namespace, Name, CancellationToken);
            if (ShouldProcess($"{Namespace}/{Name}", $"Set link{(State is null ? string.Empty : " " + State)}{(Mtu is null ? string.Empty : " mtu " + Mtu)}"))
            {
                LinkManager.Set(Namespace, Name, State is null ? null : State == LinkState.Up, Mtu, CancellationToken);
                if (State == LinkState.Up)
                {
                    // The kernel dropped the routes through the link when it went down; a lab's come back with it.
                    foreach (var restored in LabManager.RestoreRoutes(Namespace, CancellationToken))
                    {
                        WriteVerbose($"Restored the lab route {restored.Item} of node {restored.Node} ({restored.Action}).");
                    }
                }
                if (PassThru)
                {
                    WriteObject(LinkManager.Get(Namespace, Name, CancellationToken));
                }
            }
        });
    }
}

/// <summary>Administrative state of an interface.</summary>
public enum LinkState
{
    /// <summary>Up.</summary>
    Up,
    /// <summary>Down.</summary>
    Down,
}
