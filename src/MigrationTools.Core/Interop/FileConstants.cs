namespace MigrationTools.Core.Interop;

/// <summary>open(2), fcntl(2), flock(2), poll(2) and statx(2) constants, by their C names.</summary>
internal static class FileConstants
{
    internal const int O_RDONLY = 0;
    internal const int O_WRONLY = 1;
    internal const int O_RDWR = 2;
    internal const int O_CREAT = 0x40;
    internal const int O_EXCL = 0x80;
    internal const int O_NOCTTY = 0x100;
    internal const int O_TRUNC = 0x200;
    internal const int O_APPEND = 0x400;
    internal const int O_NONBLOCK = 0x800;
    internal const int O_NOFOLLOW = 0x20000;
    internal const int O_CLOEXEC = 0x80000;

    internal const int F_GETFL = 3;
    internal const int F_SETFL = 4;
    internal const int F_SETPIPE_SZ = 1031;

    internal const int LOCK_EX = 2;
    internal const int LOCK_NB = 4;
    internal const int LOCK_UN = 8;

    internal const short POLLIN = 1;

    internal const int AT_FDCWD = -100;
    internal const int AT_EMPTY_PATH = 0x1000;
    internal const int AT_SYMLINK_NOFOLLOW = 0x100;
    internal const uint STATX_INO = 0x100;
    internal const uint STATX_CTIME = 0x80;
    internal const uint STATX_TYPE = 0x1;
}
