using System.Net;

namespace MigrationTools.Engine.Tunnels;

/// <summary>An IP-in-IP tunnel inside a namespace.</summary>
public sealed class IpipTunnel
{
    internal IpipTunnel(string @namespace, string name, TunnelMode mode, IPAddress? local, IPAddress? remote, int ttl, int tos, int mtu, string state, int? processId, IpipCounters? counters, string? logPath)
    {
        Namespace = @namespace;
        Name = name;
        Mode = mode;
        Local = local;
        Remote = remote;
        Ttl = ttl;
        Tos = tos;
        Mtu = mtu;
        State = state;
        ProcessId = processId;
        Counters = counters;
        LogPath = logPath;
    }

    /// <summary>The namespace.</summary>
    public string Namespace { get; }
    /// <summary>The tunnel device name.</summary>
    public string Name { get; }
    /// <summary>Kernel or Userspace.</summary>
    public TunnelMode Mode { get; }
    /// <summary>The local underlay address (outer source).</summary>
    public IPAddress? Local { get; }
    /// <summary>The remote underlay address (outer destination).</summary>
    public IPAddress? Remote { get; }
    /// <summary>The outer TTL (0: inherit, kernel mode).</summary>
    public int Ttl { get; }
    /// <summary>The outer TOS.</summary>
    public int Tos { get; }
    /// <summary>The tunnel device MTU.</summary>
    public int Mtu { get; }
    /// <summary>Running (relay alive and device present), Dead (relay process gone), Missing (device gone), or the kernel device's state.</summary>
    public string State { get; }
    /// <summary>The relay's pid (userspace).</summary>
    public int? ProcessId { get; }
    /// <summary>Packets and drops counted by the relay (userspace).</summary>
    public IpipCounters? Counters { get; }

    /// <summary>
    /// The TUN offloads a userspace relay uses (csum, tso4, tso6, tso-ecn, uso4, uso6; none when the kernel refused
    /// them), "kernel" for a kernel device.
    /// </summary>
    public string Offloads => Mode == TunnelMode.Kernel ? "kernel" : Counters?.Offloads ?? "unknown";
    /// <summary>The relay's log (userspace).</summary>
    public string? LogPath { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Namespace}/{Name} {Local} -> {Remote} ({Mode})";
}
