using System.Runtime.InteropServices;

namespace MigrationTools.Core.Interop;

/// <summary>struct mmsghdr: a message and the bytes sent or received for it.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MMsgHdr
{
    public MsgHdr Header;
    public uint Length;
}
