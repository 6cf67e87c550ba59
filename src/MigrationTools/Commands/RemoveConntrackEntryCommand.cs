using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Conntrack;

namespace MigrationTools.Commands;

/// <summary>Deletes connection tracking entries of a namespace.</summary>
/// <remarks>
/// Takes entries from Get-ConntrackEntry on the pipeline (each deleted exactly, by tuple, zone and id), or a
/// filter (-Destination, -Source, -Protocol) whose matching entries are deleted. The next packet of a deleted
/// flow is looked up afresh by NAT: this is how a switched mapping takes effect for a running flow. Entries
/// that expired meanwhile are not errors. With -PassThru the number of deleted entries is returned.
/// </remarks>
/// <example>
/// <code>Remove-ConntrackEntry -Namespace A -Destination fe00::1</code>
/// <para>Deletes the entries of flows to fe00::1, as `conntrack -D -d fe00::1` would.</para>
/// </example>
[Cmdlet(VerbsCommon.Remove, "ConntrackEntry", SupportsShouldProcess = true, DefaultParameterSetName = FilterSet, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(ConntrackEntry))]
public sealed class RemoveConntrackEntryCommand : MigrationToolsCmdlet
{
    private const string FilterSet = "Filter";
    private const string EntrySet = "Entry";
    private readonly List<ConntrackEntry> _entries = new();

    /// <summary>Entries from Get-ConntrackEntry.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = EntrySet)]
    public ConntrackEntry[] InputObject { get; set; } = null!;

    /// <summary>The namespace (with a filter). Not bound from the pipeline: an entry piped in must never widen into a purge of its namespace.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = FilterSet)]
    [Alias("NetNs")]
    [ArgumentCompleter(typeof(NetNsNameCompleter))]
    public string Namespace { get; set; } = null!;

    /// <summary>Delete entries whose original destination is this address.</summary>
    [Parameter(ParameterSetName = FilterSet)]
    [ArgumentCompleter(typeof(AddressCompleter))]
    public string? Destination { get; set; }

    /// <summary>Delete entries whose original source is this address.</summary>
    [Parameter(ParameterSetName = FilterSet)]
    [ArgumentCompleter(typeof(AddressCompleter))]
    public string? Source { get; set; }

    /// <summary>Delete entries of this protocol (name or number).</summary>
    [Parameter(ParameterSetName = FilterSet)]
    [ArgumentCompleter(typeof(ProtocolCompleter))]
    public string? Protocol { get; set; }

    /// <summary>Delete entries of this family only.</summary>
    [Parameter(ParameterSetName = FilterSet)]
    public IpFamily? AddressFamily { get; set; }

    /// <summary>Return the entries that were deleted.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ParameterSetName == EntrySet)
        {
            _entries.AddRange(InputObject);
            return;
        }

        Invoke(Namespace, () =>
        {
            var filter = ConntrackFilter.Parse(Destination, Source, Protocol, AddressFamily);
            if (ShouldProcess(Namespace, "Delete conntrack entries matching " + filter))
            {
                var removed = ConntrackTable.Purge(Namespace, filter);
                WriteVerbose($"Deleted {removed.Count} conntrack entries in '{Namespace}'.");
                if (PassThru)
                {
                    WriteObject(removed, enumerateCollection: true);
                }
            }
        });
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        // Pipeline input is collected and deleted per namespace with one socket each.
        foreach (var group in _entries.GroupBy(e => e.Namespace))
        {
            var entries = group.Where(e => ShouldProcess($"{e} in {e.Namespace}", "Delete conntrack entry")).ToArray();
            if (entries.Length == 0)
            {
                continue;
            }

            Invoke(group.Key, () =>
            {
                var removed = ConntrackTable.Remove(group.Key, entries);
                WriteVerbose($"Deleted {removed.Count} conntrack entries in '{group.Key}'.");
                if (PassThru)
                {
                    WriteObject(removed, enumerateCollection: true);
                }
            });
        }

        base.EndProcessing();
    }
}
