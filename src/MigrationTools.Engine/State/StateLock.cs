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

    /// <summary>The environment variable that sets how long a session waits for a lock, in seconds.</summary>
    internal const string TimeoutVariable = "MIGRATIONTOOLS_LOCK_TIMEOUT";

    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private StateLock(FileDescriptor fd) => _fd = fd;

    /// <summary>
    /// How long a session waits for a lock another session holds: 10 s, or the seconds (0.1 to 3600) named by
    /// MIGRATIONTOOLS_LOCK_TIMEOUT in the session's environment; any other value is ignored.
    /// </summary>
    internal static TimeSpan Timeout => ParseTimeout(Environment.GetEnvironmentVariable(TimeoutVariable));

    /// <summary>The wait a setting of <see cref="TimeoutVariable"/> names, or the default.</summary>
    internal static TimeSpan ParseTimeout(string? value) =>
        double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            && seconds is >= 0.1 and <= 3600
            ? TimeSpan.FromSeconds(seconds)
            : DefaultTimeout;

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
                throw ErrorCatalog.StateLockTimeout($"Another session has held the lock {path} for {timeout.TotalSeconds:0.#} s; try again when it is done.", path);
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
