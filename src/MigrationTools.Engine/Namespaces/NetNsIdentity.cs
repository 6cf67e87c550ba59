using System.Globalization;
using MigrationTools.Engine.Interop;

namespace MigrationTools.Engine.Namespaces;

/// <summary>
/// What identifies a network namespace: the device and inode of its nsfs file, as <c>ip netns identify</c> and
/// <c>lsns</c> compare them. A namespace deleted and created again under the same name has another identity, so
/// state and cached sockets of the old one are never taken for the new one.
/// </summary>
/// <param name="Device">The nsfs device number.</param>
/// <param name="Inode">The namespace's inode number.</param>
public readonly record struct NetNsIdentity(ulong Device, ulong Inode)
{
    /// <summary>The identity of the namespace file at <paramref name="path"/> (a bind mount or /proc/PID/ns/net), or null when there is none.</summary>
    internal static unsafe NetNsIdentity? Of(string path)
    {
        StatxBuffer buffer;
        if (Libc.Statx(FileConstants.AT_FDCWD, path, 0, FileConstants.STATX_INO | FileConstants.STATX_TYPE, &buffer) != 0)
        {
            return null;
        }

        return new NetNsIdentity(((ulong)buffer.DeviceMajor << 32) | buffer.DeviceMinor, buffer.Inode);
    }

    /// <summary>The identity written as <c>device:inode</c>, as the state store keeps it.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Device}:{Inode}");

    /// <summary>Parses <see cref="ToString"/>'s form.</summary>
    internal static NetNsIdentity? Parse(string? text)
    {
        var parts = text?.Trim().Split(':');
        return parts is { Length: 2 } &&
               ulong.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var device) &&
               ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var inode)
            ? new NetNsIdentity(device, inode)
            : null;
    }
}
