using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Engine.Namespaces;

namespace MigrationTools.Commands;

/// <summary>Sets a network sysctl inside a namespace.</summary>
/// <remarks>
/// Writes a key under net. as the namespace sees it (e.g. net.ipv4.conf.all.rp_filter); the root namespace is never
/// touched. Pipe Get-NetNsSysctl into it to set many keys at once. Keys outside net. are refused (InvalidSysctlKey),
/// unknown keys are ObjectNotFound (SysctlNotFound), and a value the kernel rejects is an error (SysctlWriteFailed).
/// Returns nothing unless -PassThru.
/// </remarks>
/// <example>
/// <code>Set-NetNsSysctl -Namespace router1 -Name net.ipv4.conf.all.rp_filter -Value 0</code>
/// <para>Lets router1 forward the asymmetric traffic of direct server return.</para>
/// </example>
/// <example>
/// <code>Get-NetNsSysctl server net.ipv4.conf.*.rp_filter | Set-NetNsSysctl -Value 0</code>
/// <para>Turns reverse-path filtering off on every interface of the server.</para>
/// </example>
[Cmdlet(VerbsCommon.Set, "NetNsSysctl", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(NetNsSysctlSetting))]
public sealed class SetNetNsSysctlCommand : MigrationToolsCmdlet
{
    /// <summary>The namespace.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("NetNs")]
    [ArgumentCompleter(typeof(NetNsNameCompleter))]
    public string Namespace { get; set; } = null!;

    /// <summary>The dotted key, e.g. net.ipv4.conf.all.rp_filter.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    public string Name { get; set; } = null!;

    /// <summary>The new value.</summary>
    [Parameter(Mandatory = true, Position = 2)]
    public string Value { get; set; } = null!;

    /// <summary>Return the setting afterwards.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>The object the pipeline gives (bound by its properties); only the kinds this cmdlet acts on are taken.</summary>
    [Parameter(ValueFromPipeline = true, DontShow = true)]
    public PSObject? InputObject { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (!AcceptsInput(InputObject, typeof(NetNamespace), typeof(NetNsSysctlSetting)))
        {
            return;
        }

        Invoke(Name, () =>
        {
            NetNsLookup.EnsureExists(Namespace);
            NetNsSysctl.Read(Namespace, Name);
            if (!ShouldProcess($"{Namespace}: {Name}", $"Set to {Value}"))
            {
                return;
            }

            NetNsSysctl.Write(Namespace, Name, Value);
            if (PassThru)
            {
                WriteObject(new NetNsSysctlSetting(Namespace, Name, NetNsSysctl.Read(Namespace, Name)));
            }
        });
    }
}
