using System.Runtime.InteropServices;

namespace MigrationTools.Core.Interop;

/// <summary>struct sockaddr_ll: where an AF_PACKET socket's packet came from.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct SockAddrLl
{
    public ushort Family;
    public ushort Protocol;
    public int InterfaceIndex;
    public ushort HardwareType;
    public byte PacketType;
    public byte AddressLength;
    public ulong Address;
}
