using System.Management.Automation;
using MigrationTools.Engine.Namespaces;

namespace MigrationTools.Commands;

/// <summary>Creates a named network namespace with its loopback interface up.</summary>
/// <remarks>
/// The namespace is a bind mount under /run/netns, so `ip netns list` and `ip netns exec` see it as well.
/// Loopback is brought up at once. The name is checked before anything is created: it must not be empty,
/// `.` or `..`, contain `/`, whitespace or wildcard characters, or be longer than 255 bytes.
/// Creating a namespace that exists is a ResourceExists error (NetNsExists); with -Force the existing
/// namespace is returned unchanged instead, which makes lab scripts re-runnable.
/// </remarks>
/// <example>
/// <code>New-NetNs -Name A, B, C</code>
/// <para>Creates three namespaces and returns them.</para>
/// </example>
/// <example>
/// <code>New-NetNs -Name lab-client -Force | Format-List</code>
/// <para>Creates lab-client, or returns it when it already exists.</para>
/// </example>
[Cmdlet(VerbsCommon.New, "NetNs", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(NetNamespace))]
public sealed class NewNetNsCommand : MigrationToolsCmdlet
{
    /// <summary>The names of the namespaces to create.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = null!;

    /// <summary>Return an existing namespace of the same name instead of failing.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var name in Name)
        {
            Invoke(name, () =>
            {
                Engine.Validation.NameValidator.EnsureNamespaceName(name);
                if (Force && NetNsLookup.Exists(name))
                {
                    WriteObject(NetNsManager.Get(name, CancellationToken));
                    return;
                }

                if (ShouldProcess(name, "Create network namespace"))
                {
                    WriteObject(NetNsManager.Create(name, CancellationToken));
                }
            });
        }
    }
}
