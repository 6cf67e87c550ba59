using System;
using System.IO;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Threading;
using MigrationTools.Engine.Errors;

namespace MigrationTools.Engine.Namespaces;

/// <summary>
/// Runs code with a thread switched into a network namespace. The network namespace is a per-thread
/// attribute, so a dedicated thread does setns(2) and the rest of the process stays where it is; the thread
/// ends afterwards and is never reused. Sockets and /proc/sys/net files opened there belong to that namespace.
/// </summary>
public static class NamespaceThread
{
    private const int CloneNewNet = 0x40000000;

    [DllImport("libc", SetLastError = true, EntryPoint = "setns")]
    private static extern int NativeSetNs(int fd, int nsType);

    /// <summary>Runs <paramref name="action"/> inside namespace <paramref name="name"/> and returns its result.</summary>
    public static T Run<T>(string name, Func<T> action)
    {
        var path = NetNsPaths.MountPath(name);
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using (var handle = OpenNamespace(path, name))
                {
                    if (NativeSetNs((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
                    {
                        var errno = Marshal.GetLastPInvokeError();
                        throw new MigrationToolsException("SetNsFailed", errno == 1 ? FailureKind.PermissionDenied : FailureKind.OperationFailed,
                            $"Could not enter network namespace '{name}' (errno {errno}).", name);
                    }
                }

                result = action();
            }
            catch (Exception ex)
            {
                failure = ExceptionDispatchInfo.Capture(ex);
            }
        })
        {
            IsBackground = true,
            Name = "netns:" + name,
        };
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }

    private static Microsoft.Win32.SafeHandles.SafeFileHandle OpenNamespace(string path, string name)
    {
        try
        {
            return File.OpenHandle(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new MigrationToolsException("NetNsNotFound", FailureKind.ObjectNotFound, $"The network namespace '{name}' does not exist.", name, ex);
        }
    }
}
