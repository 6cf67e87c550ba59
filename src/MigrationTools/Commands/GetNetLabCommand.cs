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
/// whether a lab is Complete, still Building, Incomplete (its builder ended before it was done: remove it) or
/// Damaged (some of its namespaces were removed by hand). -Name takes wildcards. -Available lists the lab files
/// shipped with the module instead, for New-NetLab -Template.
/// </remarks>
/// <example>
/// <code>Get-NetLab</code>
/// <para>Lists every lab on the machine.</para>
/// </example>
/// <example>
/// <code>Get-NetLab -Available</code>
/// <para>Lists the shipped labs.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "NetLab", DefaultParameterSetName = BuiltSet)]
[OutputType(typeof(NetLab), ParameterSetName = new[] { BuiltSet })]
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

                WriteObject(matches, enumerateCollection: true);
            }
        });
    }
}
