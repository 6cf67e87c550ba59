using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Engine.Links;
using MigrationTools.Engine.Namespaces;

namespace MigrationTools.Commands;

/// <summary>Joins two network namespaces with a veth pair.</summary>
/// <remarks>
/// Creates a veth pair whose first end (-Interface) is in -Name and whose second end (-PeerInterface) is
/// in -Peer, and brings both up. Everything is checked before anything is made: both namespaces must exist
/// (NetNsNotFound), neither interface name may be taken (InterfaceExists), names must be valid interface
/// names of at most 15 bytes (InvalidInterfaceName). If a step fails after the pair was created, the pair
/// is deleted again. Remove it with Remove-NetNsLink on either end.
/// </remarks>
/// <example>
/// <code>Connect-NetNs -Name A -Peer B -Interface a-b -PeerInterface b-a</code>
/// <para>Creates a-b in A and b-a in B, both up.</para>
/// </example>
[Cmdlet(VerbsCommunications.Connect, "NetNs", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(VethPair))]
public sealed class ConnectNetNsCommand : MigrationToolsCmdlet
{
    /// <summary>The namespace of the first end.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Namespace")]
    [ArgumentCompleter(typeof(NetNsNameCompleter))]
    public string Name { get; set; } = null!;

    /// <summary>The namespace of the second end (may be the same namespace).</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [Alias("PeerNamespace")]
    [ArgumentCompleter(typeof(NetNsNameCompleter))]
    public string Peer { get; set; } = null!;

    /// <summary>The interface name of the first end (at most 15 bytes).</summary>
    [Parameter(Mandatory = true, Position = 2)]
    [Alias("InterfaceAlias")]
    public string Interface { get; set; } = null!;

    /// <summary>The interface name of the second end (at most 15 bytes).</summary>
    [Parameter(Mandatory = true, Position = 3)]
    public string PeerInterface { get; set; } = null!;

    /// <summary>The MTU of both ends (68 to 65535). The kernel default (1500) when omitted.</summary>
    [Parameter]
    [ValidateRange(68, 65535)]
    public int? Mtu { get; set; }

    /// <summary>The object the pipeline gives (bound by its properties); only the kinds this cmdlet acts on are taken.</summary>
    [Parameter(ValueFromPipeline = true, DontShow = true)]
    public PSObject? InputObject { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (!AcceptsInput(InputObject, typeof(NetNamespace)))
        {
            return;
        }

        Invoke(Interface, () =>
        {
            Engine.Validation.NameValidator.EnsureInterfaceName(Interface);
            Engine.Validation.NameValidator.EnsureInterfaceName(PeerInterface);
            if (ShouldProcess($"{Name}/{Interface} <-> {Peer}/{PeerInterface}", "Create veth pair"))
            {
                WriteObject(LinkManager.ConnectVeth(Name, Interface, Peer, PeerInterface, Mtu, CancellationToken));
            }
        });
    }
}
