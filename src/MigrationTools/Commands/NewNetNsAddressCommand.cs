using System.Collections.Generic;
using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Links;
using MigrationTools.Engine.Namespaces;

namespace MigrationTools.Commands;

/// <summary>Adds IPv4 or IPv6 addresses to an interface inside a namespace.</summary>
/// <remarks>
/// Each -Address is `address/prefix` (a bare address is a host address: /32 or /128). IPv6 addresses are
/// added with `nodad`, so they are usable at once instead of staying tentative during duplicate address
/// detection. An address already present in the namespace is a ResourceExists error (AddressExists);
/// a malformed one is InvalidIpPrefix; all addresses are checked before any is added.
/// </remarks>
/// <example>
/// <code>New-NetNsAddress -Namespace A -Interface a-b -Address fd00:ab::a/64</code>
/// <para>Adds an IPv6 address, usable at once.</para>
/// </example>
/// <example>
/// <code>New-NetNsAddress -Namespace client -Interface eth0 -Address 10.200.0.2/24, 10.210.0.2/24</code>
/// <para>Adds two IPv4 addresses.</para>
/// </example>
[Cmdlet(VerbsCommon.New, "NetNsAddress", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(NetAddress))]
public sealed class NewNetNsAddressCommand : MigrationToolsCmdlet
{
    /// <summary>The namespace.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("NetNs")]
    [ArgumentCompleter(typeof(NetNsNameCompleter))]
    public string Namespace { get; set; } = null!;

    /// <summary>The interface to add the addresses to.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("InterfaceAlias")]
    [ArgumentCompleter(typeof(InterfaceNameCompleter))]
    public string Interface { get; set; } = null!;

    /// <summary>Addresses in CIDR form, e.g. 10.200.0.2/24 or fd00:ab::a/64 (or bare, with -PrefixLength).</summary>
    [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [Alias("IPAddress")]
    public string[] Address { get; set; } = null!;

    /// <summary>The prefix length of addresses given without one (a bare address is otherwise a host address).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, 128)]
    public int? PrefixLength { get; set; }

    /// <summary>The object the pipeline gives (bound by its properties); only the kinds this cmdlet acts on are taken.</summary>
    [Parameter(ValueFromPipeline = true, DontShow = true)]
    public PSObject? InputObject { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (!AcceptsInput(InputObject, typeof(NetNamespace), typeof(NetInterface), typeof(NetAddress)))
        {
            return;
        }

        // Every address is checked before any is added, so a typo in the list changes nothing.
        var prefixes = new List<IpPrefix>(Address.Length);
        foreach (var text in Address)
        {
            Invoke(text, () => prefixes.Add(IpPrefix.Parse(text, PrefixLength)));
        }

        if (prefixes.Count != Address.Length)
        {
            return;
        }

        foreach (var prefix in prefixes)
        {
            Invoke(prefix.ToString(), () =>
            {
                if (ShouldProcess($"{Namespace}/{Interface}", "Add address " + prefix))
                {
                    WriteObject(AddressManager.Add(Namespace, Interface, prefix, CancellationToken));
                }
            });
        }
    }
}
