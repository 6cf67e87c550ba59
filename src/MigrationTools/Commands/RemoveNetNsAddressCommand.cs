using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Links;

namespace MigrationTools.Commands;

/// <summary>Removes an address from an interface inside a namespace.</summary>
/// <remarks>
/// -Address may carry its prefix length or not; without one, the address is removed whatever its prefix.
/// Accepts the objects of Get-NetNsAddress from the pipeline. A missing address is an ObjectNotFound error
/// (AddressNotFound).
/// </remarks>
/// <example>
/// <code>Remove-NetNsAddress -Namespace A -Interface a-b -Address fd00:ab::a</code>
/// <para>Removes the address.</para>
/// </example>
/// <example>
/// <code>Get-NetNsAddress -Namespace A -AddressFamily IPv6 | Where-Object Scope -eq global | Remove-NetNsAddress</code>
/// <para>Removes the global IPv6 addresses of A.</para>
/// </example>
[Cmdlet(VerbsCommon.Remove, "NetNsAddress", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveNetNsAddressCommand : MigrationToolsCmdlet
{
    /// <summary>The namespace.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("NetNs")]
    [ArgumentCompleter(typeof(NetNsNameCompleter))]
    public string Namespace { get; set; } = null!;

    /// <summary>The interface the address is on.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("InterfaceAlias")]
    [ArgumentCompleter(typeof(InterfaceNameCompleter))]
    public string Interface { get; set; } = null!;

    /// <summary>The address, with or without its prefix length.</summary>
    [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
    [Alias("IPAddress")]
    [ArgumentCompleter(typeof(AddressCompleter))]
    public string Address { get; set; } = null!;

    /// <summary>The prefix length, when -Address has none (an address object from Get-NetNsAddress binds it).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, 128)]
    public int? PrefixLength { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        Invoke(Address, () =>
        {
            var prefix = IpPrefix.Parse(Address, PrefixLength);
            if (ShouldProcess($"{Namespace}/{Interface}", "Remove address " + prefix))
            {
                AddressManager.Remove(Namespace, Interface, prefix, CancellationToken);
            }
        });
    }
}
