using Microsoft.Win32.SafeHandles;

namespace MigrationTools.Core.Interop;

/// <summary>
/// A file descriptor the module owns: closed exactly once, when disposed or finalised, and never while a call that
/// was given it is still in the kernel (the marshaller holds a reference for the call), so a descriptor number is
/// not reused under a thread that still reads from it.
/// </summary>
internal sealed class FileDescriptor : SafeHandleMinusOneIsInvalid
{
    /// <summary>For the marshaller.</summary>
    public FileDescriptor()
        : base(ownsHandle: true)
    {
    }

    /// <summary>Takes ownership of <paramref name="fd"/> (which may be -1, an invalid descriptor).</summary>
    internal FileDescriptor(int fd)
        : base(ownsHandle: true) => SetHandle(fd);

    /// <summary>The number, for structures that carry a descriptor by value (poll sets); the owner keeps it open.</summary>
    internal int Number => (int)handle;

    /// <inheritdoc />
    protected override bool ReleaseHandle() => Libc.Close((int)handle) == 0;
}
