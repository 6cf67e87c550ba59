using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Namespaces;

namespace MigrationTools.Commands;

/// <summary>Parameters and work shared by Enable- and Disable-NetNsForwarding.</summary>
public abstract class ForwardingCommandBase : MigrationToolsCmdlet
{
    /// <summary>The namespaces.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name", "NetNs")]
    [ArgumentCompleter(typeof(NetNsNameCompleter))]
    public string[] Namespace { get; set; } = null!;

    /// <summary>The families to change (both when omitted).</summary>
    [Parameter]
    public IpFamily[] AddressFamily { get; set; } = { IpFamily.IPv4, IpFamily.IPv6 };

    /// <summary>Return the namespace afterwards.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>True to enable, false to disable.</summary>
    protected abstract bool Enable { get; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var name in Namespace)
        {
            Invoke(name, () =>
            {
                NetNsLookup.EnsureExists(name);
                if (!ShouldProcess(name, $"{(Enable ? "Enable" : "Disable")} {string.Join(" and ", AddressFamily)} forwarding"))
                {
                    return;
                }

                foreach (var family in AddressFamily)
                {
                    NetNsSysctl.SetForwarding(name, family, Enable);
                }

                if (PassThru)
                {
                    WriteObject(NetNsManager.Get(name, CancellationToken));
                }
            });
        }
    }
}
