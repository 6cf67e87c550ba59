using System;
using System.Threading;

namespace MigrationTools.Core.Reporting;

/// <summary>
/// Workers that outlive the call that starts them (a sweeping timer, a spawner thread) start without that call's
/// execution context: otherwise they keep its <see cref="EngineOutput"/> (a cmdlet long finished) and whatever else
/// flows with it, and write to it from then on.
/// </summary>
internal static class Detached
{
    /// <summary>Starts a background thread that runs <paramref name="body"/> with no flowed context.</summary>
    public static Thread StartThread(string name, Action body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var thread = new Thread(() => body()) { IsBackground = true, Name = name };
        using (ExecutionContext.SuppressFlow())
        {
            thread.Start();
        }

        return thread;
    }

    /// <summary>A timer that calls <paramref name="callback"/> every <paramref name="period"/> with no flowed context.</summary>
    public static Timer Timer(Action callback, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        using (ExecutionContext.SuppressFlow())
        {
            return new Timer(_ => callback(), null, period, period);
        }
    }
}
