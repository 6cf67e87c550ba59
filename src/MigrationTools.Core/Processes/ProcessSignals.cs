using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using MigrationTools.Core.Interop;

namespace MigrationTools.Core.Processes;

/// <summary>Signals and liveness checks for processes by pid.</summary>
internal static class ProcessSignals
{
    /// <summary>True while <paramref name="pid"/> exists and is not a zombie.</summary>
    internal static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = StateOf(stat);
            return state is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
    }

    /// <summary>The kernel start time of <paramref name="pid"/> (clock ticks since boot), or null when gone.</summary>
    internal static long? StartTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // starttime is field 22.
            return long.Parse(ProcStat.FieldsAfterName(stat)[22 - 3], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>Sends SIGTERM, waits up to <paramref name="grace"/>, then SIGKILL. Returns true when the process is gone.</summary>
    internal static bool Terminate(int pid, TimeSpan grace) => Terminate(new[] { pid }, grace);

    /// <summary>
    /// Sends SIGTERM to every process at once, waits up to <paramref name="grace"/> for all of them, then SIGKILLs
    /// the rest. Returns true when all are gone.
    /// </summary>
    internal static bool Terminate(IReadOnlyCollection<int> pids, TimeSpan grace)
    {
        var alive = pids.Where(IsAlive).ToList();
        alive.ForEach(pid => Libc.Kill(pid, ProcessConstants.SIGTERM));
        if (WaitGone(alive, grace))
        {
            return true;
        }

        alive.ForEach(pid => Libc.Kill(pid, ProcessConstants.SIGKILL));
        return WaitGone(alive, TimeSpan.FromSeconds(2));
    }

    private static bool WaitGone(List<int> pids, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            pids.RemoveAll(pid => !IsAlive(pid));
            if (pids.Count == 0 || watch.Elapsed >= limit)
            {
                return pids.Count == 0;
            }

            Thread.Sleep(5);
        }
    }

    private static char StateOf(string stat)
    {
        var start = ProcStat.FieldsStart(stat);
        return start >= 0 ? stat[start] : '?';
    }
}
