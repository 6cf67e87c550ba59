using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Conntrack;

namespace MigrationTools.Commands;

/// <summary>Lists the connection tracking entries of a namespace.</summary>
/// <remarks>
/// Reads the namespace's conntrack table over ctnetlink (no conntrack process). -Destination and -Source match
/// the original direction (for a mapped flow, the destination is the virtual address; TranslatedDestination shows
/// the target it went to). -Protocol takes a name (icmp, icmpv6, tcp, udp, sctp) or a number.
/// </remarks>
/// <example>
/// <code>Get-ConntrackEntry -Namespace A -Destination fe00::1</code>
/// <para>Shows the flows to the virtual address and where each is translated to.</para>
/// </example>
/// <example>
/// <code>Get-ConntrackEntry -Namespace A -Protocol udp | Remove-ConntrackEntry</code>
/// <para>Forgets every UDP flow of A.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "ConntrackEntry")]
[OutputType(typeof(ConntrackEntry))]
public sealed class GetConntrackEntryCommand : NamespaceListingCmdlet
{
    /// <summary>Only entries whose original destination is this address.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(AddressCompleter))]
    public string? Destination { get; set; }

    /// <summary>Only entries whose original source is this address.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(AddressCompleter))]
    public string? Source { get; set; }

    /// <summary>Only entries of this protocol (name or number).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ProtocolCompleter))]
    public string? Protocol { get; set; }

    /// <summary>Only entries of this family.</summary>
    [Parameter]
    public IpFamily? AddressFamily { get; set; }

    /// <inheritdoc />
    protected override void List(string @namespace) =>
        WriteObject(ConntrackTable.List(@namespace, ConntrackFilter.Parse(Destination, Source, Protocol, AddressFamily)), enumerateCollection: true);
}
