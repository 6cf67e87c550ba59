using System.Linq;
using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Engine.Addressing;

namespace MigrationTools.Commands;

/// <summary>Lists the addresses inside a namespace.</summary>
/// <remarks>One object per address, with its interface, prefix length, family and scope.</remarks>
/// <example>
/// <code>Get-NetNsAddress -Namespace A -AddressFamily IPv6</code>
/// <para>Lists the IPv6 addresses of A.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "NetNsAddress")]
[OutputType(typeof(NetAddress))]
public sealed class GetNetNsAddressCommand : MigrationToolsCmdlet
{
    /// <summary>The namespace.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NetNsNameCompleter))]
    public string Namespace { get; set; } = null!;

    /// <summary>Only addresses on this interface.</summary>
    [Parameter(Position = 1)]
    [ArgumentCompleter(typeof(InterfaceNameCompleter))]
    public string? Interface { get; set; }

    /// <summary>Only addresses of this family.</summary>
    [Parameter]
    public IpFamily? AddressFamily { get; set; }

    /// <inheritdoc />
    protected override bool RequiresRoot => false;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        Invoke(Namespace, () =>
        {
            var addresses = AddressManager.List(Namespace, Interface, CancellationToken)
                .Where(a => AddressFamily is null || a.AddressFamily == AddressFamily);
            WriteObject(addresses, enumerateCollection: true);
        });
    }
}
