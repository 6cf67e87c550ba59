using MigrationTools.Core.Interop;

namespace MigrationTools.Core.Files;

/// <summary>
/// What a path names, from statx(2): the module reads only regular files (a FIFO with no writer would block a read, a
/// device such as /dev/zero never ends) and writes only regular files (<see cref="OutputFiles"/>).
/// </summary>
internal static class FileKinds
{
    private const int S_IFMT = 0xF000, S_IFREG = 0x8000, S_IFDIR = 0x4000, S_IFLNK = 0xA000, S_IFCHR = 0x2000, S_IFBLK = 0x6000, S_IFIFO = 0x1000;

    /// <summary>The kind of <paramref name="path"/>; null when nothing is there or it cannot be looked at.</summary>
    internal static unsafe FileKind? Of(string path, bool followLinks)
    {
        StatxBuffer buffer;
        if (Libc.Statx(FileConstants.AT_FDCWD, path, followLinks ? 0 : FileConstants.AT_SYMLINK_NOFOLLOW, FileConstants.STATX_TYPE, &buffer) != 0)
        {
            return null;
        }

        return (buffer.Mode & S_IFMT) switch
        {
            S_IFREG => FileKind.Regular,
            S_IFDIR => FileKind.Directory,
            S_IFLNK => FileKind.SymbolicLink,
            S_IFCHR or S_IFBLK => FileKind.Device,
            S_IFIFO => FileKind.Fifo,
            _ => FileKind.Socket,
        };
    }

    /// <summary>The kind in words, after "is".</summary>
    internal static string Describe(FileKind kind) => kind switch
    {
        FileKind.Regular => "a regular file",
        FileKind.Directory => "a directory",
        FileKind.SymbolicLink => "a symbolic link",
        FileKind.Device => "a device node",
        FileKind.Fifo => "a FIFO",
        _ => "a socket",
    };

    /// <summary>Null when <paramref name="path"/> is a regular file (through links) or absent, else what it is instead.</summary>
    internal static string? NotRegular(string path) =>
        Of(path, followLinks: true) is { } kind && kind != FileKind.Regular ? Describe(kind) : null;
}
