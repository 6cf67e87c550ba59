using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Engine.Labs;

namespace MigrationTools.Commands;

/// <summary>Puts a lab back as its lab file describes it, and says what it did.</summary>
/// <remarks>
/// Reads the live lab as Get-NetLab -Detailed does and re-applies, in the order a build makes them, what is missing
/// or changed: namespaces removed by hand are made again (and recorded as the lab's), then veth links (a link with
/// one end left is made again whole), links that are down, MTUs, addresses, nftables tables, tunnels and their relays,
/// sysctls and forwarding, routes (the kernel drops them with a link that goes down), flow mappings and rate limits.
/// It is idempotent: a lab that has not drifted gets nothing, and a second run finds nothing left. Each difference
/// is written with Action: repaired, failed (with the reason), or left alone (a namespace of the lab's name that is
/// not the lab's). A lab still being built, or whose build never finished, is refused (LabBusy).
/// </remarks>
/// <example>
/// <code>Get-NetLab | Where-Object Status -in 'Drifted', 'Damaged' | Repair-NetLab</code>
/// <para>Repairs every lab that no longer matches its file.</para>
/// </example>
/// <example>
/// <code>Repair-NetLab -Name q1-quic-lb -WhatIf</code>
/// <para>Shows what would be repaired.</para>
/// </example>
[Cmdlet(VerbsDiagnostic.Repair, "NetLab", SupportsShouldProcess = true)]
[OutputType(typeof(LabDifference))]
public sealed class RepairNetLabCommand : MigrationToolsCmdlet
{
    /// <summary>The labs to repair (lab objects from Get-NetLab bind by their Name).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(LabNameCompleter))]
    public string[] Name { get; set; } = null!;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var name in Name)
        {
            Invoke(name, () =>
            {
                var differences = LabManager.Differences(name);
                if (differences.Count == 0)
                {
                    WriteVerbose($"Lab '{name}' matches its file; nothing to repair.");
                    return;
                }

                if (ShouldProcess($"{name} ({differences.Count} difference(s): {string.Join("; ", System.Linq.Enumerable.Take(differences, 3))}{(differences.Count > 3 ? "; ..." : string.Empty)})", "Repair lab"))
                {
                    WriteObject(LabManager.Repair(name, CancellationToken), enumerateCollection: true);
                }
            });
        }
    }
}
