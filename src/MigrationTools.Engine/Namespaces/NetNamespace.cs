using System.Collections.Generic;
using System.Linq;
using MigrationTools.Engine.Links;

namespace MigrationTools.Engine.Namespaces;

/// <summary>A named Linux network namespace (a bind mount under /run/netns).</summary>
public sealed class NetNamespace
{
    internal NetNamespace(string name, NetNsIdentity identity, IReadOnlyList<NetInterface> interfaces, bool? ipv4Forwarding, bool? ipv6Forwarding)
    {
        Name = name;
        Identity = identity;
        Interfaces = interfaces;
        IPv4Forwarding = ipv4Forwarding;
        IPv6Forwarding = ipv6Forwarding;
    }

    /// <summary>The namespace name, as <c>ip netns list</c> shows it.</summary>
    public string Name { get; }

    /// <summary>What identifies the namespace (nsfs device and inode), as <c>lsns</c> shows its inode.</summary>
    internal NetNsIdentity Identity { get; }

    /// <summary>The name again, under the parameter name per-namespace cmdlets take, so a namespace object pipes into them.</summary>
    public string Namespace => Name;

    /// <summary>The namespace's inode number, as <c>lsns -t net</c> lists it.</summary>
    public ulong Inode => Identity.Inode;

    /// <summary>The bind-mount path.</summary>
    public string Path => NetNsPaths.MountPath(Name);

    /// <summary>Interfaces inside the namespace.</summary>
    public IReadOnlyList<NetInterface> Interfaces { get; }

    /// <summary>All addresses inside the namespace, in CIDR form.</summary>
    public IReadOnlyList<string> Addresses => Interfaces.SelectMany(i => i.Addresses).Select(a => a.ToString()).ToArray();

    /// <summary>Whether the namespace forwards IPv4 (null when it could not be read).</summary>
    public bool? IPv4Forwarding { get; }

    /// <summary>Whether the namespace forwards IPv6 (null when it could not be read).</summary>
    public bool? IPv6Forwarding { get; }

    /// <inheritdoc />
    public override string ToString() => Name;
}
