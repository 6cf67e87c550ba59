using System;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Threading;
using MigrationTools.Core.Reporting;

namespace MigrationTools.Engine.Processes;

/// <summary>
/// Starts child processes from one thread that lives as long as this process. A child whose parent-death signal
/// is set (PR_SET_PDEATHSIG, through <c>setpriv --pdeathsig</c>) gets it when the thread that forked it ends, not
/// only when the process does; PowerShell runs pipelines on threads that come and go, so children are forked here,
/// and die exactly when this process dies, however it ends (SIGKILL included).
/// </summary>
internal static class ChildSpawner
{
    private static readonly BlockingCollection<Action> Work = new();
    private static readonly Thread Thread = StartThread();

    /// <summary>Runs <paramref name="start"/> (which starts a process) on the spawner thread and returns its result.</summary>
    internal static T Run<T>(Func<T> start)
    {
        if (Thread.CurrentThread == Thread)
        {
            return start();
        }

        T result = default!;
        ExceptionDispatchInfo? failure = null;
        using var done = new ManualResetEventSlim();
        // The spawner thread carries no context of its own; each start runs in its caller's (its output, for one).
        ExecutionContext? caller = ExecutionContext.Capture();
        Work.Add(() =>
        {
            try
            {
                if (caller is null)
                {
                    result = start();
                }
                else
                {
                    ExecutionContext.Run(caller, _ => result = start(), null);
                }
            }
            catch (Exception ex)
            {
                failure = ExceptionDispatchInfo.Capture(ex);
            }
            finally
            {
                done.Set();
            }
        });
        done.Wait();
        failure?.Throw();
        return result;
    }

    private static Thread StartThread() => Detached.StartThread("MigrationTools child spawner", () =>
    {
        foreach (var work in Work.GetConsumingEnumerable())
        {
            work();
        }
    });
}
