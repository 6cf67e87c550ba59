using System.Linq;
using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Core.Errors;
using MigrationTools.Engine.Links;

namespace MigrationTools.Commands;

/// <summary>Lists the interfaces inside a network namespace.</summary>
/// <remarks>
/// Returns each interface with its kind (veth, loopback, tun, ipip, ...), state, MTU, link-layer address and
/// addresses. -Name takes wildcards; a plain name that matches nothing is an ObjectNotFound error.
/// </remarks>
/// <example>
/// <code>Get-NetNsLink -Namespace A</code>
/// <para>Lists the interfaces of A.</para>
/// </example>
/// <example>
/// <code>Get-NetNs lab-* | Get-NetNsLink -Name veth*</code>
/// <para>Lists the veth ends of every lab namespace.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "NetNsLink")]
[OutputType(typeof(NetInterface))]
public sealed class GetNetNsLinkCommand : NamespaceListingCmdlet
{
    /// <summary>Interface names or wildcard patterns. All when omitted.</summary>
    [Parameter(Position = 1)]
    [SupportsWildcards]
    [Alias("InterfaceAlias")]
    [ArgumentCompleter(typeof(InterfaceNameCompleter))]
    public string[]? Name { get; set; }

    /// <inheritdoc />
    protected override bool RequiresRoot => false;

    /// <inheritdoc />
    protected override void List(string @namespace)
    {
        var links = LinkManager.List(@namespace, CancellationToken);
        foreach (var pattern in Name ?? new[] { "*" })
        {
            var wildcard = new WildcardPattern(pattern);
            var matches = links.Where(l => wildcard.IsMatch(l.Name)).ToArray();
            if (matches.Length == 0 && !WildcardPattern.ContainsWildcardCharacters(pattern))
            {
                WriteError(ToErrorRecord(ErrorCatalog.InterfaceNotFound($"There is no interface '{pattern}' in namespace '{@namespace}'.", pattern), pattern));
            }

            WriteObject(matches, enumerateCollection: true);
        }
    }
}
