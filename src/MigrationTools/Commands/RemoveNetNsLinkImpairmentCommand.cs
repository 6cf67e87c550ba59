using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Engine.Links.Impairments;

namespace MigrationTools.Commands;

/// <summary>Takes an impairment off an interface.</summary>
/// <remarks>
/// The root qdisc goes back to the kernel's default and the random-drop rule goes. An interface without an
/// impairment set by the module is ImpairmentNotFound. Objects of Get-NetNsLinkImpairment bind from the pipeline.
/// </remarks>
/// <example>
/// <code>Get-NetNsLinkImpairment -Namespace A | Remove-NetNsLinkImpairment</code>
/// <para>Takes every impairment off A's interfaces.</para>
/// </example>
[Cmdlet(VerbsCommon.Remove, "NetNsLinkImpairment", SupportsShouldProcess = true)]
[OutputType(typeof(void))]
public sealed class RemoveNetNsLinkImpairmentCommand : MigrationToolsCmdlet
{
    /// <summary>The namespace.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("NetNs")]
    [ArgumentCompleter(typeof(NetNsNameCompleter))]
    public string Namespace { get; set; } = null!;

    /// <summary>The interface.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("Interface")]
    [ArgumentCompleter(typeof(InterfaceNameCompleter))]
    public string Name { get; set; } = null!;

    /// <inheritdoc />
    protected override void ProcessRecord() =>
        Invoke(Name, () =>
        {
            if (ShouldProcess($"{Namespace}/{Name}", "Remove impairment"))
            {
                ImpairmentManager.Remove(Namespace, Name, quiet: false, CancellationToken);
            }
        });
}
