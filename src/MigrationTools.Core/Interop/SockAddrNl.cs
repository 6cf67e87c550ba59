using System.Runtime.InteropServices;

namespace MigrationTools.Core.Interop;

/// <summary>struct sockaddr_nl.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct SockAddrNl
{
    public ushort Family;
    public ushort Pad;
    public uint PortId;
    public uint Groups;
}
