using System;
using MigrationTools.Core.Errors;
using MigrationTools.Core.Interop;
using MigrationTools.Engine.Namespaces;

namespace MigrationTools.Engine.Tunnels;

/// <summary>TUN devices by ioctl on /dev/net/tun, as <c>ip tuntap</c> makes them, and attaching to one.</summary>
internal static class TunDevice
{
    /// <summary>Creates a persistent TUN device (no packet information header) in <paramref name="namespace"/>.</summary>
    internal static void CreatePersistent(string @namespace, string name) => NamespaceThread.Run(@namespace, () =>
    {
        using var fd = Attach(name, 0);
        if (Libc.Ioctl(fd, TunConstants.TUNSETPERSIST, (nint)1) != 0)
        {
            throw Failed($"make the TUN device {name} persistent", Libc.LastError, name);
        }

        return true;
    });

    /// <summary>
    /// Opens /dev/net/tun and attaches to (or creates) TUN device <paramref name="name"/> in the calling thread's
    /// namespace with <paramref name="extraFlags"/> (e.g. IFF_VNET_HDR); returns the descriptor.
    /// </summary>
    internal static unsafe FileDescriptor Attach(string name, short extraFlags)
    {
        var fd = Libc.OpenOwned("/dev/net/tun", FileConstants.O_RDWR | FileConstants.O_CLOEXEC, 0);
        if (fd.IsInvalid)
        {
            throw Failed("open /dev/net/tun", Libc.LastError, name);
        }

        var request = stackalloc byte[TunConstants.IfReqSize];
        new Span<byte>(request, TunConstants.IfReqSize).Clear();
        System.Text.Encoding.ASCII.GetBytes(name, new Span<byte>(request, 15));
        *(short*)(request + 16) = (short)(TunConstants.IFF_TUN | TunConstants.IFF_NO_PI | extraFlags);
        if (Libc.Ioctl(fd, TunConstants.TUNSETIFF, request) != 0)
        {
            var errno = Libc.LastError;
            fd.Dispose();
            throw Failed($"attach to the TUN device {name}", errno, name);
        }

        return fd;
    }

    private static MigrationToolsException Failed(string what, Errno errno, string name) =>
        ErrorCatalog.FromErrno(ErrorIds.TunDeviceFailed, errno,
            $"Could not {what}: {Libc.Describe(errno)} (errno {(int)errno}).", name);
}
