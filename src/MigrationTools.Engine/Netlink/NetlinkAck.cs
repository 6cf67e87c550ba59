using MigrationTools.Core.Interop;

namespace MigrationTools.Engine.Netlink;

/// <summary>How the kernel answered a request: an errno (<see cref="Errno.None"/> for success) and its extended-ack message.</summary>
internal readonly record struct NetlinkAck(Errno Error, string? KernelMessage)
{
    /// <summary>True when the kernel accepted the request.</summary>
    internal bool Succeeded => Error == Errno.None;

    /// <summary>The errno's text, with the kernel's own explanation when it gave one.</summary>
    internal string Describe() =>
        KernelMessage is { Length: > 0 } message ? $"{message} ({Libc.Describe(Error)})" : Libc.Describe(Error);
}
