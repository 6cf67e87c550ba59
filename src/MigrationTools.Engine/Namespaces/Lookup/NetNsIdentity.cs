using System.Globalization;
using MigrationTools.Core.Interop;

namespace MigrationTools.Engine.Namespaces;

/// <summary>
/// What identifies a network namespace: the device and inode of its nsfs file, as <c>ip netns identify</c> and
/// <c>lsns</c> compare them, and the time the kernel made that nsfs inode. Inode numbers of namespaces are reused
/// once a namespace is freed, so a namespace deleted and created again at once under the same name can get the old
/// number back; the creation time (nanoseconds) still tells them apart. State and cached sockets of the old one are
/// never taken for the new one.
/// </summary>
/// <param name="Device">The nsfs device number.</param>
/// <param name="Inode">The namespace's inode number.</param>
/// <param name="Created">When the nsfs inode was made, in nanoseconds since the epoch (0 when not known).</param>
internal readonly record struct NetNsIdentity(ulong Device, ulong Inode, long Created = 0)
{
    /// <summary>The identity of the namespace file at <paramref name="path"/> (a bind mount or /proc/PID/ns/net), or null when there is none.</summary>
    internal static unsafe NetNsIdentity? Of(string path)
    {
        StatxBuffer buffer;
        if (Libc.Statx(FileConstants.AT_FDCWD, path, 0, FileConstants.STATX_INO | FileConstants.STATX_TYPE | FileConstants.STATX_CTIME, &buffer) != 0)
        {
            return null;
        }

        var created = (buffer.Mask & FileConstants.STATX_CTIME) != 0 ? (buffer.ChangeSeconds * 1_000_000_000L) + buffer.ChangeNanoseconds : 0;
        return new NetNsIdentity(((ulong)buffer.DeviceMajor << 32) | buffer.DeviceMinor, buffer.Inode, created);
    }

    /// <summary>The identity written as <c>device:inode:created</c>, as the state store keeps it.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Device}:{Inode}:{Created}");

    /// <summary>Parses <see cref="ToString"/>'s form.</summary>
    internal static NetNsIdentity? Parse(string? text)
    {
        var parts = text?.Trim().Split(':');
        long created = 0;
        return parts is { Length: 2 or 3 } &&
               ulong.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var device) &&
               ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var inode) &&
               (parts.Length == 2 || long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out created))
            ? new NetNsIdentity(device, inode, created)
            : null;
    }
}
