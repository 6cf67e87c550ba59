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
/// is reported as itself. A kept lock (<see cref="Keeper"/>) stays open between uses, for a path taken on every call
/// such as a flow switch: one flock, no open, no mkdir. The lock file also carries a generation, which writers of the
/// state change and readers compare, so that what was read under an earlier hold can be trusted without reading it.
/// </summary>
internal sealed class StateLock : IDisposable
{
    private readonly FileDescriptor _fd;
    private readonly SemaphoreSlim? _gate;

    /// <summary>The environment variable that sets how long a session waits for a lock, in seconds.</summary>
    internal const string TimeoutVariable = "MIGRATIONTOOLS_LOCK_TIMEOUT";

    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private StateLock(FileDescriptor fd, SemaphoreSlim? gate)
    {
        _fd = fd;
        _gate = gate;
    }

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

    /// <summary>
    /// The generation of the state this lock guards, as its last writer left it (0 when none has). Read under the
    /// lock: equal to a generation seen before, the state is what was read then.
    /// </summary>
    internal unsafe long Generation
    {
        get
        {
            long value = 0;
            return Libc.PRead(_fd, (byte*)&value, sizeof(long), 0) == sizeof(long) ? value : 0;
        }
    }

    /// <summary>Marks the guarded state changed (a new generation); called by a writer under the lock.</summary>
    internal unsafe void Changed()
    {
        var value = Random.Shared.NextInt64(1, long.MaxValue);
        if (Libc.PWrite(_fd, (byte*)&value, sizeof(long), 0) != sizeof(long))
        {
            throw ErrorCatalog.StateWriteFailed($"Could not mark a state change in its lock file: {Libc.Describe(Libc.LastError)}.");
        }
    }

    /// <summary>Takes the lock of <paramref name="path"/>, waiting up to <paramref name="timeout"/>.</summary>
    internal static StateLock Acquire(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var fd = Open(path);
        try
        {
            WaitFor(fd, path, timeout, Stopwatch.StartNew(), cancellationToken);
        }
        catch
        {
            fd.Dispose();
            throw;
        }

        return new StateLock(fd, null);
    }

    private static FileDescriptor Open(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var fd = Libc.OpenOwned(path, FileConstants.O_RDWR | FileConstants.O_CREAT | FileConstants.O_CLOEXEC | FileConstants.O_NOFOLLOW, 0x180);
        if (fd.IsInvalid)
        {
            throw Failed(path, Libc.LastError);
        }

        return fd;
    }

    private static void WaitFor(FileDescriptor fd, string path, TimeSpan timeout, Stopwatch watch, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (Libc.Flock(fd, FileConstants.LOCK_EX | FileConstants.LOCK_NB) == 0)
            {
                return;
            }

            var errno = Libc.LastError;
            if (errno is not (Errno.EAGAIN or Errno.EINTR))
            {
                throw Failed(path, errno);
            }

            if (cancellationToken.IsCancellationRequested || watch.Elapsed >= timeout)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw TimedOut(path, timeout);
            }

            cancellationToken.WaitHandle.WaitOne(2);
        }
    }

    private static MigrationToolsException TimedOut(string path, TimeSpan timeout) =>
        ErrorCatalog.StateLockTimeout($"Another session has held the lock {path} for {timeout.TotalSeconds:0.#} s; try again when it is done.", path);

    private static MigrationToolsException Failed(string path, Errno errno) =>
        ErrorCatalog.FromErrno(ErrorIds.StateLockFailed, errno,
            $"Could not lock {path}: {Libc.Describe(errno)} (errno {(int)errno}).", path);

    /// <inheritdoc />
    public void Dispose()
    {
        if (_gate is null)
        {
            _fd.Dispose();
            return;
        }

        Libc.Flock(_fd, FileConstants.LOCK_UN);
        _gate.Release();
    }

    /// <summary>
    /// A lock file kept open by this process. Sessions in the process take turns by a gate (flock would let two
    /// holders of one open file in at once); other processes are kept out by flock as always.
    /// </summary>
    internal sealed class Keeper
    {
        private readonly FileDescriptor _fd;
        private readonly SemaphoreSlim _gate = new(1, 1);

        internal unsafe Keeper(string path)
        {
            Path = path;
            _fd = Open(path);
            StatxBuffer open;
            _file = Libc.Statx(_fd.Number, string.Empty, FileConstants.AT_EMPTY_PATH, FileConstants.STATX_INO, &open) == 0
                ? (open.DeviceMajor, open.DeviceMinor, open.Inode)
                : default;
        }

        private readonly (uint Major, uint Minor, ulong Inode) _file;

        /// <summary>The lock file's path.</summary>
        internal string Path { get; }

        /// <summary>
        /// Takes the lock; null when the file kept open is no longer the one at its path (its folder was removed and
        /// made again), so the caller opens it anew.
        /// </summary>
        internal StateLock? TryAcquire(TimeSpan timeout, CancellationToken cancellationToken)
        {
            var watch = Stopwatch.StartNew();
            if (!_gate.Wait(timeout, cancellationToken))
            {
                throw TimedOut(Path, timeout);
            }

            try
            {
                // A file no longer at the path is not waited for (whoever holds it may hold it for long): the caller
                // opens the path anew. Checked again once held, as the file may be replaced during the wait.
                if (SameFile())
                {
                    WaitFor(_fd, Path, timeout, watch, cancellationToken);
                    if (SameFile())
                    {
                        return new StateLock(_fd, _gate);
                    }

                    Libc.Flock(_fd, FileConstants.LOCK_UN);
                }
            }
            catch
            {
                _gate.Release();
                throw;
            }

            _gate.Release();
            return null;
        }

        /// <summary>Whether the file at the path is still the one kept open (an inode lives as long as its open file).</summary>
        private unsafe bool SameFile()
        {
            StatxBuffer named;
            return _file.Inode != 0 &&
                   Libc.Statx(FileConstants.AT_FDCWD, Path, 0, FileConstants.STATX_INO, &named) == 0 &&
                   (named.DeviceMajor, named.DeviceMinor, named.Inode) == _file;
        }
    }
}
