using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using MigrationTools.Engine.Errors;
using MigrationTools.Engine.Platform;
using MigrationTools.Engine.Processes;
using MigrationTools.Engine.Tools;
using MigrationTools.Engine.Validation;

namespace MigrationTools.Engine.Namespaces;

/// <summary>Creates, lists and removes named network namespaces, compatible with <c>ip netns</c>.</summary>
public static class NetNsManager
{
    /// <summary>True when namespace <paramref name="name"/> exists.</summary>
    public static bool Exists(string name) =>
        NameValidator.NamespaceNameProblem(name) is null && File.Exists(NetNsPaths.MountPath(name));

    /// <summary>Throws <c>NetNsNotFound</c> unless namespace <paramref name="name"/> exists.</summary>
    public static string EnsureExists(string name)
    {
        NameValidator.EnsureNamespaceName(name);
        if (!Exists(name))
        {
            throw new MigrationToolsException("NetNsNotFound", FailureKind.ObjectNotFound,
                $"The network namespace '{name}' does not exist. Create it with New-NetNs -Name {name}, or list them with Get-NetNs.", name);
        }

        return name;
    }

    /// <summary>The names (and ids) of all named namespaces, as <c>ip netns list</c> reports them.</summary>
    public static IReadOnlyList<(string Name, int? Id)> ListNames(CancellationToken cancellationToken = default)
    {
        HostRequirements.EnsureLinux();
        if (!Directory.Exists(NetNsPaths.NetNsDirectory))
        {
            return Array.Empty<(string, int?)>();
        }

        return IpJson.ParseNetNsList(IpTool.Json(null, new[] { "netns", "list" }, cancellationToken))
            .OrderBy(n => n.Name, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>Reads one namespace with its interfaces, addresses and forwarding state.</summary>
    public static NetNamespace Get(string name, int? id = null, CancellationToken cancellationToken = default)
    {
        EnsureExists(name);
        var interfaces = IpJson.ParseInterfaces(name, IpTool.Json(name, new[] { "-details", "address", "show" }, cancellationToken, name));
        (bool? v4, bool? v6) forwarding = HostRequirements.IsRoot ? NetNsSysctl.ReadForwarding(name) : (null, null);
        return new NetNamespace(name, id, interfaces, forwarding.v4, forwarding.v6);
    }

    /// <summary>Creates namespace <paramref name="name"/> with loopback up. Nothing is left behind on failure.</summary>
    public static NetNamespace Create(string name, CancellationToken cancellationToken = default)
    {
        NameValidator.EnsureNamespaceName(name);
        HostRequirements.EnsureRoot();
        if (Exists(name))
        {
            throw new MigrationToolsException("NetNsExists", FailureKind.ResourceExists,
                $"The network namespace '{name}' already exists. Remove it first (Remove-NetNs -Name {name}) or use New-NetNs -Force to reuse it.", name);
        }

        IpTool.Run(null, new[] { "netns", "add", name }, cancellationToken, name);
        try
        {
            IpTool.Run(name, new[] { "link", "set", "dev", "lo", "up" }, cancellationToken, name);
        }
        catch
        {
            IpTool.TryRun(null, new[] { "netns", "delete", name });
            throw;
        }

        return Get(name, null, cancellationToken);
    }

    /// <summary>The pids of every process whose network namespace is <paramref name="name"/>.</summary>
    public static IReadOnlyList<int> ProcessIds(string name, CancellationToken cancellationToken = default)
    {
        var result = IpTool.TryRun(null, new[] { "netns", "pids", name }, cancellationToken);
        return result.StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0)
            .Where(p => p > 0 && p != Environment.ProcessId)
            .ToArray();
    }

    /// <summary>
    /// Removes namespace <paramref name="name"/>: stops every process still running in it (SIGTERM, then SIGKILL),
    /// forgets the module's state for it and deletes the bind mount. Veth peers in other namespaces go with it.
    /// </summary>
    public static void Remove(string name, CancellationToken cancellationToken = default)
    {
        EnsureExists(name);
        HostRequirements.EnsureRoot();
        ProcessSignals.Terminate(ProcessIds(name, cancellationToken), TimeSpan.FromSeconds(2));

        NetNsProcessManager.ForgetNamespace(name);
        // Open netlink sockets would keep the namespace (and its veth peers) alive after the bind mount is gone.
        Netlink.NetfilterSession.Close(name);
        IpTool.Run(null, new[] { "netns", "delete", name }, cancellationToken, name);
    }
}
