namespace MigrationTools.Engine.Tunnels;

/// <summary>How a tunnel is implemented.</summary>
public enum TunnelMode
{
    /// <summary>Kernel when the kernel has ipip, else userspace.</summary>
    Auto,
    /// <summary>The kernel's ipip device (<c>ip link add ... type ipip</c>).</summary>
    Kernel,
    /// <summary>A TUN device and the module's relay process (RFC 2003 over a raw socket).</summary>
    Userspace,
}
