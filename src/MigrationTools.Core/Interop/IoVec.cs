using System.Runtime.InteropServices;

namespace MigrationTools.Core.Interop;

/// <summary>struct iovec.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct IoVec
{
    public void* Base;
    public nuint Length;
}
