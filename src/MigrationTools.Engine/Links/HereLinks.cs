using System.Collections.Generic;
using System.IO;
using System.Linq;
using MigrationTools.Core.Errors;
using MigrationTools.Core.Interop;
using MigrationTools.Core.Reporting;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Namespaces;
using MigrationTools.Engine.Netlink;
using MigrationTools.Engine.Netlink.Route;
using MigrationTools.Engine.Platform;
using MigrationTools.Engine.Validation;

namespace MigrationTools.Engine.Links;

/// <summary>
/// Links of the namespace this process runs in (the host, or whatever namespace the session was started in), which
/// has no name under /run/netns: a veth from a named namespace to here, and the few changes a lab makes to its own
/// end (up, IPv6 duplicate address detection off, addresses). Nothing else here is touched.
/// </summary>
internal static class HereLinks
{
    /// <summary>The identity of the namespace this process runs in.</summary>
    internal static NetNsIdentity? Identity => NetNsIdentity.Of("/proc/self/ns/net");

    /// <summary>
    /// A veth pair from <paramref name="namespace"/>/<paramref name="interface"/> to <paramref name="hereInterface"/>
    /// here, both ends up, in one request (a name taken here fails it and nothing is made).
    /// </summary>
    internal static void Connect(string @namespace, string @interface, string hereInterface, int? mtu)
    {
        NameValidator.EnsureInterfaceName(@interface);
        NameValidator.EnsureInterfaceName(hereInterface);
        HostRequirements.EnsureRoot();
        NetNsLookup.EnsureExists(@namespace);
        using var here = Libc.OpenOwned("/proc/self/ns/net", FileConstants.O_RDONLY | FileConstants.O_CLOEXEC, 0);
        var fd = here.Number;
        var what = $"create the veth pair {@namespace}/{@interface} - {hereInterface} (this namespace)";
        var ack = Rtnetlink.Execute(@namespace, (ref NetlinkWriter w, uint s) => LinkMessages.WriteNewVeth(ref w, s, @interface, hereInterface, fd, mtu), what);
        if (!ack.Succeeded)
        {
            throw ack.Error == Errno.EEXIST
                ? ErrorCatalog.InterfaceExists($"An interface named '{hereInterface}' (or '{@interface}' in '{@namespace}') exists already ({ack.Describe()}); choose another name for the uplink.", hereInterface)
                : NetlinkSocket.Failure(what, ack);
        }

        try
        {
            NetNsSysctl.WriteInterfaceSetting(@namespace, IpFamily.IPv6, @interface, "accept_dad", "0");
            File.WriteAllText($"/proc/sys/net/ipv6/conf/{hereInterface}/accept_dad", "0");
            Use(socket => Check(Rtnetlink.Execute(socket, (ref NetlinkWriter w, uint s) => LinkMessages.WriteSetLinkByName(ref w, s, hereInterface, true, null), $"set {hereInterface} up"), $"set {hereInterface} up"));
            LinkManager.Set(@namespace, @interface, true, null);
        }
        catch
        {
            Remove(hereInterface);
            throw;
        }

        EngineOutput.Verbose($"Created veth pair {@namespace}/{@interface} - {hereInterface} (this namespace), both ends up.");
    }

    /// <summary>
    /// A VXLAN interface in <paramref name="namespace"/> whose underlay is here: made by this namespace's rtnetlink
    /// socket (so it sends from here) and moved into <paramref name="namespace"/> in the same request; with several
    /// remotes, an all-zeros forwarding entry to each. Up, with IPv6 duplicate address detection off.
    /// </summary>
    internal static void CreateVxlan(string @namespace, string name, int vni, System.Net.IPAddress local, IReadOnlyList<System.Net.IPAddress> remotes, int port, int mtu)
    {
        NameValidator.EnsureInterfaceName(name);
        HostRequirements.EnsureRoot();
        NetNsLookup.EnsureExists(@namespace);
        using (var target = Libc.OpenOwned(NetNsPaths.MountPath(@namespace), FileConstants.O_RDONLY | FileConstants.O_CLOEXEC, 0))
        {
            if (target.IsInvalid)
            {
                throw NetNsLookup.NotFound(@namespace);
            }

            var fd = target.Number;
            var remote = remotes.Count == 1 ? remotes[0] : null;
            var what = $"create the VXLAN interface {@namespace}/{name} (VNI {vni}, {local} to {string.Join(", ", remotes)})";
            var ack = Use(socket => Rtnetlink.Execute(socket, (ref NetlinkWriter w, uint s) => VxlanMessages.WriteNewVxlan(ref w, s, name, fd, vni, local, remote, port, mtu), what));
            if (!ack.Succeeded)
            {
                throw ack.Error == Errno.EEXIST
                    ? ErrorCatalog.InterfaceExists($"'{@namespace}' has an interface '{name}' already, or this namespace has a VXLAN device with VNI {vni} on {local} port {port} ({ack.Describe()}).", name)
                    : ack.Error == Errno.EADDRNOTAVAIL
                        ? ErrorCatalog.InterfaceExists($"Could not {what}: {local} is not an address of this namespace ({ack.Describe()}).", name)
                        : NetlinkSocket.Failure(what, ack);
            }
        }

        try
        {
            if (remotes.Count > 1)
            {
                var index = LinkManager.IndexOf(@namespace, name);
                foreach (var each in remotes)
                {
                    var what = $"add the flood entry to {each} on {@namespace}/{name}";
                    var ack = Rtnetlink.Execute(@namespace, (ref NetlinkWriter w, uint s) => VxlanMessages.WriteAppendFlood(ref w, s, index, each), what);
                    if (!ack.Succeeded)
                    {
                        throw NetlinkSocket.Failure(what, ack);
                    }
                }
            }

            try
            {
                NetNsSysctl.WriteInterfaceSetting(@namespace, IpFamily.IPv6, name, "accept_dad", "0");
            }
            catch (MigrationToolsException)
            {
                // IPv6 is off in a segment's namespace: nothing to turn off there.
            }

            LinkManager.Set(@namespace, name, true, null);
        }
        catch
        {
            try
            {
                LinkManager.Remove(@namespace, name);
            }
            catch (MigrationToolsException)
            {
            }

            throw;
        }

        EngineOutput.Verbose($"Created VXLAN {@namespace}/{name}: VNI {vni}, {local} to {string.Join(", ", remotes)} port {port}, MTU {mtu}, up.");
    }

    /// <summary>The interface named <paramref name="name"/> here, with its addresses; null when there is none.</summary>
    internal static NetInterface? Get(string name) => Use(socket =>
    {
        var link = Rtnetlink.Link(socket, name);
        return link is null ? null : LinkManager.ToInterfaces(string.Empty, new[] { link }, Rtnetlink.Addresses(socket, null, link.Index)).Single();
    });

    /// <summary>The interface here with index <paramref name="index"/>, with its addresses; null when there is none.</summary>
    internal static NetInterface? ByIndex(int index) => Use(socket =>
    {
        var link = Rtnetlink.Links(socket).FirstOrDefault(l => l.Index == index);
        return link is null ? null : LinkManager.ToInterfaces(string.Empty, new[] { link }, Rtnetlink.Addresses(socket, null, link.Index)).Single();
    });

    /// <summary>Sets the interface here up.</summary>
    internal static void SetUp(string name) =>
        Use(socket => Check(Rtnetlink.Execute(socket, (ref NetlinkWriter w, uint s) => LinkMessages.WriteSetLinkByName(ref w, s, name, true, null), $"set {name} up"), $"set {name} up"));

    /// <summary>Adds an address to the interface here (IPv6 without duplicate address detection, as on lab links).</summary>
    internal static void AddAddress(string name, IpPrefix prefix) => Use(socket =>
    {
        var link = Rtnetlink.Link(socket, name) ?? throw LinkManager.NotFound("(this namespace)", name);
        var what = $"add {prefix} to {name} (this namespace)";
        var ack = Rtnetlink.Execute(socket, (ref NetlinkWriter w, uint s) => AddressMessages.WriteAddress(ref w, s, link.Index, prefix, noDad: prefix.Family == IpFamily.IPv6), what);
        if (!ack.Succeeded)
        {
            throw ack.Error == Errno.EEXIST
                ? ErrorCatalog.AddressExists($"The address {prefix} is on {name} in this namespace already.", prefix.ToString())
                : NetlinkSocket.Failure(what, ack);
        }

        return true;
    });

    /// <summary>Deletes the interface here, if it is there (best effort: a veth end goes with its peer's namespace anyway).</summary>
    internal static void Remove(string name)
    {
        try
        {
            Use(socket => Rtnetlink.Execute(socket, (ref NetlinkWriter w, uint s) => LinkMessages.WriteDelLinkByName(ref w, s, name), $"delete {name}"));
        }
        catch (MigrationToolsException)
        {
        }
    }

    private static T Use<T>(System.Func<NetlinkSocket, T> action)
    {
        using var socket = NetlinkSocket.OpenRoute(null);
        return action(socket);
    }

    private static bool Check(NetlinkAck ack, string what) => ack.Succeeded ? true : throw NetlinkSocket.Failure(what, ack);

    /// <summary>The addresses on the interfaces here, as (interface, prefix) pairs.</summary>
    internal static IReadOnlyList<(string Interface, IpPrefix Prefix)> Addresses(string name) =>
        Get(name)?.Addresses.Select(a => (name, a)).ToArray() ?? System.Array.Empty<(string, IpPrefix)>();
}
