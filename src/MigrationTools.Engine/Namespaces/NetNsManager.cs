using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using MigrationTools.Core.Errors;
using MigrationTools.Core.Interop;
using MigrationTools.Core.Processes;
using MigrationTools.Core.Reporting;
using MigrationTools.Engine.Links;
using MigrationTools.Engine.Netlink;
using MigrationTools.Engine.Netlink.Route;
using MigrationTools.Engine.Platform;
using MigrationTools.Engine.Processes;
using MigrationTools.Engine.State;
using MigrationTools.Engine.Validation;

namespace MigrationTools.Engine.Namespaces;

/// <summary>
/// Creates, lists and removes named network namespaces exactly as iproute2 does, without running it: a namespace is
/// made by unshare(2) on a thread of its own and bind-mounted at /run/netns/NAME (a shared mount point), so
/// <c>ip netns</c> sees and removes it, and this module uses namespaces made by <c>ip netns add</c> alike.
/// </summary>
internal static class NetNsManager
{
    private static readonly object NetNsDirectoryGate = new();
    private static bool _netNsDirectoryReady;

    /// <summary>The names of all named namespaces, in order, as <c>ip netns list</c> reports them.</summary>
    public static IReadOnlyList<string> ListNames()
    {
        HostRequirements.EnsureLinux();
        try
        {
            return Directory.Exists(NetNsPaths.NetNsDirectory)
                ? Directory.GetFiles(NetNsPaths.NetNsDirectory).Select(Path.GetFileName).OfType<string>()
                    .Where(n => NameValidator.NamespaceNameProblem(n) is null).OrderBy(n => n, StringComparer.Ordinal).ToArray()
                : Array.Empty<string>();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw ErrorCatalog.NetNsListFailed($"Could not list {NetNsPaths.NetNsDirectory}: {ex.Message}", NetNsPaths.NetNsDirectory, ex);
        }
    }

    /// <summary>Reads one namespace with its interfaces, addresses and forwarding state.</summary>
    public static NetNamespace Get(string name, CancellationToken cancellationToken = default)
    {
        var identity = NetNsLookup.IdentityOf(name);
        var (links, addresses) = Rtnetlink.LinksAndAddresses(name);
        (bool? v4, bool? v6) forwarding = HostRequirements.IsRoot ? NetNsSysctl.ReadForwarding(name) : (null, null);
        return new NetNamespace(name, identity, LinkManager.ToInterfaces(name, links, addresses), forwarding.v4, forwarding.v6);
    }

    /// <summary>Creates namespace <paramref name="name"/> with loopback up. Nothing is left behind on failure.</summary>
    public static NetNamespace Create(string name, CancellationToken cancellationToken = default)
    {
        var (identity, made) = Make(name, Array.Empty<(string, string)>(), socket =>
        {
            var forwarding = NetNsSysctl.ReadForwardingHere();
            return (Links: Rtnetlink.Links(socket), Addresses: Rtnetlink.Addresses(socket, null), Forwarding: forwarding);
        });
        return new NetNamespace(name, identity, LinkManager.ToInterfaces(name, made.Links, made.Addresses), made.Forwarding.IPv4, made.Forwarding.IPv6);
    }

    /// <summary>
    /// Creates namespace <paramref name="name"/> with loopback up and <paramref name="sysctls"/> written from inside
    /// it as it is made (no second visit), and reads nothing back: what a lab builder making many needs. Nothing is
    /// left behind on failure.
    /// </summary>
    internal static NetNsIdentity CreateBare(string name, IReadOnlyList<(string Key, string Value)> sysctls) =>
        Make(name, sysctls, _ => 0).Identity;

    private static (NetNsIdentity Identity, T Made) Make<T>(string name, IReadOnlyList<(string Key, string Value)> sysctls, Func<NetlinkSocket, T> inside)
    {
        NameValidator.EnsureNamespaceName(name);
        HostRequirements.EnsureRoot();
        if (NetNsLookup.Exists(name))
        {
            throw Exists(name, null);
        }

        EnsureNetNsDirectory();
        var path = NetNsPaths.MountPath(name);
        using (var fd = Libc.OpenOwned(path, FileConstants.O_RDONLY | FileConstants.O_CREAT | FileConstants.O_EXCL | FileConstants.O_CLOEXEC, 0))
        {
            if (fd.IsInvalid)
            {
                var errno = Libc.LastError;
                throw errno == Errno.EEXIST ? Exists(name, null) : Failed("create the mount point " + path, errno, name);
            }
        }

        NetlinkSocket? socket = null;
        try
        {
            // One worker does it all: it makes the new namespace its own, and the socket it opens there is kept for
            // later; then the worker goes back to its own namespace.
            var made = NamespaceThread.RunOnWorker(() =>
            {
                if (Libc.Unshare(NamespaceConstants.CLONE_NEWNET) != 0)
                {
                    throw Failed("create a network namespace", Libc.LastError, name);
                }

                if (Libc.Mount("/proc/thread-self/ns/net", path, "none", NamespaceConstants.MS_BIND, 0) != 0)
                {
                    throw Failed("bind-mount the new namespace at " + path, Libc.LastError, name);
                }

                socket = NetlinkSocket.Open(Sock.NETLINK_ROUTE);
                // Loopback is index 1 in a new namespace.
                var ack = Rtnetlink.Execute(socket, (ref NetlinkWriter w, uint s) => LinkMessages.WriteSetLink(ref w, s, 1, up: true, mtu: null), "bring loopback up");
                if (!ack.Succeeded)
                {
                    throw Failed("bring loopback up in the new namespace", ack.Error, name);
                }

                foreach (var (key, value) in sysctls)
                {
                    NetNsSysctl.WriteHere(name, key, value);
                }

                return inside(socket);
            });
            var identity = NetNsIdentity.Of(path) ?? throw NetNsLookup.NotFound(name);
            Rtnetlink.Adopt(name, identity, socket!);
            // A new namespace starts with no state; whatever an earlier one of that name left is discarded.
            NetNsState.DiscardStale(name, identity);
            EngineOutput.Verbose($"Created network namespace '{name}' ({path}) with loopback up.");
            return (identity, made);
        }
        catch
        {
            socket?.Dispose();
            Unmount(path);
            throw;
        }
    }

    /// <summary>The pids of every process whose network namespace is <paramref name="name"/>.</summary>
    public static IReadOnlyList<int> ProcessIds(string name) => ProcessIds(NetNsLookup.IdentityOf(name));

    /// <summary>The pids of every process (other than this one) whose network namespace has <paramref name="identity"/>.</summary>
    internal static IReadOnlyList<int> ProcessIds(NetNsIdentity identity) =>
        ProcessesIn(new HashSet<NetNsIdentity> { identity }).TryGetValue(identity, out var pids) ? pids : Array.Empty<int>();

    /// <summary>
    /// Removes namespace <paramref name="name"/>: stops every process still running in it (SIGTERM, then SIGKILL),
    /// closes this process's sockets in it, forgets the module's state for it and unmounts and deletes the bind
    /// mount, as <c>ip netns delete</c> does. Veth peers in other namespaces go with it.
    /// </summary>
    public static void Remove(string name, CancellationToken cancellationToken = default) => RemoveAll(new[] { name });

    /// <summary>
    /// Removes namespaces as <see cref="Remove"/> does, with one look at /proc for the processes in all of them and one
    /// wait for those to end: a lab's thousand namespaces cost a thousand unmounts, not a thousand scans of /proc.
    /// A name that is gone fails with <c>NetNsNotFound</c> before anything is removed.
    /// </summary>
    internal static int RemoveAll(IReadOnlyList<string> names, bool skipMissing = false)
    {
        if (skipMissing)
        {
            names = names.Where(n => NetNsIdentity.Of(NetNsPaths.MountPath(n)) is not null).ToArray();
        }

        var identities = names.Select(NetNsLookup.IdentityOf).ToArray();
        HostRequirements.EnsureRoot();
        var wanted = identities.ToHashSet();
        var inside = ProcessesIn(wanted);
        // Programs the module started may still be on their way into the namespace (ip netns exec before setns).
        var pids = inside.Values.SelectMany(p => p)
            .Union(names.SelectMany(n => NetNsProcessManager.List(n)).Where(p => p.IsAlive).Select(p => p.ProcessId))
            .ToArray();
        ProcessSignals.Terminate(pids, TimeSpan.FromSeconds(2));
        for (var i = 0; i < names.Count; i++)
        {
            var name = names[i];
            NetNsProcessManager.ForgetNamespace(name);
            // Open sockets would keep the namespace (and its veth peers) alive after the bind mount is gone.
            Rtnetlink.Close(name);
            NetfilterSession.Close(name);
            NetNsState.Forget(name);
            Unmount(NetNsPaths.MountPath(name));
            var stopped = inside.TryGetValue(identities[i], out var these) ? these.Count : 0;
            EngineOutput.Verbose($"Removed network namespace '{name}'" + (stopped > 0 ? $" and stopped {stopped} process(es) in it." : "."));
        }

        return names.Count;
    }

    /// <summary>The pids of the processes (other than this one) in each of the namespaces of <paramref name="identities"/>.</summary>
    private static Dictionary<NetNsIdentity, List<int>> ProcessesIn(IReadOnlySet<NetNsIdentity> identities)
    {
        var result = new Dictionary<NetNsIdentity, List<int>>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid) &&
                pid != Environment.ProcessId && NetNsIdentity.Of(directory + "/ns/net") is { } identity && identities.Contains(identity))
            {
                (result.TryGetValue(identity, out var list) ? list : result[identity] = new List<int>()).Add(pid);
            }
        }

        return result;
    }

    private static void Unmount(string path)
    {
        if (Libc.Umount2(path, NamespaceConstants.MNT_DETACH) != 0 && Libc.LastError is not (Errno.EINVAL or Errno.ENOENT))
        {
            throw Failed("unmount " + path, Libc.LastError, Path.GetFileName(path));
        }

        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw ErrorCatalog.NetNsRemoveFailed($"Could not delete {path}: {ex.Message}", Path.GetFileName(path), ex);
        }
    }

    /// <summary>Makes /run/netns a shared mount point, once per process, as iproute2 does, so mounts in it propagate.</summary>
    private static void EnsureNetNsDirectory()
    {
        lock (NetNsDirectoryGate)
        {
            if (_netNsDirectoryReady)
            {
                return;
            }

            Directory.CreateDirectory(NetNsPaths.NetNsDirectory);
            var madeMountPoint = false;
            while (Libc.Mount(string.Empty, NetNsPaths.NetNsDirectory, "none", NamespaceConstants.MS_SHARED | NamespaceConstants.MS_REC, 0) != 0)
            {
                var errno = Libc.LastError;
                if (errno != Errno.EINVAL || madeMountPoint)
                {
                    throw Failed("make " + NetNsPaths.NetNsDirectory + " a shared mount", errno, NetNsPaths.NetNsDirectory);
                }

                // Not a mount point yet: bind it on itself, then make that shared.
                if (Libc.Mount(NetNsPaths.NetNsDirectory, NetNsPaths.NetNsDirectory, "none", NamespaceConstants.MS_BIND | NamespaceConstants.MS_REC, 0) != 0)
                {
                    throw Failed("make " + NetNsPaths.NetNsDirectory + " a mount point", Libc.LastError, NetNsPaths.NetNsDirectory);
                }

                madeMountPoint = true;
            }

            _netNsDirectoryReady = true;
        }
    }

    private static MigrationToolsException Exists(string name, Exception? inner) =>
        ErrorCatalog.NetNsExists($"The network namespace '{name}' already exists. Remove it first (Remove-NetNs -Name {name}) or use New-NetNs -Force to reuse it.", name, inner);

    private static MigrationToolsException Failed(string what, Errno errno, string target) =>
        ErrorCatalog.FromErrno(ErrorIds.NetNsCreateFailed, errno,
            $"Could not {what}: {Libc.Describe(errno)} (errno {(int)errno}).", target);
}
