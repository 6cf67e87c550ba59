using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Errors;
using MigrationTools.Engine.Links;
using MigrationTools.Engine.Namespaces;
using MigrationTools.Engine.Platform;
using MigrationTools.Engine.Processes;
using MigrationTools.Engine.Tools;
using MigrationTools.Engine.Validation;

namespace MigrationTools.Engine.Tunnels;

/// <summary>What <see cref="TunnelManager.Set"/> asks for.</summary>
public sealed record IpipTunnelSpec(string Namespace, string Name, IPAddress Local, IPAddress Remote, int Ttl, int Tos, int? Mtu, TunnelMode Mode);

/// <summary>
/// IP-in-IP tunnels in namespaces: the kernel's ipip device where the kernel has one, otherwise (or on request)
/// a persistent TUN device served by the module's relay process. Set is idempotent: it creates the tunnel or
/// brings it to the given settings, and restarts a relay that died.
/// </summary>
public static class TunnelManager
{
    private const int DefaultUserspaceMtu = 1480;

    private sealed record TunnelState(string Name, TunnelMode Mode, string Local, string Remote, int Ttl, int Tos, int Mtu, int Pid, long StartTicks);

    private static string DirectoryOf(string @namespace) => Path.Combine(NetNsProcessManager.StateDirectoryOf(@namespace), "tunnels");

    private static string StatePath(string @namespace, string name) => Path.Combine(DirectoryOf(@namespace), name + ".json");

    private static string StatsPath(string @namespace, string name) => Path.Combine(DirectoryOf(@namespace), name + ".stats.json");

    private static string LogPath(string @namespace, string name) => Path.Combine(DirectoryOf(@namespace), name + ".log");

    /// <summary>True when this kernel has the ipip module loaded or available to load.</summary>
    public static bool KernelSupportsIpip()
    {
        if (Directory.Exists("/sys/module/ipip"))
        {
            return true;
        }

        var release = File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : string.Empty;
        var directory = $"/lib/modules/{release}/kernel/net/ipv4";
        return Directory.Exists(directory) && Directory.GetFiles(directory, "ipip.ko*").Length > 0;
    }

    /// <summary>Validates the addresses and options of a tunnel request.</summary>
    public static IpipTunnelSpec Validate(string @namespace, string name, string local, string remote, int ttl, int tos, int? mtu, TunnelMode mode)
    {
        NameValidator.EnsureNamespaceName(@namespace);
        NameValidator.EnsureInterfaceName(name);
        var localAddress = IpPrefix.ParseAddress(local, "local address");
        var remoteAddress = IpPrefix.ParseAddress(remote, "remote address");
        foreach (var (address, what) in new[] { (localAddress, "local"), (remoteAddress, "remote") })
        {
            if (IpPrefix.FamilyOf(address) != IpFamily.IPv4)
            {
                throw new MigrationToolsException("IpipAddressNotIPv4", FailureKind.InvalidArgument,
                    $"The {what} address {address} is not IPv4: IP-in-IP (RFC 2003) runs over IPv4.", address.ToString());
            }
        }

        if (ttl is < 0 or > 255 || tos is < 0 or > 255)
        {
            throw new MigrationToolsException("InvalidTunnelOption", FailureKind.InvalidArgument, "TTL and TOS must be between 0 and 255.", ttl);
        }

        if (mtu is < 68 or > 65515)
        {
            throw new MigrationToolsException("InvalidMtu", FailureKind.InvalidArgument, $"The MTU {mtu} is out of range (68 to 65515).", mtu);
        }

        return new IpipTunnelSpec(@namespace, name, localAddress, remoteAddress, ttl, tos, mtu, mode);
    }

    /// <summary>Creates the tunnel or brings it to <paramref name="spec"/>; returns it and says which mode was used and why.</summary>
    public static (IpipTunnel Tunnel, string Note) Set(IpipTunnelSpec spec, CancellationToken cancellationToken = default)
    {
        HostRequirements.EnsureRoot();
        NetNsManager.EnsureExists(spec.Namespace);
        if (!AddressManager.List(spec.Namespace, null, cancellationToken).Any(a => a.Address.Equals(spec.Local)))
        {
            throw new MigrationToolsException("IpipLocalAddressNotFound", FailureKind.ObjectNotFound,
                $"The local address {spec.Local} is not in namespace '{spec.Namespace}'. Add it first (New-NetNsAddress).", spec.Local.ToString());
        }

        var state = LoadState(spec.Namespace, spec.Name);
        var existing = LinkManager.TryGet(spec.Namespace, spec.Name, cancellationToken);
        var mode = spec.Mode;
        string note;
        if (existing is not null && existing.Kind == "ipip")
        {
            mode = mode == TunnelMode.Userspace ? Conflict(spec, "a kernel ipip device") : TunnelMode.Kernel;
            note = "kernel ipip device (existing)";
        }
        else if (existing is not null && state is not null)
        {
            mode = mode == TunnelMode.Kernel ? Conflict(spec, "a userspace tunnel") : TunnelMode.Userspace;
            note = "userspace relay (existing)";
        }
        else if (existing is not null)
        {
            throw new MigrationToolsException("InterfaceNameTaken", FailureKind.ResourceExists,
                $"'{spec.Name}' in '{spec.Namespace}' is a {existing.Kind} link, not a tunnel of MigrationTools. Choose another name or remove it.", spec.Name);
        }
        else if (mode == TunnelMode.Auto)
        {
            mode = KernelSupportsIpip() ? TunnelMode.Kernel : TunnelMode.Userspace;
            note = mode == TunnelMode.Kernel ? "kernel ipip device (the kernel has ipip)" : "userspace relay (this kernel has no ipip module)";
        }
        else
        {
            note = mode == TunnelMode.Kernel ? "kernel ipip device (requested)" : "userspace relay (requested)";
        }

        var tunnel = mode == TunnelMode.Kernel
            ? SetKernel(spec, existing, cancellationToken)
            : SetUserspace(spec, existing, state, cancellationToken);
        return (tunnel, note);
    }

    /// <summary>The tunnels of a namespace: the module's userspace tunnels and every kernel ipip device.</summary>
    public static IReadOnlyList<IpipTunnel> List(string @namespace, CancellationToken cancellationToken = default)
    {
        NetNsManager.EnsureExists(@namespace);
        var links = LinkManager.List(@namespace, cancellationToken);
        var result = new List<IpipTunnel>();
        var directory = DirectoryOf(@namespace);
        if (Directory.Exists(directory))
        {
            foreach (var file in Directory.GetFiles(directory, "*.json").Where(f => !f.EndsWith(".stats.json", StringComparison.Ordinal)).OrderBy(f => f, StringComparer.Ordinal))
            {
                var state = ReadJson<TunnelState>(file);
                if (state is not null && state.Mode == TunnelMode.Userspace)
                {
                    result.Add(ToUserspaceTunnel(@namespace, state, links.FirstOrDefault(l => l.Name == state.Name)));
                }
            }
        }

        foreach (var link in links.Where(l => l.Kind == "ipip"))
        {
            result.Add(ReadKernelTunnel(@namespace, link.Name, cancellationToken));
        }

        return result;
    }

    /// <summary>Removes a tunnel: stops its relay and deletes its device.</summary>
    public static void Remove(string @namespace, string name, CancellationToken cancellationToken = default)
    {
        HostRequirements.EnsureRoot();
        NetNsManager.EnsureExists(@namespace);
        NameValidator.EnsureInterfaceName(name);
        var state = LoadState(@namespace, name);
        var link = LinkManager.TryGet(@namespace, name, cancellationToken);
        if (state is null && link?.Kind != "ipip")
        {
            throw new MigrationToolsException("TunnelNotFound", FailureKind.ObjectNotFound,
                $"There is no IPIP tunnel '{name}' in '{@namespace}'. List them with Get-IpipTunnel -Namespace {@namespace}.", name);
        }

        if (state is not null)
        {
            StopRelay(state);
            foreach (var path in new[] { StatePath(@namespace, name), StatsPath(@namespace, name), LogPath(@namespace, name) })
            {
                File.Delete(path);
            }
        }

        if (link is not null)
        {
            IpTool.Run(@namespace, new[] { "link", "delete", "dev", name }, cancellationToken, name);
        }
    }

    private static TunnelMode Conflict(IpipTunnelSpec spec, string what) =>
        throw new MigrationToolsException("TunnelModeConflict", FailureKind.InvalidOperation,
            $"'{spec.Name}' in '{spec.Namespace}' is already {what}; remove it (Remove-IpipTunnel) to change its mode.", spec.Name);

    private static IpipTunnel SetKernel(IpipTunnelSpec spec, NetInterface? existing, CancellationToken cancellationToken)
    {
        if (existing is null && !KernelSupportsIpip())
        {
            throw new MigrationToolsException("IpipKernelUnsupported", FailureKind.NotSupported,
                $"This kernel ({File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}) has no ipip module (no /sys/module/ipip and no ipip.ko to load). Use -Mode Userspace or -Mode Auto.", spec.Name);
        }

        var parameters = new List<string> { "local", spec.Local.ToString(), "remote", spec.Remote.ToString(), "ttl", spec.Ttl == 0 ? "inherit" : spec.Ttl.ToString(CultureInfo.InvariantCulture), "tos", spec.Tos == 0 ? "inherit" : spec.Tos.ToString(CultureInfo.InvariantCulture) };
        if (existing is null)
        {
            var add = new List<string> { "link", "add", "name", spec.Name, "type", "ipip" };
            add.AddRange(parameters);
            var result = IpTool.TryRun(spec.Namespace, add, cancellationToken);
            if (!result.Succeeded)
            {
                var unsupported = result.StandardError.Contains("Unknown device type", StringComparison.OrdinalIgnoreCase) || result.StandardError.Contains("not supported", StringComparison.OrdinalIgnoreCase);
                throw unsupported
                    ? new MigrationToolsException("IpipKernelUnsupported", FailureKind.NotSupported, $"The kernel refused an ipip device: {result.StandardError.Trim()} Use -Mode Userspace.", spec.Name)
                    : ToolRunner.Classify(result, spec.Name);
            }
        }
        else
        {
            var change = new List<string> { "link", "set", "dev", spec.Name, "type", "ipip" };
            change.AddRange(parameters);
            IpTool.Run(spec.Namespace, change, cancellationToken, spec.Name);
        }

        var up = new List<string> { "link", "set", "dev", spec.Name };
        if (spec.Mtu is not null)
        {
            up.AddRange(new[] { "mtu", spec.Mtu.Value.ToString(CultureInfo.InvariantCulture) });
        }

        up.Add("up");
        IpTool.Run(spec.Namespace, up, cancellationToken, spec.Name);
        return ReadKernelTunnel(spec.Namespace, spec.Name, cancellationToken);
    }

    private static IpipTunnel SetUserspace(IpipTunnelSpec spec, NetInterface? existing, TunnelState? state, CancellationToken cancellationToken)
    {
        var mtu = spec.Mtu ?? state?.Mtu ?? DefaultUserspaceMtu;
        var ttl = spec.Ttl == 0 ? 64 : spec.Ttl;
        var created = false;
        if (existing is null)
        {
            IpTool.Run(spec.Namespace, new[] { "tuntap", "add", "dev", spec.Name, "mode", "tun" }, cancellationToken, spec.Name);
            created = true;
        }

        try
        {
            // Like the kernel's ipip device, the tunnel carries IPv4 only: no link-local address, no router solicitations.
            NetNsSysctl.WriteInterfaceSetting(spec.Namespace, IpFamily.IPv6, spec.Name, "disable_ipv6", "1");
            if (created)
            {
                // No queueing discipline, as on the kernel's tunnel devices: the relay drains the device's own ring.
                NetNsTool.TryRun(spec.Namespace, "tc", new[] { "qdisc", "replace", "dev", spec.Name, "root", "noqueue" }, cancellationToken: cancellationToken);
            }

            IpTool.Run(spec.Namespace, new[] { "link", "set", "dev", spec.Name, "mtu", mtu.ToString(CultureInfo.InvariantCulture), "up" }, cancellationToken, spec.Name);
            var wanted = new TunnelState(spec.Name, TunnelMode.Userspace, spec.Local.ToString(), spec.Remote.ToString(), ttl, spec.Tos, mtu, 0, 0);
            var alive = state is not null && IsRelayAlive(state);
            var same = state is not null && state with { Pid = 0, StartTicks = 0 } == wanted;
            if (!(alive && same))
            {
                if (state is not null)
                {
                    StopRelay(state);
                }

                var (pid, ticks) = StartRelay(spec, ttl, cancellationToken);
                state = wanted with { Pid = pid, StartTicks = ticks };
                Directory.CreateDirectory(DirectoryOf(spec.Namespace));
                File.WriteAllText(StatePath(spec.Namespace, spec.Name), JsonSerializer.Serialize(state));
            }
        }
        catch
        {
            if (created)
            {
                IpTool.TryRun(spec.Namespace, new[] { "link", "delete", "dev", spec.Name });
                File.Delete(StatePath(spec.Namespace, spec.Name));
            }

            throw;
        }

        return ToUserspaceTunnel(spec.Namespace, state!, LinkManager.TryGet(spec.Namespace, spec.Name, cancellationToken));
    }

    private static (int Pid, long StartTicks) StartRelay(IpipTunnelSpec spec, int ttl, CancellationToken cancellationToken)
    {
        var (host, agent) = LocateAgent();
        Directory.CreateDirectory(DirectoryOf(spec.Namespace));
        var arguments = new List<string>
        {
            "netns", "exec", spec.Namespace, ToolCatalog.Resolve("setsid"), "-f", host, agent, "ipip",
            "--name", spec.Name, "--local", spec.Local.ToString(), "--remote", spec.Remote.ToString(),
            "--ttl", ttl.ToString(CultureInfo.InvariantCulture), "--tos", spec.Tos.ToString(CultureInfo.InvariantCulture),
            "--stats", StatsPath(spec.Namespace, spec.Name), "--log", LogPath(spec.Namespace, spec.Name),
        };
        // setsid -f returns at once; the output ends when the relay has attached and let go of its streams.
        var result = ToolRunner.RunAsync("ip", arguments, cancellationToken).GetAwaiter().GetResult();
        var ready = result.StandardOutput.Split('\n').FirstOrDefault(l => l.StartsWith("ready ", StringComparison.Ordinal));
        if (ready is null || !int.TryParse(ready.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            throw new MigrationToolsException("TunnelRelayFailed", FailureKind.OperationFailed,
                $"The userspace tunnel relay for '{spec.Name}' did not start: {(result.StandardError + result.StandardOutput).Trim()}", spec.Name);
        }

        return (pid, ProcessSignals.StartTicks(pid) ?? 0);
    }

    private static (string Host, string Agent) LocateAgent()
    {
        var directory = Path.GetDirectoryName(typeof(TunnelManager).Assembly.Location) ?? ".";
        var agent = Path.Combine(directory, "MigrationTools.Agent.dll");
        if (!File.Exists(agent))
        {
            throw new MigrationToolsException("TunnelAgentMissing", FailureKind.NotInstalled, $"The relay program {agent} is missing from the module; rebuild or reinstall MigrationTools.", agent);
        }

        // The dotnet host of the runtime this process runs on: <root>/shared/Microsoft.NETCore.App/<version>/.
        var runtime = RuntimeEnvironment.GetRuntimeDirectory().TrimEnd('/');
        var root = Path.GetFullPath(Path.Combine(runtime, "..", "..", ".."));
        foreach (var candidate in new[] { Path.Combine(root, "dotnet"), Path.Combine(Environment.GetEnvironmentVariable("DOTNET_ROOT") ?? "/nonexistent", "dotnet") })
        {
            if (File.Exists(candidate))
            {
                return (candidate, agent);
            }
        }

        return (ToolCatalog.Resolve("dotnet"), agent);
    }

    private static bool IsRelayAlive(TunnelState state) =>
        state.Pid > 0 && ProcessSignals.IsAlive(state.Pid) && ProcessSignals.StartTicks(state.Pid) == state.StartTicks;

    private static void StopRelay(TunnelState state)
    {
        if (IsRelayAlive(state))
        {
            ProcessSignals.Terminate(state.Pid, TimeSpan.FromSeconds(2));
        }
    }

    private static IpipTunnel ToUserspaceTunnel(string @namespace, TunnelState state, NetInterface? link)
    {
        var status = link is null ? "Missing" : IsRelayAlive(state) ? "Running" : "Dead";
        return new IpipTunnel(@namespace, state.Name, TunnelMode.Userspace, IPAddress.Parse(state.Local), IPAddress.Parse(state.Remote), state.Ttl, state.Tos,
            link?.Mtu ?? state.Mtu, status, state.Pid, ReadJson<IpipCounters>(StatsPath(@namespace, state.Name)), LogPath(@namespace, state.Name));
    }

    private static IpipTunnel ReadKernelTunnel(string @namespace, string name, CancellationToken cancellationToken)
    {
        var json = IpTool.Json(@namespace, new[] { "-details", "link", "show", "dev", name }, cancellationToken, name);
        using var document = JsonDocument.Parse(json);
        var item = document.RootElement[0];
        IPAddress? local = null, remote = null;
        int ttl = 0, tos = 0;
        if (item.TryGetProperty("linkinfo", out var info) && info.TryGetProperty("info_data", out var data))
        {
            if (data.TryGetProperty("local", out var l) && IPAddress.TryParse(l.GetString(), out var la)) { local = la; }
            if (data.TryGetProperty("remote", out var r) && IPAddress.TryParse(r.GetString(), out var ra)) { remote = ra; }
            if (data.TryGetProperty("ttl", out var t) && t.ValueKind == JsonValueKind.Number) { ttl = t.GetInt32(); }
            if (data.TryGetProperty("tos", out var s) && s.ValueKind == JsonValueKind.Number) { tos = s.GetInt32(); }
        }

        return new IpipTunnel(@namespace, name, TunnelMode.Kernel, local, remote, ttl, tos, item.GetProperty("mtu").GetInt32(),
            item.TryGetProperty("operstate", out var state) ? state.GetString() ?? "UNKNOWN" : "UNKNOWN", null, null, null);
    }

    private static TunnelState? LoadState(string @namespace, string name) => ReadJson<TunnelState>(StatePath(@namespace, name));

    private static T? ReadJson<T>(string path) where T : class
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<T>(File.ReadAllText(path)) : null;
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            return null;
        }
    }
}
