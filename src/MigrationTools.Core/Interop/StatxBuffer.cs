using System.Runtime.InteropServices;

namespace MigrationTools.Core.Interop;

/// <summary>struct statx (linux/stat.h): the same layout on every architecture, unlike struct stat.</summary>
[StructLayout(LayoutKind.Explicit, Size = 256)]
internal struct StatxBuffer
{
    [FieldOffset(0)] public uint Mask;
    [FieldOffset(28)] public ushort Mode;
    [FieldOffset(32)] public ulong Inode;
    [FieldOffset(96)] public long ChangeSeconds;
    [FieldOffset(104)] public uint ChangeNanoseconds;
    [FieldOffset(128)] public uint RDeviceMajor;
    [FieldOffset(132)] public uint RDeviceMinor;
    [FieldOffset(136)] public uint DeviceMajor;
    [FieldOffset(140)] public uint DeviceMinor;
}
