using System.Linq;
using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Links;

namespace MigrationTools.Commands;

/// <summary>Lists the addresses inside a namespace.</summary>
/// <remarks>One object per address, with its interface, prefix length, family and scope.</remarks>
/// <example>
/// <code>Get-NetNsAddress -Namespace A -AddressFamily IPv6</code>
/// <para>Lists the IPv6 addresses of A.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "NetNsAddress")]
[OutputType(typeof(NetAddress))]
public sealed class GetNetNsAddressCommand : NamespaceListingCmdlet
{
    /// <summary>Only addresses on this interface (an interface object from Get-NetNsLink binds here).</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("InterfaceAlias")]
    [ArgumentCompleter(typeof(InterfaceNameCompleter))]
    public string? Interface { get; set; }

    /// <summary>Only addresses of this family.</summary>
    [Parameter]
    public IpFamily? AddressFamily { get; set; }

    /// <inheritdoc />
    protected override bool RequiresRoot => false;

    /// <inheritdoc />
    protected override void List(string @namespace) =>
        WriteObject(AddressManager.List(@namespace, Interface, CancellationToken).Where(a => AddressFamily is null || a.AddressFamily == AddressFamily), enumerateCollection: true);
}
