using System.Collections.Generic;
using System.Linq;
using System.Threading;
using MigrationTools.Core.Errors;
using MigrationTools.Core.Interop;
using MigrationTools.Core.Reporting;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Namespaces;
using MigrationTools.Engine.Netlink;
using MigrationTools.Engine.Netlink.Route;
using MigrationTools.Engine.Platform;

namespace MigrationTools.Engine.Links;

/// <summary>Addresses on interfaces inside namespaces, over rtnetlink.</summary>
internal static class AddressManager
{
    /// <summary>The addresses in a namespace, optionally of one interface.</summary>
    public static IReadOnlyList<NetAddress> List(string @namespace, string? @interface = null, CancellationToken cancellationToken = default)
    {
        NetNsLookup.EnsureExists(@namespace);
        if (@interface is not null)
        {
            Validation.NameValidator.EnsureInterfaceName(@interface);
            var link = Rtnetlink.Link(@namespace, @interface) ?? throw LinkManager.NotFound(@namespace, @interface);
            return ToAddresses(@namespace, new[] { link }, Rtnetlink.Addresses(@namespace, null, link.Index));
        }

        var (links, addresses) = Rtnetlink.LinksAndAddresses(@namespace);
        return ToAddresses(@namespace, links, addresses);
    }

    /// <summary>
    /// Adds an address. IPv6 addresses are added with <c>nodad</c> so they are usable at once (a lab has no
    /// duplicates to detect, and DAD would hold the address tentative for about a second).
    /// </summary>
    public static NetAddress Add(string @namespace, string @interface, IpPrefix prefix, CancellationToken cancellationToken = default)
    {
        NetNsLookup.EnsureExists(@namespace);
        Validation.NameValidator.EnsureInterfaceName(@interface);
        var link = Rtnetlink.Link(@namespace, @interface) ?? throw LinkManager.NotFound(@namespace, @interface);
        var index = link.Index;
        // Only this interface's addresses are read (a filtered dump): a namespace-wide dump per address would make a
        // hub with hundreds of links quadratic. The same address on another interface is the kernel's to allow.
        var existing = Rtnetlink.Addresses(@namespace, prefix.Family, index).FirstOrDefault(a => a.Prefix.Address.Equals(prefix.Address));
        if (existing is not null)
        {
            throw Exists(@namespace, prefix, @interface, existing.Prefix);
        }

        Write(@namespace, @interface, index, prefix);
        return ToAddresses(@namespace, new[] { link }, Rtnetlink.Addresses(@namespace, prefix.Family, index)).First(a => a.Address.Equals(prefix.Address));
    }

    /// <summary>
    /// Adds an address for a caller that has validated the namespace and the interface and wants nothing back (a
    /// lab build, whose file was checked when read): the interface's index and the add, two round trips instead of
    /// the four of <see cref="Add"/>. The kernel's EEXIST is still reported as AddressExists.
    /// </summary>
    internal static void AddValidated(string @namespace, string @interface, IpPrefix prefix) =>
        Write(@namespace, @interface, LinkManager.IndexOf(@namespace, @interface), prefix);

    private static void Write(string @namespace, string @interface, int index, IpPrefix prefix)
    {
        var ack = Rtnetlink.Execute(@namespace, (ref NetlinkWriter w, uint s) => AddressMessages.WriteAddress(ref w, s, index, prefix, noDad: prefix.Family == IpFamily.IPv6),
            $"add {prefix} to {@namespace}/{@interface}");
        if (!ack.Succeeded)
        {
            throw ack.Error == Errno.EEXIST
                ? Exists(@namespace, prefix, @interface, prefix)
                : NetlinkSocket.Failure($"add {prefix} to {@namespace}/{@interface}", ack);
        }

        EngineOutput.Verbose($"Added {prefix} to {@namespace}/{@interface}{(prefix.Family == IpFamily.IPv6 ? " (nodad)" : string.Empty)}.");
    }

    /// <summary>Removes an address from an interface; the prefix length must match unless a bare address is given.</summary>
    public static void Remove(string @namespace, string @interface, IpPrefix prefix, CancellationToken cancellationToken = default)
    {
        HostRequirements.EnsureRoot();
        var existing = List(@namespace, @interface, cancellationToken)
            .FirstOrDefault(a => a.Address.Equals(prefix.Address) && (prefix.IsHost || a.PrefixLength == prefix.PrefixLength));
        if (existing is null)
        {
            throw ErrorCatalog.AddressNotFound($"The address {prefix} is not on {@interface} in '{@namespace}'. List them with Get-NetNsAddress -Namespace {@namespace}.", prefix.ToString());
        }

        var index = LinkManager.IndexOf(@namespace, @interface);
        var ack = Rtnetlink.Execute(@namespace, (ref NetlinkWriter w, uint s) => AddressMessages.WriteAddress(ref w, s, index, existing.Prefix, noDad: false, delete: true),
            $"remove {existing.Prefix} from {@namespace}/{@interface}");
        if (!ack.Succeeded && ack.Error != Errno.EADDRNOTAVAIL)
        {
            throw NetlinkSocket.Failure($"remove {existing.Prefix} from {@namespace}/{@interface}", ack);
        }

        EngineOutput.Verbose($"Removed {existing.Prefix} from {@namespace}/{@interface}.");
    }

    internal static IReadOnlyList<NetAddress> ToAddresses(string @namespace, IReadOnlyList<LinkRecord> links, IEnumerable<AddressRecord> addresses) =>
        addresses.Select(a => new NetAddress(@namespace, links.FirstOrDefault(l => l.Index == a.InterfaceIndex)?.Name ?? string.Empty, a.Prefix, AddressMessages.ScopeName(a.Scope)))
            .ToArray();

    private static MigrationToolsException Exists(string @namespace, IpPrefix prefix, string @interface, IpPrefix existing) =>
        ErrorCatalog.AddressExists($"The address {prefix.Address} is already on {@interface} in '{@namespace}' (as {existing}).", prefix.ToString());
}
