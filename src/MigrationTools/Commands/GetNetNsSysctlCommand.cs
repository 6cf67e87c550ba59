using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Engine.Namespaces;

namespace MigrationTools.Commands;

/// <summary>Reads network sysctls inside a namespace.</summary>
/// <remarks>
/// Reads keys under net. (the per-namespace ones) as the namespace sees them; the root namespace's values are not
/// involved. -Name takes dotted keys and wildcards; a key without wildcards that does not exist is an ObjectNotFound
/// error (SysctlNotFound).
/// </remarks>
/// <example>
/// <code>Get-NetNsSysctl -Namespace router1 -Name net.ipv4.conf.*.rp_filter</code>
/// <para>Reverse-path filtering of every interface of router1.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "NetNsSysctl")]
[OutputType(typeof(NetNsSysctlSetting))]
public sealed class GetNetNsSysctlCommand : NamespaceListingCmdlet
{
    /// <summary>Dotted keys or wildcard patterns, e.g. net.ipv4.ip_forward or net.ipv6.conf.*.forwarding.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(SysctlKeyCompleter))]
    public string[] Name { get; set; } = null!;

    /// <inheritdoc />
    protected override bool RequiresRoot => false;

    /// <inheritdoc />
    protected override void List(string @namespace)
    {
        foreach (var key in Name)
        {
            Invoke(key, () =>
            {
                if (WildcardPattern.ContainsWildcardCharacters(key))
                {
                    var pattern = new WildcardPattern(key, WildcardOptions.None);
                    WriteObject(NetNsSysctl.List(@namespace, pattern.IsMatch), enumerateCollection: true);
                }
                else
                {
                    WriteObject(new NetNsSysctlSetting(@namespace, key, NetNsSysctl.Read(@namespace, key)));
                }
            });
        }
    }
}
