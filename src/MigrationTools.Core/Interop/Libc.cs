using System.Runtime.InteropServices;

namespace MigrationTools.Core.Interop;

/// <summary>
/// Every libc call of the module, in one place and one style: the C name in PascalCase, the C argument order,
/// <see cref="Marshal.GetLastPInvokeError"/> for errno (through <see cref="LastError"/>). Nothing here decides
/// what a failure means; callers map <see cref="Errno"/> values to the module's errors.
/// </summary>
internal static unsafe partial class Libc
{
    private const string Library = "libc";

    /// <summary>The errno of the last failed call on this thread.</summary>
    internal static Errno LastError => (Errno)Marshal.GetLastPInvokeError();

    /// <summary>The text of an errno, as strerror(3) gives it.</summary>
    internal static string Describe(Errno errno) => Marshal.GetPInvokeErrorMessage((int)errno);

    [DllImport(Library, EntryPoint = "geteuid")]
    internal static extern uint GetEuid();

    [DllImport(Library, EntryPoint = "kill", SetLastError = true)]
    internal static extern int Kill(int pid, int signal);

    [DllImport(Library, EntryPoint = "setns", SetLastError = true)]
    internal static extern int SetNs(int fd, int namespaceType);

    [DllImport(Library, EntryPoint = "unshare", SetLastError = true)]
    internal static extern int Unshare(int flags);

    [DllImport(Library, EntryPoint = "mount", SetLastError = true)]
    internal static extern int Mount(string? source, string target, string? fileSystemType, ulong flags, nint data);

    [DllImport(Library, EntryPoint = "umount2", SetLastError = true)]
    internal static extern int Umount2(string target, int flags);

    [DllImport(Library, EntryPoint = "statx", SetLastError = true)]
    internal static extern int Statx(int directoryFd, string path, int flags, uint mask, StatxBuffer* buffer);

    [DllImport(Library, EntryPoint = "open", SetLastError = true)]
    internal static extern int Open(string path, int flags, int mode);

    [DllImport(Library, EntryPoint = "close", SetLastError = true)]
    internal static extern int Close(int fd);

    [DllImport(Library, EntryPoint = "read", SetLastError = true)]
    internal static extern nint Read(int fd, byte* buffer, nint count);

    [DllImport(Library, EntryPoint = "write", SetLastError = true)]
    internal static extern nint Write(int fd, byte* buffer, nint count);

    [DllImport(Library, EntryPoint = "fcntl", SetLastError = true)]
    internal static extern int Fcntl(int fd, int command, int argument);

    [DllImport(Library, EntryPoint = "ioctl", SetLastError = true)]
    internal static extern int Ioctl(int fd, ulong request, void* argument);

    [DllImport(Library, EntryPoint = "ioctl", SetLastError = true)]
    internal static extern int Ioctl(int fd, ulong request, nint argument);

    [DllImport(Library, EntryPoint = "poll", SetLastError = true)]
    internal static extern int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);

    [DllImport(Library, EntryPoint = "dup2", SetLastError = true)]
    internal static extern int Dup2(int oldFd, int newFd);

    [DllImport(Library, EntryPoint = "setsid", SetLastError = true)]
    internal static extern int SetSid();

    [DllImport(Library, EntryPoint = "prctl", SetLastError = true)]
    internal static extern int Prctl(int option, nint argument2, nint argument3, nint argument4, nint argument5);

    [DllImport(Library, EntryPoint = "execvp", SetLastError = true)]
    internal static extern int Execvp(string file, nint* argv);

    [DllImport(Library, EntryPoint = "flock", SetLastError = true)]
    internal static extern int Flock(int fd, int operation);

    [DllImport(Library, EntryPoint = "socket", SetLastError = true)]
    internal static extern int Socket(int domain, int type, int protocol);

    [DllImport(Library, EntryPoint = "bind", SetLastError = true)]
    internal static extern int Bind(int fd, void* address, int length);

    [DllImport(Library, EntryPoint = "connect", SetLastError = true)]
    internal static extern int Connect(int fd, void* address, int length);

    [DllImport(Library, EntryPoint = "getsockname", SetLastError = true)]
    internal static extern int GetSockName(int fd, void* address, int* length);

    [DllImport(Library, EntryPoint = "setsockopt", SetLastError = true)]
    internal static extern int SetSockOpt(int fd, int level, int name, void* value, int length);

    [DllImport(Library, EntryPoint = "getsockopt", SetLastError = true)]
    internal static extern int GetSockOpt(int fd, int level, int name, void* value, int* length);

    [DllImport(Library, EntryPoint = "send", SetLastError = true)]
    internal static extern nint Send(int fd, byte* buffer, nint length, int flags);

    [DllImport(Library, EntryPoint = "recv", SetLastError = true)]
    internal static extern nint Recv(int fd, byte* buffer, nint length, int flags);

    [DllImport(Library, EntryPoint = "sendmmsg", SetLastError = true)]
    internal static extern int SendMmsg(int fd, MMsgHdr* messages, uint count, int flags);

    [DllImport(Library, EntryPoint = "recvmmsg", SetLastError = true)]
    internal static extern int RecvMmsg(int fd, MMsgHdr* messages, uint count, int flags, void* timeout);

    /// <summary>setsockopt with an int value.</summary>
    internal static int SetSockOptInt(int fd, int level, int name, int value) => SetSockOpt(fd, level, name, &value, sizeof(int));
}
