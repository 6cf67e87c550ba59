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

    [LibraryImport(Library, EntryPoint = "geteuid")]
    internal static partial uint GetEuid();

    [LibraryImport(Library, EntryPoint = "kill", SetLastError = true)]
    internal static partial int Kill(int pid, int signal);

    [LibraryImport(Library, EntryPoint = "setns", SetLastError = true)]
    internal static partial int SetNs(int fd, int namespaceType);

    [LibraryImport(Library, EntryPoint = "unshare", SetLastError = true)]
    internal static partial int Unshare(int flags);

    [LibraryImport(Library, EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Mount(string? source, string target, string? fileSystemType, ulong flags, nint data);

    [LibraryImport(Library, EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Umount2(string target, int flags);

    [LibraryImport(Library, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Statx(int directoryFd, string path, int flags, uint mask, StatxBuffer* buffer);

    [LibraryImport(Library, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Open(string path, int flags, int mode);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);

    [LibraryImport(Library, EntryPoint = "read", SetLastError = true)]
    internal static partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport(Library, EntryPoint = "write", SetLastError = true)]
    internal static partial nint Write(int fd, byte* buffer, nint count);

    [LibraryImport(Library, EntryPoint = "pread", SetLastError = true)]
    internal static partial nint PRead(FileDescriptor fd, byte* buffer, nint count, long offset);

    [LibraryImport(Library, EntryPoint = "pwrite", SetLastError = true)]
    internal static partial nint PWrite(FileDescriptor fd, byte* buffer, nint count, long offset);

    [LibraryImport(Library, EntryPoint = "fcntl", SetLastError = true)]
    internal static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport(Library, EntryPoint = "gettid")]
    internal static partial int GetTid();

    [LibraryImport(Library, EntryPoint = "ioctl", SetLastError = true)]
    internal static partial int Ioctl(int fd, ulong request, void* argument);

    [LibraryImport(Library, EntryPoint = "ioctl", SetLastError = true)]
    internal static partial int Ioctl(int fd, ulong request, nint argument);

    [LibraryImport(Library, EntryPoint = "poll", SetLastError = true)]
    internal static partial int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);

    [LibraryImport(Library, EntryPoint = "dup2", SetLastError = true)]
    internal static partial int Dup2(int oldFd, int newFd);

    [LibraryImport(Library, EntryPoint = "setsid", SetLastError = true)]
    internal static partial int SetSid();

    [LibraryImport(Library, EntryPoint = "prctl", SetLastError = true)]
    internal static partial int Prctl(int option, nint argument2, nint argument3, nint argument4, nint argument5);

    [LibraryImport(Library, EntryPoint = "execvp", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Execvp(string file, nint* argv);

    [LibraryImport(Library, EntryPoint = "flock", SetLastError = true)]
    internal static partial int Flock(int fd, int operation);

    [LibraryImport(Library, EntryPoint = "socket", SetLastError = true)]
    internal static partial int Socket(int domain, int type, int protocol);

    /// <summary>syscall(2) for calls libc has no wrapper for (bpf); three arguments.</summary>
    [LibraryImport(Library, EntryPoint = "syscall", SetLastError = true)]
    internal static partial long Syscall(long number, long first, long second, long third);

    [LibraryImport(Library, EntryPoint = "bind", SetLastError = true)]
    internal static partial int Bind(int fd, void* address, int length);

    [LibraryImport(Library, EntryPoint = "connect", SetLastError = true)]
    internal static partial int Connect(int fd, void* address, int length);

    [LibraryImport(Library, EntryPoint = "getsockname", SetLastError = true)]
    internal static partial int GetSockName(int fd, void* address, int* length);

    [LibraryImport(Library, EntryPoint = "setsockopt", SetLastError = true)]
    internal static partial int SetSockOpt(int fd, int level, int name, void* value, int length);

    [LibraryImport(Library, EntryPoint = "getsockopt", SetLastError = true)]
    internal static partial int GetSockOpt(int fd, int level, int name, void* value, int* length);

    [LibraryImport(Library, EntryPoint = "send", SetLastError = true)]
    internal static partial nint Send(int fd, byte* buffer, nint length, int flags);

    [LibraryImport(Library, EntryPoint = "recv", SetLastError = true)]
    internal static partial nint Recv(int fd, byte* buffer, nint length, int flags);

    [LibraryImport(Library, EntryPoint = "sendmmsg", SetLastError = true)]
    internal static partial int SendMmsg(int fd, MMsgHdr* messages, uint count, int flags);

    [LibraryImport(Library, EntryPoint = "recvmmsg", SetLastError = true)]
    internal static partial int RecvMmsg(int fd, MMsgHdr* messages, uint count, int flags, void* timeout);

    /// <summary>setsockopt with an int value.</summary>
    internal static int SetSockOptInt(int fd, int level, int name, int value) => SetSockOpt(fd, level, name, &value, sizeof(int));

    // The same calls on a descriptor the module owns (see FileDescriptor): the marshaller keeps it open for the call.

    [LibraryImport(Library, EntryPoint = "read", SetLastError = true)]
    internal static partial nint Read(FileDescriptor fd, byte* buffer, nint count);

    [LibraryImport(Library, EntryPoint = "write", SetLastError = true)]
    internal static partial nint Write(FileDescriptor fd, byte* buffer, nint count);

    [LibraryImport(Library, EntryPoint = "fcntl", SetLastError = true)]
    internal static partial int Fcntl(FileDescriptor fd, int command, int argument);

    [LibraryImport(Library, EntryPoint = "ioctl", SetLastError = true)]
    internal static partial int Ioctl(FileDescriptor fd, ulong request, void* argument);

    [LibraryImport(Library, EntryPoint = "ioctl", SetLastError = true)]
    internal static partial int Ioctl(FileDescriptor fd, ulong request, nint argument);

    [LibraryImport(Library, EntryPoint = "flock", SetLastError = true)]
    internal static partial int Flock(FileDescriptor fd, int operation);

    [LibraryImport(Library, EntryPoint = "setns", SetLastError = true)]
    internal static partial int SetNs(FileDescriptor fd, int namespaceType);

    [LibraryImport(Library, EntryPoint = "bind", SetLastError = true)]
    internal static partial int Bind(FileDescriptor fd, void* address, int length);

    [LibraryImport(Library, EntryPoint = "getsockname", SetLastError = true)]
    internal static partial int GetSockName(FileDescriptor fd, void* address, int* length);

    [LibraryImport(Library, EntryPoint = "setsockopt", SetLastError = true)]
    internal static partial int SetSockOpt(FileDescriptor fd, int level, int name, void* value, int length);

    [LibraryImport(Library, EntryPoint = "getsockopt", SetLastError = true)]
    internal static partial int GetSockOpt(FileDescriptor fd, int level, int name, void* value, int* length);

    [LibraryImport(Library, EntryPoint = "send", SetLastError = true)]
    internal static partial nint Send(FileDescriptor fd, byte* buffer, nint length, int flags);

    [LibraryImport(Library, EntryPoint = "recv", SetLastError = true)]
    internal static partial nint Recv(FileDescriptor fd, byte* buffer, nint length, int flags);

    [LibraryImport(Library, EntryPoint = "sendmmsg", SetLastError = true)]
    internal static partial int SendMmsg(FileDescriptor fd, MMsgHdr* messages, uint count, int flags);

    [LibraryImport(Library, EntryPoint = "recvmmsg", SetLastError = true)]
    internal static partial int RecvMmsg(FileDescriptor fd, MMsgHdr* messages, uint count, int flags, void* timeout);

    /// <summary>setsockopt with an int value.</summary>
    internal static int SetSockOptInt(FileDescriptor fd, int level, int name, int value) => SetSockOpt(fd, level, name, &value, sizeof(int));

    /// <summary>Opens <paramref name="path"/>; the descriptor is invalid (IsInvalid) when open failed, with errno in <see cref="LastError"/>.</summary>
    internal static FileDescriptor OpenOwned(string path, int flags, int mode) => new(Open(path, flags, mode));

    /// <summary>Opens a socket; the descriptor is invalid (IsInvalid) when socket failed, with errno in <see cref="LastError"/>.</summary>
    internal static FileDescriptor SocketOwned(int domain, int type, int protocol) => new(Socket(domain, type, protocol));
}
