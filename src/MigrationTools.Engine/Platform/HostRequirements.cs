using System.Runtime.InteropServices;
using MigrationTools.Core.Errors;
using MigrationTools.Core.Interop;

namespace MigrationTools.Engine.Platform;

/// <summary>Checks that the host can run the module's operations at all.</summary>
internal static class HostRequirements
{
    /// <summary>True on Linux.</summary>
    public static bool IsLinux => RuntimeInformation.IsOSPlatform(OSPlatform.Linux);

    /// <summary>True when the effective user is root.</summary>
    public static bool IsRoot => IsLinux && Libc.GetEuid() == 0;

    /// <summary>Throws unless running on Linux.</summary>
    public static void EnsureLinux()
    {
        if (!IsLinux)
        {
            throw ErrorCatalog.NotLinux($"MigrationTools manages Linux network namespaces and runs only on Linux; this is {RuntimeInformation.OSDescription}.");
        }
    }

    /// <summary>Throws unless running on Linux as root.</summary>
    public static void EnsureRoot()
    {
        EnsureLinux();
        if (!IsRoot)
        {
            throw ErrorCatalog.NotRoot("This operation changes network namespaces and needs root. Run PowerShell as root (for example: sudo dotnet pwsh).");
        }
    }
}
