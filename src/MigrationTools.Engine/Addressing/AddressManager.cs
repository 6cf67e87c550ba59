using System.Collections.Generic;
using System.Linq;
using System.Threading;
using MigrationTools.Engine.Errors;
using MigrationTools.Engine.Links;
using MigrationTools.Engine.Namespaces;
using MigrationTools.Engine.Platform;
using MigrationTools.Engine.Tools;

namespace MigrationTools.Engine.Addressing;

/// <summary>Addresses on interfaces inside namespaces.</summary>
public static class AddressManager
{
    /// <summary>The addresses in a namespace, optionally of one interface.</summary>
    public static IReadOnlyList<NetAddress> List(string @namespace, string? @interface = null, CancellationToken cancellationToken = default)
    {
        NetNsManager.EnsureExists(@namespace);
        var arguments = new List<string> { "address", "show" };
        if (@interface is not null)
        {
            LinkManager.Get(@namespace, @interface, cancellationToken);
            arguments.AddRange(new[] { "dev", @interface });
        }

        return IpJson.ParseAddresses(@namespace, IpTool.Json(@namespace, arguments, cancellationToken, @namespace));
    }

    /// <summary>
    /// Adds an address. IPv6 addresses are added with <c>nodad</c> so they are usable at once (a lab has no
    /// duplicates to detect, and DAD would hold the address tentative for about a second).
    /// </summary>
    public static NetAddress Add(string @namespace, string @interface, IpPrefix prefix, CancellationToken cancellationToken = default)
    {
        HostRequirements.EnsureRoot();
        LinkManager.Get(@namespace, @interface, cancellationToken);
        var existing = List(@namespace, null, cancellationToken).FirstOrDefault(a => a.Address.Equals(prefix.Address));
        if (existing is not null)
        {
            throw new MigrationToolsException("AddressExists", FailureKind.ResourceExists,
                $"The address {prefix.Address} is already on {existing.Interface} in '{@namespace}' (as {existing.Prefix}).", prefix.ToString());
        }

        var arguments = new List<string> { "address", "add", prefix.ToString(), "dev", @interface };
        if (prefix.Family == IpFamily.IPv6)
        {
            arguments.Add("nodad");
        }

        IpTool.Run(@namespace, arguments, cancellationToken, prefix.ToString());
        return List(@namespace, @interface, cancellationToken).First(a => a.Address.Equals(prefix.Address));
    }

    /// <summary>Removes an address from an interface.</summary>
    public static void Remove(string @namespace, string @interface, IpPrefix prefix, CancellationToken cancellationToken = default)
    {
        HostRequirements.EnsureRoot();
        var existing = List(@namespace, @interface, cancellationToken)
            .FirstOrDefault(a => a.Address.Equals(prefix.Address) && (prefix.IsHost || a.PrefixLength == prefix.PrefixLength));
        if (existing is null)
        {
            throw new MigrationToolsException("AddressNotFound", FailureKind.ObjectNotFound,
                $"The address {prefix} is not on {@interface} in '{@namespace}'.", prefix.ToString());
        }

        IpTool.Run(@namespace, new[] { "address", "delete", existing.Prefix.ToString(), "dev", @interface }, cancellationToken, prefix.ToString());
    }
}
