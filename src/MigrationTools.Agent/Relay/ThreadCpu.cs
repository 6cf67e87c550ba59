using System.Globalization;
using System.IO;
using MigrationTools.Core.Interop;

namespace MigrationTools.Agent.Relay;

/// <summary>The CPU time of one thread of this process, split into user and system time, from /proc.</summary>
internal static class ThreadCpu
{
    /// <summary>The kernel's id of the calling thread.</summary>
    internal static int Current() => Libc.GetTid();

    /// <summary>
    /// User and system seconds of thread <paramref name="threadId"/> of this process (fields 14 and 15 of its stat
    /// file, in USER_HZ ticks, which are 1/100 s on Linux); zeros when it is not known or gone.
    /// </summary>
    internal static (double User, double System) Read(int threadId)
    {
        if (threadId <= 0)
        {
            return (0, 0);
        }

        try
        {
            return Parse(File.ReadAllText($"/proc/self/task/{threadId}/stat"));
        }
        catch (IOException)
        {
            return (0, 0);
        }
    }

    /// <summary>User and system seconds from the text of a stat file (the command name may hold spaces and parentheses).</summary>
    internal static (double User, double System) Parse(string stat)
    {
        const double TicksPerSecond = 100;
        var end = stat.LastIndexOf(')');
        if (end < 0 || end + 2 >= stat.Length)
        {
            return (0, 0);
        }

        // After "pid (comm) ": field 3 (state) is index 0, so utime (14) is index 11 and stime (15) index 12.
        var fields = stat[(end + 2)..].Split(' ');
        return fields.Length > 12 &&
               long.TryParse(fields[11], NumberStyles.None, CultureInfo.InvariantCulture, out var user) &&
               long.TryParse(fields[12], NumberStyles.None, CultureInfo.InvariantCulture, out var system)
            ? (user / TicksPerSecond, system / TicksPerSecond)
            : (0, 0);
    }
}
