using System;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Threading;
using MigrationTools.Core.Errors;
using MigrationTools.Core.Interop;

namespace MigrationTools.Engine.Namespaces;

/// <summary>
/// Runs code with a thread switched into a network namespace. The network namespace is a per-thread attribute, so a
/// dedicated worker thread does setns(2) and the rest of the process stays where it is. Sockets and /proc/sys/net
/// files opened there belong to that namespace. Workers are kept and reused (a new thread costs about 200 us, a
/// setns about 3): after each piece of work a worker goes back to the namespace it started in, so it holds no
/// namespace alive, and a worker that cannot go back ends instead of being reused.
/// </summary>
internal static class NamespaceThread
{
    // At most this many idle workers are kept; more may run at once, and those beyond it end when done.
    private const int IdleWorkers = 4;

    private static readonly ConcurrentBag<Worker> Idle = new();

    [ThreadStatic]
    private static Worker? _current;

    /// <summary>Runs <paramref name="action"/> inside namespace <paramref name="name"/> and returns its result.</summary>
    public static T Run<T>(string name, Func<T> action) => RunOnWorker(() =>
    {
        EnterNamespace(name);
        return action();
    });

    /// <summary>
    /// Runs <paramref name="action"/> on a worker thread of its own, which may change its network namespace (enter
    /// one, unshare a new one): the worker returns to its own afterwards. Called on a worker, it runs there.
    /// </summary>
    internal static T RunOnWorker<T>(Func<T> action)
    {
        if (_current is { } self)
        {
            // Already on a worker (a lab builder's thread): run here, then come back to where the caller was.
            return self.RunAndReturn(action);
        }

        if (!Idle.TryTake(out var worker))
        {
            worker = new Worker();
        }

        try
        {
            return worker.Invoke(action);
        }
        finally
        {
            if (worker.Healthy && Idle.Count < IdleWorkers)
            {
                Idle.Add(worker);
            }
            else
            {
                worker.Stop();
            }
        }
    }

    /// <summary>Runs <paramref name="work"/> on <paramref name="threads"/> worker threads at once, each taking the next index.</summary>
    internal static void ForEach(int count, int threads, Action<int> work, CancellationToken cancellationToken)
    {
        var next = -1;
        ExceptionDispatchInfo? failure = null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = new Thread[Math.Max(1, Math.Min(threads, count))];
        for (var t = 0; t < running.Length; t++)
        {
            running[t] = new Thread(() => RunOnWorker(() =>
            {
                int i;
                while (!stop.IsCancellationRequested && (i = Interlocked.Increment(ref next)) < count)
                {
                    try
                    {
                        work(i);
                    }
                    catch (Exception ex)
                    {
                        Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(ex), null);
                        stop.Cancel();
                    }
                }

                return 0;
            }))
            {
                IsBackground = true,
                Name = "netns-fanout",
            };
            running[t].Start();
        }

        foreach (var thread in running)
        {
            thread.Join();
        }

        failure?.Throw();
        cancellationToken.ThrowIfCancellationRequested();
    }

    private static void EnterNamespace(string name)
    {
        var path = NetNsPaths.MountPath(name);
        using var fd = Libc.OpenOwned(path, FileConstants.O_RDONLY | FileConstants.O_CLOEXEC, 0);
        if (fd.IsInvalid)
        {
            var errno = Libc.LastError;
            throw errno is Errno.ENOENT or Errno.ENOTDIR
                ? NetNsLookup.NotFound(name)
                : ErrorCatalog.FromErrno(ErrorIds.SetNsFailed, errno,
                    $"Could not open network namespace '{name}': {Libc.Describe(errno)}.", name);
        }

        if (Libc.SetNs(fd, NamespaceConstants.CLONE_NEWNET) != 0)
        {
            var errno = Libc.LastError;
            if (errno == Errno.EPERM)
            {
                // Entering a namespace needs CAP_SYS_ADMIN: for a user without it that is NotRoot, the fix being root.
                Platform.HostRequirements.EnsureRoot();
            }

            throw ErrorCatalog.FromErrno(ErrorIds.SetNsFailed, errno == Errno.EACCES ? Errno.EIO : errno,
                errno == Errno.EINVAL
                    ? $"'{NetNsPaths.MountPath(name)}' is not a network namespace."
                    : $"Could not enter network namespace '{name}': {Libc.Describe(errno)} (errno {(int)errno}).", name);
        }
    }

    /// <summary>A thread that takes one piece of work at a time and goes back to its namespace after each.</summary>
    private sealed class Worker
    {
        private readonly SemaphoreSlim _start = new(0);
        private readonly SemaphoreSlim _done = new(0);
        private readonly Thread _thread;
        private FileDescriptor? _home;
        private Func<object?>? _work;
        private object? _result;
        private ExceptionDispatchInfo? _failure;
        private bool _stopping;

        internal Worker()
        {
            _thread = new Thread(Loop) { IsBackground = true, Name = "netns-worker" };
            _thread.Start();
        }

        internal bool Healthy { get; private set; } = true;

        internal T Invoke<T>(Func<T> action)
        {
            // The caller's context (where verbose output and warnings go) travels with the work.
            var context = ExecutionContext.Capture();
            _work = () =>
            {
                T value = default!;
                if (context is null)
                {
                    value = action();
                }
                else
                {
                    ExecutionContext.Run(context, _ => value = action(), null);
                }

                return value;
            };
            _start.Release();
            _done.Wait();
            var failure = _failure;
            var result = _result;
            _failure = null;
            _result = null;
            failure?.Throw();
            return (T)result!;
        }

        internal void Stop()
        {
            _stopping = true;
            _start.Release();
        }

        /// <summary>Runs <paramref name="action"/> on this (the current) worker and returns to the namespace it was in.</summary>
        internal T RunAndReturn<T>(Func<T> action)
        {
            using var back = Libc.OpenOwned("/proc/thread-self/ns/net", FileConstants.O_RDONLY | FileConstants.O_CLOEXEC, 0);
            try
            {
                return action();
            }
            finally
            {
                if (back.IsInvalid || Libc.SetNs(back, NamespaceConstants.CLONE_NEWNET) != 0)
                {
                    Healthy = false;
                }
            }
        }

        private void Loop()
        {
            _current = this;
            _home = Libc.OpenOwned("/proc/thread-self/ns/net", FileConstants.O_RDONLY | FileConstants.O_CLOEXEC, 0);
            Healthy = !_home.IsInvalid;
            while (true)
            {
                _start.Wait();
                if (_stopping)
                {
                    _home.Dispose();
                    return;
                }

                try
                {
                    _result = _work!();
                }
                catch (Exception ex)
                {
                    _failure = ExceptionDispatchInfo.Capture(ex);
                }
                finally
                {
                    _work = null;
                    // Home again, so that no namespace is held by this thread; one that cannot go home is not reused.
                    if (!Healthy || Libc.SetNs(_home, NamespaceConstants.CLONE_NEWNET) != 0)
                    {
                        Healthy = false;
                    }
                }

                _done.Release();
            }
        }
    }
}
