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
using MigrationTools.Engine.Validation;

namespace MigrationTools.Engine.Links;

/// <summary>Interfaces inside namespaces over rtnetlink: veth pairs between them, state, MTU, removal.</summary>
internal static class LinkManager
{
    /// <summary>The interfaces of a namespace, with their addresses.</summary>
    public static IReadOnlyList<NetInterface> List(string @namespace, CancellationToken cancellationToken = default)
    {
        NetNsLookup.EnsureExists(@namespace);
        var (links, addresses) = Rtnetlink.LinksAndAddresses(@namespace);
        return ToInterfaces(@namespace, links, addresses);
    }

    /// <summary>One interface, or null when it does not exist.</summary>
    public static NetInterface? TryGet(string @namespace, string name, CancellationToken cancellationToken = default)
    {
        NetNsLookup.EnsureExists(@namespace);
        var link = Rtnetlink.Link(@namespace, name);
        if (link is null)
        {
            return null;
        }

        // A port's master is named by its index: looked up too, so that one link reads as it does in the list.
        var names = link.MasterIndex is { } master ? Rtnetlink.Use(@namespace, socket => Rtnetlink.LinkNames(socket, new[] { master })) : null;
        return ToInterfaces(@namespace, new[] { link }, Rtnetlink.Addresses(@namespace, null, link.Index), names)[0];
    }

    /// <summary>One interface; throws <c>InterfaceNotFound</c> when it does not exist.</summary>
    public static NetInterface Get(string @namespace, string name, CancellationToken cancellationToken = default)
    {
        NameValidator.EnsureInterfaceName(name);
        return TryGet(@namespace, name, cancellationToken) ?? throw NotFound(@namespace, name);
    }

    /// <summary>The index of interface <paramref name="name"/>; <c>InterfaceNotFound</c> when there is none.</summary>
    internal static int IndexOf(string @namespace, string name)
    {
        NameValidator.EnsureInterfaceName(name);
        NetNsLookup.EnsureExists(@namespace);
        return Rtnetlink.Link(@namespace, name)?.Index ?? throw NotFound(@namespace, name);
    }

    internal static MigrationToolsException NotFound(string @namespace, string name) =>
        ErrorCatalog.InterfaceNotFound($"There is no interface '{name}' in namespace '{@namespace}'. List them with Get-NetNsLink -Namespace {@namespace}.", name);

    /// <summary>
    /// Creates a veth pair with one end in each namespace, both up, in one kernel request (the peer is created in its
    /// namespace directly, so a name taken on either side fails the whole request and nothing is made). IPv6 duplicate
    /// address detection is turned off on both ends before they come up. If a later step fails the pair is deleted
    /// again, so nothing is left half-made.
    /// </summary>
    public static VethPair ConnectVeth(string @namespace, string @interface, string peerNamespace, string peerInterface, int? mtu, CancellationToken cancellationToken = default) =>
        ConnectVeth(@namespace, @interface, peerNamespace, peerInterface, mtu, dadOffByDefault: false, cancellationToken);

    /// <summary>
    /// As <see cref="ConnectVeth(string, string, string, string, int?, CancellationToken)"/>; with
    /// <paramref name="dadOffByDefault"/> both namespaces have <c>net.ipv6.conf.default.accept_dad</c> 0 (a lab's, set
    /// as they were made), so the ends are born without DAD and nothing is written per interface: a /proc/sys lookup
    /// costs more the more namespaces there are, and a lab makes a thousand.
    /// </summary>
    internal static VethPair ConnectVeth(string @namespace, string @interface, string peerNamespace, string peerInterface, int? mtu, bool dadOffByDefault, CancellationToken cancellationToken)
    {
        NameValidator.EnsureNamespaceName(@namespace);
        NameValidator.EnsureNamespaceName(peerNamespace);
        NameValidator.EnsureInterfaceName(@interface);
        NameValidator.EnsureInterfaceName(peerInterface);
        if (mtu is { } m && (m < 68 || m > 65535))
        {
            throw ErrorCatalog.InvalidMtu($"The MTU {m} is out of range: veth accepts 68 to 65535.", m);
        }

        if (@namespace == peerNamespace && @interface == peerInterface)
        {
            throw ErrorCatalog.VethSameName($"Both ends of the veth pair are named '{@interface}' in '{@namespace}'; give them different names.", @interface);
        }

        HostRequirements.EnsureRoot();
        NetNsLookup.EnsureExists(@namespace);
        NetNsLookup.EnsureExists(peerNamespace);
        var sameNamespace = @namespace == peerNamespace;
        using var peer = sameNamespace ? new FileDescriptor(-1) : Libc.OpenOwned(NetNsPaths.MountPath(peerNamespace), FileConstants.O_RDONLY | FileConstants.O_CLOEXEC, 0);
        var peerFd = peer.Number;
        if (!sameNamespace && peer.IsInvalid)
        {
            throw NetNsLookup.NotFound(peerNamespace);
        }

        NetlinkAck ack = Rtnetlink.Execute(@namespace, (ref NetlinkWriter w, uint s) => LinkMessages.WriteNewVeth(ref w, s, @interface, peerInterface, peerFd, mtu),
            $"create the veth pair {@namespace}/{@interface} - {peerNamespace}/{peerInterface}");
        peer.Dispose();

        if (!ack.Succeeded)
        {
            throw ack.Error == Errno.EEXIST
                ? WhichExists(@namespace, @interface, peerNamespace, peerInterface, ack)
                : NetlinkSocket.Failure($"create the veth pair {@namespace}/{@interface} - {peerNamespace}/{peerInterface}", ack);
        }

        try
        {
            FaultPoints.Reach("veth-created");
            // A veth pair is point to point: no duplicate address can exist on it. Without DAD the link-local
            // addresses are valid as soon as the link is up, so IPv6 (neighbour discovery, forwarding) works at
            // once instead of after about two seconds.
            if (!dadOffByDefault)
            {
                NetNsSysctl.WriteInterfaceSetting(@namespace, IpFamily.IPv6, @interface, "accept_dad", "0");
                NetNsSysctl.WriteInterfaceSetting(peerNamespace, IpFamily.IPv6, peerInterface, "accept_dad", "0");
            }

            SetByName(@namespace, @interface, up: true, mtu: null);
            FaultPoints.Reach("veth-first-end-up");
            SetByName(peerNamespace, peerInterface, up: true, mtu: null);
        }
        catch
        {
            DeleteByName(@namespace, @interface);
            throw;
        }

        EngineOutput.Verbose($"Created veth pair {@namespace}/{@interface} - {peerNamespace}/{peerInterface}{(mtu is null ? string.Empty : $", MTU {mtu}")}, both ends up.");
        return new VethPair(@namespace, @interface, peerNamespace, peerInterface);
    }

    /// <summary>
    /// A bridge in <paramref name="namespace"/> that forwards at once (spanning tree off, forwarding delay 0), up.
    /// </summary>
    internal static void CreateBridge(string @namespace, string name, int? mtu)
    {
        NameValidator.EnsureInterfaceName(name);
        HostRequirements.EnsureRoot();
        NetNsLookup.EnsureExists(@namespace);
        var what = $"create the bridge {@namespace}/{name}";
        var ack = Rtnetlink.Execute(@namespace, (ref NetlinkWriter w, uint s) => LinkMessages.WriteNewBridge(ref w, s, name, mtu), what);
        if (!ack.Succeeded)
        {
            throw ack.Error == Errno.EEXIST
                ? ErrorCatalog.InterfaceExists($"Namespace '{@namespace}' already has an interface named '{name}'.", name)
                : NetlinkSocket.Failure(what, ack);
        }

        SetByName(@namespace, name, up: true, mtu: null);
        EngineOutput.Verbose($"Created bridge {@namespace}/{name} (STP off, forwarding delay 0), up.");
    }

    /// <summary>Makes <paramref name="port"/> a port of the bridge <paramref name="bridge"/>, both in <paramref name="namespace"/>.</summary>
    internal static void SetMaster(string @namespace, string port, string bridge)
    {
        var portIndex = IndexOf(@namespace, port);
        var bridgeIndex = IndexOf(@namespace, bridge);
        var what = $"make {@namespace}/{port} a port of {bridge}";
        var ack = Rtnetlink.Execute(@namespace, (ref NetlinkWriter w, uint s) => LinkMessages.WriteSetMaster(ref w, s, portIndex, bridgeIndex), what);
        if (!ack.Succeeded)
        {
            throw NetlinkSocket.Failure(what, ack);
        }

        EngineOutput.Verbose($"Made {@namespace}/{port} a port of {bridge}.");
    }

    /// <summary>Sets an interface up or down and/or its MTU.</summary>
    public static void Set(string @namespace, string name, bool? up, int? mtu, CancellationToken cancellationToken = default)
    {
        HostRequirements.EnsureRoot();
        var index = IndexOf(@namespace, name);
        if (mtu is { } m && (m < 68 || m > 65535))
        {
            throw ErrorCatalog.InvalidMtu($"The MTU {m} is out of range (68 to 65535).", m);
        }

        if (up is null && mtu is null)
        {
            return;
        }

        var ack = Rtnetlink.Execute(@namespace, (ref NetlinkWriter w, uint s) => LinkMessages.WriteSetLink(ref w, s, index, up, mtu), $"change {@namespace}/{name}");
        if (!ack.Succeeded)
        {
            throw ack.Error == Errno.EINVAL && mtu is not null
                ? ErrorCatalog.InvalidMtu($"{@namespace}/{name} does not accept the MTU {mtu}: {ack.Describe()}.", mtu)
                : NetlinkSocket.Failure($"change {@namespace}/{name}", ack);
        }

        EngineOutput.Verbose($"Set {@namespace}/{name}{(up is null ? string.Empty : up.Value ? " up" : " down")}{(mtu is null ? string.Empty : $", MTU {mtu}")}.");
    }

    /// <summary>Deletes an interface (for a veth, both ends go).</summary>
    public static void Remove(string @namespace, string name, CancellationToken cancellationToken = default)
    {
        HostRequirements.EnsureRoot();
        NameValidator.EnsureInterfaceName(name);
        NetNsLookup.EnsureExists(@namespace);
        var link = Rtnetlink.Link(@namespace, name) ?? throw NotFound(@namespace, name);
        if (link.Kind == "loopback")
        {
            throw ErrorCatalog.CannotRemoveLoopback($"The loopback interface of '{@namespace}' cannot be removed; remove the namespace instead.", name);
        }

        var ack = Rtnetlink.Execute(@namespace, (ref NetlinkWriter w, uint s) => LinkMessages.WriteDelLink(ref w, s, link.Index), $"delete {@namespace}/{name}");
        if (!ack.Succeeded && ack.Error != Errno.ENODEV)
        {
            throw NetlinkSocket.Failure($"delete {@namespace}/{name}", ack);
        }

        EngineOutput.Verbose($"Deleted {@namespace}/{name} ({link.Kind}).");
    }

    /// <summary>Builds the public interface objects from the kernel's link and address messages.</summary>
    internal static IReadOnlyList<NetInterface> ToInterfaces(string @namespace, IReadOnlyList<LinkRecord> links, IReadOnlyList<AddressRecord> addresses, IReadOnlyDictionary<int, string>? names = null) =>
        links.OrderBy(l => l.Index).Select(l => new NetInterface(
            @namespace, l.Name, l.Index, l.Kind, l.OperationalState, l.Mtu, l.MacAddress, l.FlagNames,
            addresses.Where(a => a.InterfaceIndex == l.Index).Select(a => a.Prefix).ToArray())
        {
            PeerIndex = l.PeerIndex,
            PeerNetNsId = l.PeerNetNsId,
            Master = l.MasterIndex is { } master ? links.FirstOrDefault(m => m.Index == master)?.Name ?? names?.GetValueOrDefault(master) : null,
        }).ToArray();

    /// <summary>Sets a link up or down by name (the kernel looks it up when the index is 0).</summary>
    private static void SetByName(string @namespace, string name, bool up, int? mtu)
    {
        var ack = Rtnetlink.Execute(@namespace, (ref NetlinkWriter w, uint s) => LinkMessages.WriteSetLinkByName(ref w, s, name, up, mtu), $"set {@namespace}/{name} up");
        if (!ack.Succeeded)
        {
            throw NetlinkSocket.Failure($"set {@namespace}/{name} up", ack);
        }
    }

    private static void DeleteByName(string @namespace, string name)
    {
        try
        {
            Rtnetlink.Execute(@namespace, (ref NetlinkWriter w, uint s) => LinkMessages.WriteDelLinkByName(ref w, s, name), $"delete {@namespace}/{name}");
        }
        catch (MigrationToolsException)
        {
            // Best effort: the namespace itself may be what went away.
        }
    }

    private static MigrationToolsException WhichExists(string @namespace, string @interface, string peerNamespace, string peerInterface, NetlinkAck ack)
    {
        var (taken, takenNamespace) = Rtnetlink.Link(@namespace, @interface) is not null
            ? (@interface, @namespace)
            : (peerInterface, peerNamespace);
        return ErrorCatalog.InterfaceExists($"Namespace '{takenNamespace}' already has an interface named '{taken}' ({ack.Describe()}). Choose another name or remove it with Remove-NetNsLink -Namespace {takenNamespace} -Name {taken}.", taken);
    }
}
