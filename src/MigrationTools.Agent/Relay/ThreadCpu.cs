using System.Globalization;
using System.IO;
using MigrationTools.Core.Interop;
using MigrationTools.Core.Processes;

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
        // utime is field 14, stime field 15.
        var fields = ProcStat.FieldsAfterName(stat);
        return fields.Length > 15 - 3 &&
               long.TryParse(fields[14 - 3], NumberStyles.None, CultureInfo.InvariantCulture, out var user) &&
               long.TryParse(fields[15 - 3], NumberStyles.None, CultureInfo.InvariantCulture, out var system)
            ? (user / TicksPerSecond, system / TicksPerSecond)
            : (0, 0);
    }
}
