using System;
using System.IO;
using System.Linq;

namespace MigrationTools.Analysis.Quic;

/// <summary>
/// How many more files the process may hold open and still keep <see cref="Reserve"/> descriptors free: its soft
/// RLIMIT_NOFILE (from /proc/self/limits) less what is open now (/proc/self/fd).
/// </summary>
internal static class DescriptorBudget
{
    /// <summary>Descriptors kept free for the runtime (assembly and library loads), sockets and child programs.</summary>
    internal const int Reserve = 64;

    internal static int Available()
    {
        try
        {
            var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            var soft = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(3);
            if (soft is null || !long.TryParse(soft, out var limit))
            {
                return int.MaxValue; // "unlimited", or not Linux: nothing to keep
            }

            var open = Directory.GetFileSystemEntries("/proc/self/fd").Length;
            return (int)Math.Clamp(limit - open - Reserve, 1, int.MaxValue);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return int.MaxValue;
        }
    }
}
