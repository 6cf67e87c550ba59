using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Engine.Links.Impairments;

namespace MigrationTools.Commands;

/// <summary>Shows the impairments set with Set-NetNsLinkImpairment.</summary>
/// <remarks>One object per impaired interface; Present is false when what was set is no longer in the kernel.</remarks>
/// <example>
/// <code>Get-NetNsLinkImpairment -Namespace A</code>
/// <para>The impairments of A's interfaces.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "NetNsLinkImpairment")]
[OutputType(typeof(LinkImpairment))]
public sealed class GetNetNsLinkImpairmentCommand : MigrationToolsCmdlet
{
    /// <summary>The namespace.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("NetNs")]
    [ArgumentCompleter(typeof(NetNsNameCompleter))]
    public string Namespace { get; set; } = null!;

    /// <summary>One interface (all when omitted).</summary>
    [Parameter(Position = 1)]
    [Alias("Interface")]
    [ArgumentCompleter(typeof(InterfaceNameCompleter))]
    public string? Name { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord() =>
        Invoke(Namespace, () => WriteObject(ImpairmentManager.List(Namespace, Name), enumerateCollection: true));
}
