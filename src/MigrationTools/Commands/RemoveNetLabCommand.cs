using System.Linq;
using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Engine.Labs;
using MigrationTools.Labs;

namespace MigrationTools.Commands;

/// <summary>Removes labs: every namespace they made, with all that runs and is kept for them.</summary>
/// <remarks>
/// Removes each namespace the lab made (and with it its links, addresses, routes, tunnel relays, background
/// programs and flow mappings, and the module's state for them), then the lab's own state. It works on labs whose
/// builder was killed mid-build (Status Incomplete): the state names every namespace before any is made. A namespace
/// created later under the same name by someone else is left alone. -All removes every lab on the machine (the
/// equivalent of mn -c) and asks first, as a high-impact change does, unless -Force or -Confirm:$false is given; a lab
/// still being built by a running session is refused (LabBusy).
/// </remarks>
/// <example>
/// <code>Get-NetLab q1* | Remove-NetLab</code>
/// <para>Removes the labs whose names start with q1.</para>
/// </example>
/// <example>
/// <code>Remove-NetLab -All -Confirm:$false</code>
/// <para>Removes every lab, also those left by killed scripts.</para>
/// </example>
[Cmdlet(VerbsCommon.Remove, "NetLab", SupportsShouldProcess = true, DefaultParameterSetName = NameSet, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveNetLabCommand : MigrationToolsCmdlet
{
    private const string NameSet = "Name";
    private const string AllSet = "All";

    /// <summary>The labs to remove (lab objects from Get-NetLab bind by their Name).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = NameSet)]
    [ArgumentCompleter(typeof(LabNameCompleter))]
    public string[] Name { get; set; } = null!;

    /// <summary>Remove every lab on the machine (asks first unless -Force or -Confirm:$false).</summary>
    [Parameter(Mandatory = true, ParameterSetName = AllSet)]
    public SwitchParameter All { get; set; }

    /// <summary>With -All: do not ask first.</summary>
    [Parameter(ParameterSetName = AllSet)]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var names = All ? LabManager.List().Select(l => l.Name).ToArray() : Name;
        // -All is a high-impact change: it asks once, whatever $ConfirmPreference says, unless -Force, -WhatIf or
        // -Confirm (either way: -Confirm asks per lab, -Confirm:$false not at all) says otherwise.
        var bound = MyInvocation.BoundParameters;
        if (All && names.Length > 0 && !Force && !bound.ContainsKey("Confirm") && !bound.ContainsKey("WhatIf")
            && !ShouldContinue($"Remove all {names.Length} lab(s) on this machine ({string.Join(", ", names)}) and their namespaces?", "Remove-NetLab -All"))
        {
            return;
        }

        foreach (var name in names)
        {
            Invoke(name, () =>
            {
                var lab = LabManager.Get(name);
                if (ShouldProcess($"{name} ({string.Join(", ", lab.Namespaces.Values)})", "Remove lab and its namespaces"))
                {
                    if (LabManager.Record(name) is { Whole: not null } record)
                    {
                        DistributedLabs.Remove(Hosts, ThisModule, record);
                    }
                    else
                    {
                        LabManager.Remove(name, CancellationToken);
                    }
                }
            });
        }
    }
}
