using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using MigrationTools.Core.Errors;
using MigrationTools.Core.Interop;

namespace MigrationTools.Engine.State;

/// <summary>
/// An exclusive lock between sessions (flock(2) on a lock file), held while state and the kernel objects it describes
/// change together. Waiting honours cancellation (Ctrl+C); a lock held too long is a timeout, and any other failure
/// is reported as itself.
/// </summary>
internal sealed class StateLock : IDisposable
{
    private readonly FileDescriptor _fd;

    private StateLock(FileDescriptor fd) => _fd = fd;

    /// <summary>Takes the lock of <paramref name="path"/>, waiting up to <paramref name="timeout"/>.</summary>
    internal static StateLock Acquire(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var fd = Libc.OpenOwned(path, FileConstants.O_RDWR | FileConstants.O_CREAT | FileConstants.O_CLOEXEC | FileConstants.O_NOFOLLOW, 0x180);
        if (fd.IsInvalid)
        {
            throw Failed(path, Libc.LastError);
        }

        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (Libc.Flock(fd, FileConstants.LOCK_EX | FileConstants.LOCK_NB) == 0)
            {
                return new StateLock(fd);
            }

            var errno = Libc.LastError;
            if (errno is not (Errno.EAGAIN or Errno.EINTR))
            {
                fd.Dispose();
                throw Failed(path, errno);
            }

            if (cancellationToken.IsCancellationRequested || watch.Elapsed >= timeout)
            {
                fd.Dispose();
                cancellationToken.ThrowIfCancellationRequested();
                throw ErrorCatalog.StateLockTimeout($"Another session has held the lock {path} for {timeout.TotalSeconds:0} s; try again when it is done.", path);
            }

            cancellationToken.WaitHandle.WaitOne(2);
        }
    }

    private static MigrationToolsException Failed(string path, Errno errno) =>
        ErrorCatalog.FromErrno(ErrorIds.StateLockFailed, errno,
            $"Could not lock {path}: {Libc.Describe(errno)} (errno {(int)errno}).", path);

    /// <inheritdoc />
    public void Dispose() => _fd.Dispose();
}
