using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Engine.Labs;
using MigrationTools.Engine.Tunnels;
using MigrationTools.Labs;

namespace MigrationTools.Commands;

/// <summary>Builds a lab of namespaces from a lab file or a shipped lab.</summary>
/// <remarks>
/// A lab file is a PowerShell data file (.psd1) read as data, never run: nodes (one namespace each, named
/// PREFIX + node), veth links with their addresses, MTU and rate, extra addresses (a VIP), routes, forwarding and
/// sysctls, nftables rulesets, IP-in-IP tunnels and flow mappings (see about_MigrationTools for the format).
/// Everything in the file is checked before anything is made (LabFileInvalid names the key path of a problem).
/// -Template builds one of the labs shipped with the module (Get-NetLab -Available): ping-flow (the ping flow
/// migration), quic-lb (QUIC behind an IPIP load balancer), quic-nat (a QUIC client behind a NAT).
/// The lab's state is written before the first namespace is made, so a lab whose builder is killed can always be
/// removed (Remove-NetLab); a build that fails removes what it made. Returns the lab.
/// </remarks>
/// <example>
/// <code>New-NetLab -Template quic-lb -Prefix q1-</code>
/// <para>Builds the QUIC load-balancer lab as namespaces q1-client, q1-router1 and q1-server.</para>
/// </example>
/// <example>
/// <code>New-NetLab -Path ./diamond.psd1 -Name diamond2 -Prefix d2- | Test-NetLab</code>
/// <para>Builds a lab from a file under another name and prefix, then checks that every node reaches what it should.</para>
/// </example>
[Cmdlet(VerbsCommon.New, "NetLab", SupportsShouldProcess = true, DefaultParameterSetName = PathSet, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(NetLab))]
public sealed class NewNetLabCommand : MigrationToolsCmdlet
{
    private const string PathSet = "Path";
    private const string TemplateSet = "Template";

    /// <summary>The lab file (.psd1).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    public string Path { get; set; } = null!;

    /// <summary>A lab shipped with the module: ping-flow, quic-lb or quic-nat.</summary>
    [Parameter(Mandatory = true, ParameterSetName = TemplateSet)]
    [ArgumentCompleter(typeof(LabTemplateCompleter))]
    public string Template { get; set; } = null!;

    /// <summary>The lab's name (the file's Name by default); labs on one machine have different names.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>Put before every node name to make its namespace name, so several labs of one file can coexist.</summary>
    [Parameter]
    public string Prefix { get; set; } = string.Empty;

    /// <summary>Make every tunnel of the lab this way, whatever the file says (Userspace forces the module's relay).</summary>
    [Parameter]
    public TunnelMode? TunnelMode { get; set; }

    /// <summary>
    /// For a lab across hosts: sessions already open to its hosts, by host name (@{ east = $session }), instead of
    /// the SSH settings of its Hosts section. They are kept for later commands on the lab in this PowerShell session.
    /// </summary>
    [Parameter]
    public System.Collections.Hashtable? Session { get; set; }

    /// <summary>For a lab across hosts: stop with an error when a host lacks this module's version, instead of copying it there.</summary>
    [Parameter]
    public SwitchParameter NoModuleCopy { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var source = ParameterSetName == TemplateSet ? Template : Path;
        Invoke(source, () =>
        {
            var file = ParameterSetName == TemplateSet ? LabTemplates.PathOf(Template) : GetUnresolvedProviderPathFromPSPath(Path);
            var definition = LabFileReader.Read(file);
            var name = Name ?? LabManager.DefaultName(definition.Name, Prefix);
            var sourceName = ParameterSetName == TemplateSet ? "template " + Template : file;
            if (definition.SpansHosts)
            {
                if (ShouldProcess($"{name} ({definition.Nodes.Count} namespaces {Prefix}* on {string.Join(", ", definition.Hosts.Keys)})", "Build lab across hosts"))
                {
                    LabHostSessions.Remember(name, Session);
                    WriteObject(DistributedLabs.Build(Hosts, ThisModule, definition, name, Prefix, sourceName, TunnelMode, !NoModuleCopy, CancellationToken));
                }

                return;
            }

            if (ShouldProcess($"{name} ({definition.Nodes.Count} namespaces {Prefix}*)", "Build lab"))
            {
                WriteObject(LabManager.Build(definition, name, Prefix, sourceName, TunnelMode, CancellationToken));
            }
        });
    }
}
