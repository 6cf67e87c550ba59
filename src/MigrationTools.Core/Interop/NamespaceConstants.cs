namespace MigrationTools.Core.Interop;

/// <summary>Namespace and mount constants (sched.h, sys/mount.h), by their C names.</summary>
internal static class NamespaceConstants
{
    internal const int CLONE_NEWNET = 0x40000000;

    internal const ulong MS_BIND = 0x1000;
    internal const ulong MS_REC = 0x4000;
    internal const ulong MS_SHARED = 1 << 20;

    internal const int MNT_DETACH = 2;
}
