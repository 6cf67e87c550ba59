using System.Linq;
using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Core.Errors;
using MigrationTools.Engine.Labs;
using MigrationTools.Engine.Namespaces;

namespace MigrationTools.Commands;

/// <summary>Lists network namespaces with their interfaces and addresses.</summary>
/// <remarks>
/// Lists every named namespace, including those made with `ip netns add` or by other tools, with its
/// interfaces, addresses and IP forwarding state. -Name takes wildcards; a name without wildcards that
/// matches nothing is an ObjectNotFound error (NetNsNotFound); a lab piped in (or -Lab) lists the lab's
/// namespaces. Does not need root, but the forwarding
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
/// <example>
/// <code>Get-NetLab q1-quic-lb | Get-NetNs</code>
/// <para>Lists the namespaces of a lab.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "NetNs", DefaultParameterSetName = NameSet)]
[OutputType(typeof(NetNamespace))]
public sealed class GetNetNsCommand : MigrationToolsCmdlet
{
    private const string NameSet = "Name";
    private const string LabSet = "Lab";

    /// <summary>Names or wildcard patterns of the namespaces to get. All when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = NameSet)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NetNsNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>A lab (from Get-NetLab or New-NetLab): its namespaces, not a namespace named after the lab.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = LabSet)]
    public NetLab Lab { get; set; } = null!;

    /// <inheritdoc />
    protected override bool RequiresRoot => false;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ParameterSetName == LabSet)
        {
            foreach (var name in Lab.Namespaces.OrderBy(n => n.Key, System.StringComparer.Ordinal).Select(n => n.Value))
            {
                Invoke(name, () => WriteObject(NetNsManager.Get(name, CancellationToken)));
            }

            return;
        }

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
