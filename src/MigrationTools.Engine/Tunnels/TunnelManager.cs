using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading;
using MigrationTools.Core.Errors;
using MigrationTools.Core.Files;
using MigrationTools.Core.Interop;
using MigrationTools.Core.Processes;
using MigrationTools.Core.Reporting;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Links;
using MigrationTools.Engine.Namespaces;
using MigrationTools.Engine.Netlink;
using MigrationTools.Engine.Netlink.Route;
using MigrationTools.Engine.Platform;
using MigrationTools.Engine.Processes;
using MigrationTools.Engine.State;
using MigrationTools.Engine.Tools;
using MigrationTools.Engine.Validation;

namespace MigrationTools.Engine.Tunnels;

/// <summary>
/// IP-in-IP tunnels in namespaces: the kernel's ipip device where the kernel has one, otherwise (or on request)
/// a persistent TUN device served by the module's relay process. Set is idempotent: it creates the tunnel or
/// brings it to the given settings, and restarts a relay that died.
/// </summary>
internal static class TunnelManager
{
    private const int DefaultUserspaceMtu = 1480;

    private const string Area = "tunnels";

    private sealed record TunnelState(string Name, TunnelMode Mode, string Local, string Remote, int Ttl, int Tos, int Mtu, int ProcessId, long StartTicks);

    private static string StatePath(string directory, string name) => Path.Combine(directory, name + ".json");

    private static string StatsPath(string directory, string name) => Path.Combine(directory, name + ".stats");

    private static string LogPath(string directory, string name) => Path.Combine(directory, name + ".log");

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
                throw ErrorCatalog.IpipAddressNotIPv4($"The {what} address {address} is not IPv4: IP-in-IP (RFC 2003) runs over IPv4.", address.ToString());
            }
        }

        if (ttl is < 0 or > 255 || tos is < 0 or > 255)
        {
            throw ErrorCatalog.InvalidTunnelOption("TTL and TOS must be between 0 and 255.", ttl);
        }

        if (mtu is < 68 or > 65515)
        {
            throw ErrorCatalog.InvalidMtu($"The MTU {mtu} is out of range (68 to 65515).", mtu);
        }

        return new IpipTunnelSpec(@namespace, name, localAddress, remoteAddress, ttl, tos, mtu, mode);
    }

    /// <summary>Creates the tunnel or brings it to <paramref name="spec"/>; returns it and says which mode was used and why.</summary>
    public static (IpipTunnel Tunnel, string Note) Set(IpipTunnelSpec spec, CancellationToken cancellationToken = default)
    {
        HostRequirements.EnsureRoot();
        NetNsLookup.EnsureExists(spec.Namespace);
        var (links, addresses) = Rtnetlink.LinksAndAddresses(spec.Namespace);
        if (!addresses.Any(a => a.Prefix.Address.Equals(spec.Local)))
        {
            throw ErrorCatalog.IpipLocalAddressNotFound($"The local address {spec.Local} is not in namespace '{spec.Namespace}'. Add it first (New-NetNsAddress).", spec.Local.ToString());
        }

        var directory = NetNsState.Current(spec.Namespace, Area);
        var state = directory is null ? null : Adopt(spec.Namespace, directory, LoadState(directory, spec.Name));
        var existing = links.FirstOrDefault(l => l.Name == spec.Name);
        var mode = spec.Mode;
        string note;
        if (existing is not null && existing.Kind == "ipip")
        {
            mode = mode == TunnelMode.Userspace ? Conflict(spec, "a kernel ipip device") : TunnelMode.Kernel;
            note = "kernel ipip device (existing)";
        }
        else if (existing is not null && state is not null && existing.Kind == "tun")
        {
            mode = mode == TunnelMode.Kernel ? Conflict(spec, "a userspace tunnel") : TunnelMode.Userspace;
            note = "userspace relay (existing)";
        }
        else if (existing is not null)
        {
            throw ErrorCatalog.InterfaceNameTaken($"'{spec.Name}' in '{spec.Namespace}' is a {existing.Kind} link, not a tunnel of MigrationTools. Choose another name or remove it.", spec.Name);
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

        if (existing is null && state is not null)
        {
            // State of a tunnel whose device is gone (removed by hand): its relay serves nothing.
            StopRelay(state);
            ForgetState(directory!, spec.Name);
            state = null;
        }

        var tunnel = mode == TunnelMode.Kernel
            ? SetKernel(spec, existing is not null)
            : SetUserspace(spec, existing is not null, state, cancellationToken);
        EngineOutput.Verbose($"Tunnel {spec.Namespace}/{spec.Name}: {note}; {spec.Local} -> {spec.Remote}, state {tunnel.State}.");
        return (tunnel, note);
    }

    /// <summary>The tunnels of a namespace: the module's userspace tunnels and every kernel ipip device.</summary>
    public static IReadOnlyList<IpipTunnel> List(string @namespace, CancellationToken cancellationToken = default)
    {
        NetNsLookup.EnsureExists(@namespace);
        var links = Rtnetlink.Links(@namespace);
        var result = new List<IpipTunnel>();
        if (NetNsState.Current(@namespace, Area) is { } directory)
        {
            foreach (var (_, state) in StateFiles.ReadAll<TunnelState>(directory).Where(s => s.Value.Mode == TunnelMode.Userspace))
            {
                result.Add(ToUserspaceTunnel(@namespace, directory, Adopt(@namespace, directory, state)!, links.FirstOrDefault(l => l.Name == state.Name)));
            }
        }

        result.AddRange(links.Where(l => l.Kind == "ipip" && l.Name != "tunl0").Select(l => ToKernelTunnel(@namespace, l)));
        return result;
    }

    /// <summary>Removes a tunnel: stops its relay and deletes its device.</summary>
    public static void Remove(string @namespace, string name, CancellationToken cancellationToken = default)
    {
        HostRequirements.EnsureRoot();
        NetNsLookup.EnsureExists(@namespace);
        NameValidator.EnsureInterfaceName(name);
        var directory = NetNsState.Current(@namespace, Area);
        var state = directory is null ? null : Adopt(@namespace, directory, LoadState(directory, name));
        var link = Rtnetlink.Links(@namespace).FirstOrDefault(l => l.Name == name);
        if (state is null && link?.Kind != "ipip")
        {
            throw ErrorCatalog.TunnelNotFound($"There is no IPIP tunnel '{name}' in '{@namespace}'. List them with Get-IpipTunnel -Namespace {@namespace}.", name);
        }

        if (state is not null)
        {
            StopRelay(state);
            ForgetState(directory!, name);
        }

        if (link is not null)
        {
            var ack = Rtnetlink.Execute(@namespace, (ref NetlinkWriter w, uint s) => LinkMessages.WriteDelLink(ref w, s, link.Index), $"delete the tunnel {@namespace}/{name}");
            if (!ack.Succeeded && ack.Error != Errno.ENODEV)
            {
                throw NetlinkSocket.Failure($"delete the tunnel {@namespace}/{name}", ack);
            }
        }

        EngineOutput.Verbose($"Removed the tunnel {@namespace}/{name}{(state is null ? string.Empty : $" and stopped its relay (pid {state.ProcessId})")}.");
    }

    private static TunnelMode Conflict(IpipTunnelSpec spec, string what) =>
        throw ErrorCatalog.TunnelModeConflict($"'{spec.Name}' in '{spec.Namespace}' is already {what}; remove it (Remove-IpipTunnel) to change its mode.", spec.Name);

    private static IpipTunnel SetKernel(IpipTunnelSpec spec, bool exists)
    {
        if (!exists && !KernelSupportsIpip())
        {
            throw ErrorCatalog.IpipKernelUnsupported($"This kernel ({File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}) has no ipip module (no /sys/module/ipip and no ipip.ko to load). Use -Mode Userspace or -Mode Auto.", spec.Name);
        }

        var ack = Rtnetlink.Execute(spec.Namespace, (ref NetlinkWriter w, uint s) => LinkMessages.WriteNewIpip(ref w, s, spec.Name, spec.Local, spec.Remote, (byte)spec.Ttl, (byte)spec.Tos, change: exists),
            $"{(exists ? "change" : "create")} the ipip device {spec.Namespace}/{spec.Name}");
        if (!ack.Succeeded)
        {
            throw ack.Error is Errno.EOPNOTSUPP or Errno.EPROTONOSUPPORT || (ack.KernelMessage ?? string.Empty).Contains("Unknown device type", StringComparison.OrdinalIgnoreCase)
                ? ErrorCatalog.IpipKernelUnsupported($"The kernel refused an ipip device: {ack.Describe()}. Use -Mode Userspace.", spec.Name)
                : NetlinkSocket.Failure($"create the ipip device {spec.Namespace}/{spec.Name}", ack);
        }

        try
        {
            LinkManager.Set(spec.Namespace, spec.Name, up: true, spec.Mtu);
        }
        catch when (!exists)
        {
            Rtnetlink.Execute(spec.Namespace, (ref NetlinkWriter w, uint s) => LinkMessages.WriteDelLinkByName(ref w, s, spec.Name), "delete " + spec.Name);
            throw;
        }

        var link = Rtnetlink.Links(spec.Namespace).First(l => l.Name == spec.Name);
        return ToKernelTunnel(spec.Namespace, link);
    }

    private static IpipTunnel SetUserspace(IpipTunnelSpec spec, bool exists, TunnelState? state, CancellationToken cancellationToken)
    {
        var mtu = spec.Mtu ?? state?.Mtu ?? DefaultUserspaceMtu;
        var ttl = spec.Ttl == 0 ? 64 : spec.Ttl;
        var directory = NetNsState.Prepare(spec.Namespace, Area);
        if (!exists)
        {
            TunDevice.CreatePersistent(spec.Namespace, spec.Name);
        }

        try
        {
            // Like the kernel's ipip device, the tunnel carries IPv4 only: no link-local address, no router solicitations.
            NetNsSysctl.WriteInterfaceSetting(spec.Namespace, IpFamily.IPv6, spec.Name, "disable_ipv6", "1");
            if (!exists)
            {
                // No queueing discipline, as on the kernel's tunnel devices: the relay drains the device's own ring.
                NetNsTool.TryRun(spec.Namespace, "tc", new[] { "qdisc", "replace", "dev", spec.Name, "root", "noqueue" }, cancellationToken: cancellationToken);
            }

            LinkManager.Set(spec.Namespace, spec.Name, up: true, mtu);
            var wanted = new TunnelState(spec.Name, TunnelMode.Userspace, spec.Local.ToString(), spec.Remote.ToString(), ttl, spec.Tos, mtu, 0, 0);
            var serving = state is not null && IsRelayServing(state);
            var same = state is not null && state with { ProcessId = 0, StartTicks = 0 } == wanted;
            if (!(serving && same))
            {
                if (state is not null)
                {
                    StopRelay(state);
                }

                FaultPoints.Reach("tunnel-device-ready");
                var (pid, ticks) = StartRelay(spec, directory, ttl, cancellationToken);
                FaultPoints.Reach("tunnel-relay-started");
                state = wanted with { ProcessId = pid, StartTicks = ticks };
                StateFiles.Write(StatePath(directory, spec.Name), state);
            }
        }
        catch
        {
            if (!exists)
            {
                if (state is not null)
                {
                    StopRelay(state);
                }

                Rtnetlink.Execute(spec.Namespace, (ref NetlinkWriter w, uint s) => LinkMessages.WriteDelLinkByName(ref w, s, spec.Name), "delete " + spec.Name);
                ForgetState(directory, spec.Name);
            }

            throw;
        }

        return ToUserspaceTunnel(spec.Namespace, directory, state!, Rtnetlink.Links(spec.Namespace).FirstOrDefault(l => l.Name == spec.Name));
    }

    private static (int Pid, long StartTicks) StartRelay(IpipTunnelSpec spec, string directory, int ttl, CancellationToken cancellationToken)
    {
        var identity = NetNsLookup.IdentityOf(spec.Namespace);
        var arguments = new List<string> { "netns", "exec", spec.Namespace, ToolCatalog.Resolve("setsid"), "-f" };
        arguments.AddRange(AgentProgram.CommandLine());
        arguments.AddRange(new[]
        {
            "ipip", "--name", spec.Name, "--local", spec.Local.ToString(), "--remote", spec.Remote.ToString(),
            "--ttl", ttl.ToString(CultureInfo.InvariantCulture), "--tos", spec.Tos.ToString(CultureInfo.InvariantCulture),
            "--stats", StatsPath(directory, spec.Name), "--log", LogPath(directory, spec.Name),
            "--netns", NetNsPaths.MountPath(spec.Namespace), "--netns-identity", identity.ToString(),
            // MIGRATIONTOOLS_IPIP_OFFLOAD=off relays without TUN offloads (the benchmark's comparison, or a kernel that misbehaves with them).
            "--offload", Environment.GetEnvironmentVariable("MIGRATIONTOOLS_IPIP_OFFLOAD") == "off" ? "off" : "on",
            // MIGRATIONTOOLS_IPIP_FASTPATH=off keeps every packet in the relay's loops (no traffic-control programs).
            "--fast-path", Environment.GetEnvironmentVariable("MIGRATIONTOOLS_IPIP_FASTPATH") == "off" ? "off" : "on",
        });
        // setsid -f returns at once; the output ends when the relay has attached and let go of its streams.
        var result = ToolRunner.RunAsync("ip", arguments, cancellationToken).GetAwaiter().GetResult();
        var ready = result.StandardOutput.Split('\n').FirstOrDefault(l => l.StartsWith("ready ", StringComparison.Ordinal));
        if (ready is null || !int.TryParse(ready.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            throw ErrorCatalog.TunnelRelayFailed($"The userspace tunnel relay for '{spec.Name}' did not start: {(result.StandardError + result.StandardOutput).Trim()}", spec.Name);
        }

        return (pid, ProcessSignals.StartTicks(pid) ?? 0);
    }

    private static bool IsRelayAlive(TunnelState state) =>
        state.ProcessId > 0 && ProcessSignals.IsAlive(state.ProcessId) && ProcessSignals.StartTicks(state.ProcessId) == state.StartTicks;

    /// <summary>True when the relay runs and is attached to the TUN device of its name (not to one that was deleted).</summary>
    private static bool IsRelayServing(TunnelState state) => IsRelayAlive(state) && RelayAttachedTo(state.ProcessId, state.Name);

    /// <summary>True when a descriptor of <paramref name="pid"/> is attached to TUN device <paramref name="name"/> (its fdinfo names it).</summary>
    internal static bool RelayAttachedTo(int pid, string name)
    {
        try
        {
            foreach (var info in Directory.EnumerateFiles($"/proc/{pid}/fdinfo"))
            {
                string text;
                try
                {
                    text = File.ReadAllText(info);
                }
                catch (IOException)
                {
                    continue;
                }

                if (text.Contains("iff:\t" + name + "\n", StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }

        return false;
    }

    private static void StopRelay(TunnelState state)
    {
        if (IsRelayAlive(state))
        {
            ProcessSignals.Terminate(state.ProcessId, TimeSpan.FromSeconds(2));
        }
    }

    private static void ForgetState(string directory, string name)
    {
        foreach (var path in new[] { StatePath(directory, name), StatsPath(directory, name), LogPath(directory, name) })
        {
            FileCleanup.TryDelete(path);
        }
    }

    private static IpipTunnel ToUserspaceTunnel(string @namespace, string directory, TunnelState state, LinkRecord? link)
    {
        var status = link is null ? "Missing" : !IsRelayAlive(state) ? "Dead" : RelayAttachedTo(state.ProcessId, state.Name) ? "Running" : "Detached";
        return new IpipTunnel(@namespace, state.Name, TunnelMode.Userspace, IPAddress.Parse(state.Local), IPAddress.Parse(state.Remote), state.Ttl, state.Tos,
            link?.Mtu ?? state.Mtu, status, state.ProcessId, StateFiles.Read<IpipCounters>(StatsPath(directory, state.Name)), LogPath(directory, state.Name));
    }

    private static IpipTunnel ToKernelTunnel(string @namespace, LinkRecord link) =>
        new(@namespace, link.Name, TunnelMode.Kernel, link.Ipip?.Local, link.Ipip?.Remote, link.Ipip?.Ttl ?? 0, link.Ipip?.Tos ?? 0, link.Mtu, link.OperationalState, null, null, null);

    private static TunnelState? LoadState(string directory, string name) => StateFiles.Read<TunnelState>(StatePath(directory, name));

    /// <summary>
    /// A relay attached to the tunnel's device that the state does not name (a Set-IpipTunnel killed between starting
    /// it and recording it) is adopted: recorded with the settings of its own command line, so it is shown, replaced
    /// and removed like any other, and never holds the device unseen.
    /// </summary>
    private static TunnelState? Adopt(string @namespace, string directory, TunnelState? state)
    {
        if (state is null || IsRelayServing(state))
        {
            return state;
        }

        foreach (var pid in NetNsManager.ProcessIds(@namespace))
        {
            if (!RelayAttachedTo(pid, state.Name) || RelayArguments(pid) is not { } arguments)
            {
                continue;
            }

            string? Value(string key) => arguments.IndexOf(key) is var i and >= 0 && i + 1 < arguments.Count ? arguments[i + 1] : null;
            var adopted = state with
            {
                Local = Value("--local") ?? state.Local,
                Remote = Value("--remote") ?? state.Remote,
                Ttl = int.TryParse(Value("--ttl"), NumberStyles.None, CultureInfo.InvariantCulture, out var ttl) ? ttl : state.Ttl,
                Tos = int.TryParse(Value("--tos"), NumberStyles.None, CultureInfo.InvariantCulture, out var tos) ? tos : state.Tos,
                ProcessId = pid,
                StartTicks = ProcessSignals.StartTicks(pid) ?? 0,
            };
            StateFiles.Write(StatePath(directory, state.Name), adopted);
            EngineOutput.Verbose($"Adopted the relay {pid} of {@namespace}/{state.Name}, which was running unrecorded.");
            return adopted;
        }

        return state;
    }

    /// <summary>The arguments of a process when it is the module's relay (its command line names the agent and "ipip").</summary>
    private static List<string>? RelayArguments(int pid)
    {
        try
        {
            var arguments = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries).ToList();
            return arguments.Any(a => a.Contains("MigrationTools.Agent", StringComparison.Ordinal)) && arguments.Contains("ipip") ? arguments : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
