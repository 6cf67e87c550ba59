using System;
using System.Linq;
using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Core.Errors;
using MigrationTools.Engine.Statistics;
using MigrationTools.Engine.Validation;

namespace MigrationTools.Commands;

/// <summary>Reads a namespace's protocol counters (ICMP, UDP, TCP, IP; IPv4 and IPv6).</summary>
/// <remarks>
/// The kernel's per-namespace SNMP and netstat counters, e.g. Icmp6InEchos (echo requests that arrived),
/// IcmpInEchos, UdpInDatagrams, Udp6InDatagrams, TcpActiveOpens. Read before and after an experiment to count
/// what reached each namespace: this is how the flow migration lab tells where echo requests landed.
/// -Name takes wildcards; a name without wildcards that names no counter is a CounterNotFound error that suggests
/// the closest names.
/// </remarks>
/// <example>
/// <code>Get-NetNsCounter -Namespace C, D -Name Icmp6InEchos</code>
/// <para>How many IPv6 echo requests reached C and D.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "NetNsCounter")]
[OutputType(typeof(NetNsCounter))]
public sealed class GetNetNsCounterCommand : NamespaceListingCmdlet
{
    /// <summary>Counter names or wildcard patterns (all when omitted).</summary>
    [Parameter(Position = 1)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(CounterNameCompleter))]
    public string[]? Name { get; set; }

    /// <inheritdoc />
    protected override void List(string @namespace)
    {
        var patterns = (Name ?? new[] { "*" }).Select(p => new WildcardPattern(p, WildcardOptions.IgnoreCase)).ToArray();
        var counters = CounterReader.Read(@namespace);
        WriteObject(counters.Where(c => patterns.Any(p => p.IsMatch(c.Name))), enumerateCollection: true);
        // A name without wildcards that names no counter is a typo, not an empty answer.
        foreach (var name in (Name ?? Array.Empty<string>()).Where(n => !WildcardPattern.ContainsWildcardCharacters(n) && !counters.Any(c => string.Equals(c.Name, n, StringComparison.OrdinalIgnoreCase))))
        {
            var close = NameSuggestions.Closest(name, counters.Select(c => c.Name).Distinct());
            WriteError(ToErrorRecord(ErrorCatalog.CounterNotFound($"There is no counter '{name}' in '{@namespace}'." + (close.Count > 0 ? $" Did you mean {string.Join(", ", close)}?" : " List them with Get-NetNsCounter -Namespace " + @namespace + "."), name), name));
        }
    }
}
