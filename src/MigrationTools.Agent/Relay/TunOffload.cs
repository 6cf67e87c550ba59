using MigrationTools.Core.Interop;

using MigrationTools.Engine.Tunnels;

namespace MigrationTools.Agent.Relay;

/// <summary>
/// Attaches to a TUN device with a virtio-net header per packet and the offloads the kernel accepts (checksum,
/// TSO for IPv4 and IPv6, USO where the kernel has it), trying the fullest set first and falling back step by step;
/// without the header at all when the device refuses it.
/// </summary>
internal static class TunOffload
{
    private static readonly (int Flags, string Names)[] Steps =
    {
        (TunConstants.TUN_F_CSUM | TunConstants.TUN_F_TSO4 | TunConstants.TUN_F_TSO6 | TunConstants.TUN_F_TSO_ECN | TunConstants.TUN_F_USO4 | TunConstants.TUN_F_USO6, "csum,tso4,tso6,tso-ecn,uso4,uso6"),
        (TunConstants.TUN_F_CSUM | TunConstants.TUN_F_TSO4 | TunConstants.TUN_F_TSO6 | TunConstants.TUN_F_TSO_ECN, "csum,tso4,tso6,tso-ecn"),
        (TunConstants.TUN_F_CSUM | TunConstants.TUN_F_TSO4 | TunConstants.TUN_F_TSO6, "csum,tso4,tso6"),
        (TunConstants.TUN_F_CSUM, "csum"),
    };

    /// <summary>The descriptor, whether packets carry a virtio-net header, and which offloads are on (TUN_F_* flags and their names).</summary>
    internal static unsafe (FileDescriptor Fd, bool VirtioHeader, int Flags, string Offloads) Attach(string name)
    {
        FileDescriptor fd;
        try
        {
            fd = TunDevice.Attach(name, TunConstants.IFF_VNET_HDR);
        }
        catch (MigrationTools.Core.Errors.MigrationToolsException)
        {
            return (TunDevice.Attach(name, 0), false, 0, "none");
        }

        var size = VirtioNetHeader.Size;
        if (Libc.Ioctl(fd, TunConstants.TUNSETVNETHDRSZ, &size) != 0)
        {
            fd.Dispose();
            return (TunDevice.Attach(name, 0), false, 0, "none");
        }

        foreach (var (flags, names) in Steps)
        {
            if (Libc.Ioctl(fd, TunConstants.TUNSETOFFLOAD, (nint)flags) == 0)
            {
                return (fd, true, flags, names);
            }
        }

        // The header without offloads: every packet is whole and checksummed, the header stays all zero.
        Libc.Ioctl(fd, TunConstants.TUNSETOFFLOAD, (nint)0);
        return (fd, true, 0, "none");
    }
}
