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
            // One thread does it all: it enters the new namespace, and the socket it opens there is kept for later.
            var made = NamespaceThread.RunOnNewThread("netns-new:" + name, () =>
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

                var forwarding = NetNsSysctl.ReadForwardingHere();
                return (Links: Rtnetlink.Links(socket), Addresses: Rtnetlink.Addresses(socket, null), Forwarding: forwarding);
            });
            var identity = NetNsIdentity.Of(path) ?? throw NetNsLookup.NotFound(name);
            Rtnetlink.Adopt(name, identity, socket!);
            // A new namespace starts with no state; whatever an earlier one of that name left is discarded.
            NetNsState.Sweep();
            EngineOutput.Verbose($"Created network namespace '{name}' ({path}) with loopback up.");
            return new NetNamespace(name, identity, LinkManager.ToInterfaces(name, made.Links, made.Addresses), made.Forwarding.IPv4, made.Forwarding.IPv6);
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
    internal static IReadOnlyList<int> ProcessIds(NetNsIdentity identity)
    {
        var result = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid) &&
                pid != Environment.ProcessId && NetNsIdentity.Of(directory + "/ns/net") == identity)
            {
                result.Add(pid);
            }
        }

        return result;
    }


    /// <summary>
    /// Removes namespace <paramref name="name"/>: stops every process still running in it (SIGTERM, then SIGKILL),
    /// closes this process's sockets in it, forgets the module's state for it and unmounts and deletes the bind
    /// mount, as <c>ip netns delete</c> does. Veth peers in other namespaces go with it.
    /// </summary>
    public static void Remove(string name, CancellationToken cancellationToken = default)
    {
        var identity = NetNsLookup.IdentityOf(name);
        HostRequirements.EnsureRoot();
        // Programs the module started may still be on their way into the namespace (ip netns exec before setns).
        var pids = ProcessIds(identity)
            .Union(NetNsProcessManager.List(name).Where(p => p.IsRunning).Select(p => p.ProcessId))
            .ToArray();
        ProcessSignals.Terminate(pids, TimeSpan.FromSeconds(2));
        NetNsProcessManager.ForgetNamespace(name);
        // Open sockets would keep the namespace (and its veth peers) alive after the bind mount is gone.
        Rtnetlink.Close(name);
        NetfilterSession.Close(name);
        NetNsState.Forget(name);
        Unmount(NetNsPaths.MountPath(name));
        EngineOutput.Verbose($"Removed network namespace '{name}'" + (pids.Length > 0 ? $" and stopped {pids.Length} process(es) in it." : "."));
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
