using System.Linq;
using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Core.Errors;
using MigrationTools.Engine.Namespaces;

namespace MigrationTools.Commands;

/// <summary>Lists network namespaces with their interfaces and addresses.</summary>
/// <remarks>
/// Lists every named namespace, including those made with `ip netns add` or by other tools, with its
/// interfaces, addresses and IP forwarding state. -Name takes wildcards; a name without wildcards that
/// matches nothing is an ObjectNotFound error (NetNsNotFound). Does not need root, but the forwarding
/// state is only read as root.
/// </remarks>
/// <example>
/// <code>Get-NetNs</code>
/// <para>Lists all namespaces.</para>
/// </example>
/// <example>
/// <code>Get-NetNs lab-* | Remove-NetNs</code>
/// <para>Removes every namespace whose name starts with lab-.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "NetNs")]
[OutputType(typeof(NetNamespace))]
public sealed class GetNetNsCommand : MigrationToolsCmdlet
{
    /// <summary>Names or wildcard patterns of the namespaces to get. All when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NetNsNameCompleter))]
    public string[]? Name { get; set; }

    /// <inheritdoc />
    protected override bool RequiresRoot => false;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        Invoke(null, () =>
        {
            var all = NetNsManager.ListNames();
            var patterns = Name ?? new[] { "*" };
            foreach (var pattern in patterns)
            {
                var wildcard = new WildcardPattern(pattern, WildcardOptions.None);
                var matches = all.Where(wildcard.IsMatch).ToArray();
                if (matches.Length == 0 && !WildcardPattern.ContainsWildcardCharacters(pattern))
                {
                    WriteError(ToErrorRecord(ErrorCatalog.NetNsNotFound($"The network namespace '{pattern}' does not exist.", pattern), pattern));
                    continue;
                }

                foreach (var name in matches)
                {
                    Invoke(name, () => WriteObject(NetNsManager.Get(name, CancellationToken)));
                }
            }
        });
    }
}
