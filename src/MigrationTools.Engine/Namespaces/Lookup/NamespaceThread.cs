using System;
using System.Runtime.ExceptionServices;
using System.Threading;
using MigrationTools.Core.Errors;
using MigrationTools.Core.Interop;

namespace MigrationTools.Engine.Namespaces;

/// <summary>
/// Runs code with a thread switched into a network namespace. The network namespace is a per-thread attribute, so a
/// dedicated thread does setns(2) and the rest of the process stays where it is; the thread ends afterwards and is
/// never reused. Sockets and /proc/sys/net files opened there belong to that namespace.
/// </summary>
internal static class NamespaceThread
{
    /// <summary>Runs <paramref name="action"/> inside namespace <paramref name="name"/> and returns its result.</summary>
    public static T Run<T>(string name, Func<T> action) => RunOnNewThread("netns:" + name, () =>
    {
        EnterNamespace(name);
        return action();
    });

    /// <summary>Runs <paramref name="action"/> on a new thread of its own (which may then change its namespace) and returns its result.</summary>
    internal static T RunOnNewThread<T>(string threadName, Func<T> action)
    {
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = action();
            }
            catch (Exception ex)
            {
                failure = ExceptionDispatchInfo.Capture(ex);
            }
        })
        {
            IsBackground = true,
            Name = threadName,
        };
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
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
}
