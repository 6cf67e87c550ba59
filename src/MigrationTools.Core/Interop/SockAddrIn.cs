using System.Runtime.InteropServices;

namespace MigrationTools.Core.Interop;

/// <summary>struct sockaddr_in; port and address in network byte order.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct SockAddrIn
{
    public ushort Family;
    public ushort Port;
    public uint Address;
    public ulong Zero;
}
