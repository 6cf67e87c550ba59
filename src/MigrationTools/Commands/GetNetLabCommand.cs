using System.Linq;
using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Core.Errors;
using MigrationTools.Engine.Labs;
using MigrationTools.Labs;

namespace MigrationTools.Commands;

/// <summary>Lists the labs the module built on this machine, or the labs shipped with it.</summary>
/// <remarks>
/// Labs are found from their state under /run/migrationtools/labs, whichever session built them. Status says
/// whether a lab is Complete, still Building, Incomplete (its builder ended before it was done: remove it),
/// Damaged (some of its namespaces were removed by hand) or Drifted: run as root, Get-NetLab compares each lab with
/// its file (links present and up, MTUs, addresses, nftables tables, tunnels and relays, sysctls and forwarding,
/// routes, flow mappings, rate limits) and Differences says what differs; -Detailed writes each difference as an
/// object. Repair-NetLab puts it right. -Name takes wildcards. -Available lists the lab files
/// shipped with the module instead, for New-NetLab -Template.
/// </remarks>
/// <example>
/// <code>Get-NetLab</code>
/// <para>Lists every lab on the machine.</para>
/// </example>
/// <example>
/// <code>Get-NetLab -Detailed | Format-Table Lab, Node, Kind, Item, Expected, Actual</code>
/// <para>Lists every way the labs differ from their files.</para>
/// </example>
/// <example>
/// <code>Get-NetLab -Available</code>
/// <para>Lists the shipped labs.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "NetLab", DefaultParameterSetName = BuiltSet)]
[OutputType(typeof(NetLab), typeof(LabDifference), ParameterSetName = new[] { BuiltSet })]
[OutputType(typeof(NetLabTemplate), ParameterSetName = new[] { AvailableSet })]
public sealed class GetNetLabCommand : MigrationToolsCmdlet
{
    private const string BuiltSet = "Built";
    private const string AvailableSet = "Available";

    /// <summary>Lab names or wildcard patterns; all when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = BuiltSet)]
    [Parameter(Position = 0, ParameterSetName = AvailableSet)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(LabNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Write how each lab differs from its file, one object per difference (kind, item, expected, actual), instead of the labs.</summary>
    [Parameter(ParameterSetName = BuiltSet)]
    public SwitchParameter Detailed { get; set; }

    /// <summary>List the labs shipped with the module instead of the built ones.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AvailableSet)]
    public SwitchParameter Available { get; set; }

    /// <inheritdoc />
    protected override bool RequiresRoot => false;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        Invoke(null, () =>
        {
            var patterns = (Name ?? new[] { "*" }).Select(p => new WildcardPattern(p, WildcardOptions.IgnoreCase)).ToArray();
            if (Available)
            {
                foreach (var path in LabTemplates.Paths())
                {
                    var name = System.IO.Path.GetFileNameWithoutExtension(path);
                    if (patterns.Any(p => p.IsMatch(name)))
                    {
                        Invoke(path, () =>
                        {
                            var definition = LabFileReader.Read(path);
                            WriteObject(new NetLabTemplate(name, path, definition.Description, definition.Nodes.Keys.Order().ToArray()));
                        });
                    }
                }

                return;
            }

            var labs = LabManager.List();
            foreach (var pattern in Name ?? new[] { "*" })
            {
                var wildcard = new WildcardPattern(pattern, WildcardOptions.IgnoreCase);
                var matches = labs.Where(l => wildcard.IsMatch(l.Name)).ToArray();
                if (matches.Length == 0 && !WildcardPattern.ContainsWildcardCharacters(pattern))
                {
                    WriteError(ToErrorRecord(ErrorCatalog.LabNotFound($"There is no lab named '{pattern}'.", pattern), pattern));
                }

                if (!Detailed)
                {
                    foreach (var lab in matches)
                    {
                        // A lab across hosts is as its hosts say (asked over remoting).
                        Invoke(lab.Name, () => WriteObject(LabManager.Record(lab.Name) is { Whole: not null } record ? DistributedLabs.Describe(Hosts, record, lab) : lab));
                    }

                    continue;
                }

                foreach (var lab in matches)
                {
                    Invoke(lab.Name, () => WriteObject(LabManager.Differences(lab.Name), enumerateCollection: true));
                }
            }
        });
    }
}
