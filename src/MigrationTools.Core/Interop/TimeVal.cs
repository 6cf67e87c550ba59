using System.Runtime.InteropServices;

namespace MigrationTools.Core.Interop;

/// <summary>struct timeval.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TimeVal
{
    public long Seconds;
    public long Microseconds;
}
