using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MigrationTools.Core.Errors;
using MigrationTools.Core.Reporting;
using MigrationTools.Engine.Labs;
using MigrationTools.Engine.Platform;

namespace MigrationTools;

/// <summary>
/// Base of every MigrationTools cmdlet: a cancellation token tied to Ctrl+C, the Linux/root checks, the engine's
/// verbose, warning and progress output on the cmdlet's streams, and the mapping of every failure that escapes the
/// engine to an ErrorRecord with a stable id and category.
/// </summary>
public abstract class MigrationToolsCmdlet : PSCmdlet, IEngineOutput
{
    private readonly ConcurrentQueue<Action<MigrationToolsCmdlet>> _pending = new();
    private CancellationTokenSource? _cancellation;
    private int _pipelineThread;

    /// <summary>Cancelled when the user presses Ctrl+C or the pipeline stops.</summary>
    protected CancellationToken CancellationToken => (_cancellation ??= new CancellationTokenSource()).Token;

    /// <summary>True when the cmdlet changes state and so needs root.</summary>
    protected virtual bool RequiresRoot => true;

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        _cancellation ??= new CancellationTokenSource();
        _pipelineThread = Environment.CurrentManagedThreadId;
        try
        {
            if (RequiresRoot)
            {
                HostRequirements.EnsureRoot();
            }
            else
            {
                HostRequirements.EnsureLinux();
            }
        }
        catch (MigrationToolsException ex)
        {
            ThrowTerminatingError(ToErrorRecord(ex, null));
        }
    }

    /// <inheritdoc />
    protected override void StopProcessing()
    {
        _hosts?.Stop();
        _cancellation?.Cancel();
    }

    private Labs.LabHostSessions? _hosts;

    /// <summary>Sessions to the hosts of labs across hosts, for this command (stopped with it).</summary>
    internal Labs.LabHostSessions Hosts => _hosts ??= new Labs.LabHostSessions();

    /// <summary>This module's version and folder, which the hosts of a lab across hosts need too.</summary>
    internal Labs.DistributedLabs.ModuleInfo ThisModule =>
        new(MyInvocation.MyCommand.Module?.Version.ToString() ?? "0.0", MyInvocation.MyCommand.Module?.ModuleBase ?? System.IO.Path.GetDirectoryName(typeof(MigrationToolsCmdlet).Assembly.Location)!);

    /// <summary>Stops the command as Ctrl+C does (a SIGTERM, for one).</summary>
    protected void Stop() => _cancellation?.Cancel();

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        Flush();
        DisposeCancellation();
    }

    /// <summary>Runs one unit of work; a failure becomes a per-item error, or a terminating one when the whole command cannot go on.</summary>
    protected void Invoke(object? target, Action action)
    {
        // The engine's output goes to this cmdlet only while it does this cmdlet's work (other cmdlets of the
        // pipeline run on the same thread between its calls).
        using var output = EngineOutput.Use(this);
        try
        {
            action();
        }
        catch (MigrationToolsException ex)
        {
            Fail(ToErrorRecord(ex, target), IsWholeCommandFailure(ex));
        }
        catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception ex) when (IsUnexpected(ex))
        {
            Fail(ToErrorRecord(ex, target), whole: false);
        }
        finally
        {
            Flush();
        }
    }

    private void Fail(ErrorRecord record, bool whole)
    {
        Flush();
        if (whole)
        {
            ThrowTerminatingError(record);
        }

        WriteError(record);
    }

    /// <summary>Maps an engine failure to an ErrorRecord.</summary>
    protected static ErrorRecord ToErrorRecord(MigrationToolsException ex, object? target)
    {
        // A missing namespace that is a lab's node is reported as that node, with the lab's repair as the advice.
        ex = LabManager.AsLabNode(ex);
        return new(ex, ex.ErrorId, CategoryOf(ex.Kind), ex.Target ?? target);
    }

    /// <summary>
    /// Maps a .NET failure the engine did not classify to an ErrorRecord with a stable id: the file system and
    /// permission failures by what they are, anything else as UnexpectedError with its message.
    /// </summary>
    protected static ErrorRecord ToErrorRecord(Exception ex, object? target) => ex switch
    {
        MigrationToolsException engine => ToErrorRecord(engine, target),
        UnauthorizedAccessException => new ErrorRecord(ex, ErrorIds.AccessDenied, ErrorCategory.PermissionDenied, target),
        FileNotFoundException or DirectoryNotFoundException => new ErrorRecord(ex, ErrorIds.PathNotFound, ErrorCategory.ObjectNotFound, target),
        IOException => new ErrorRecord(ex, ErrorIds.IOFailed, ErrorCategory.ResourceUnavailable, target),
        ArgumentException or FormatException => new ErrorRecord(ex, ErrorIds.InvalidArgument, ErrorCategory.InvalidArgument, target),
        TimeoutException => new ErrorRecord(ex, ErrorIds.OperationTimedOut, ErrorCategory.OperationTimeout, target),
        _ => new ErrorRecord(ex, ErrorIds.UnexpectedError, ErrorCategory.NotSpecified, target),
    };

    /// <summary>
    /// For a cmdlet that changes a namespace: true when the object the pipeline gave it (its hidden InputObject) is a
    /// name or of a type it acts on. Any other object (a link, a counter) carries a Namespace property that would
    /// bind, and the cmdlet would act once per such object; it gets a PipelineInputInvalid error instead.
    /// </summary>
    protected bool AcceptsInput(PSObject? input, params Type[] accepted)
    {
        var value = input?.BaseObject;
        if (value is null or string || Array.Exists(accepted, t => t.IsInstanceOfType(value)))
        {
            return true;
        }

        var names = string.Join(", ", Array.ConvertAll(accepted, t => t.Name));
        WriteError(ToErrorRecord(ErrorCatalog.PipelineInputInvalid(
            $"{MyInvocation.MyCommand.Name} acts on {names} objects or names from the pipeline, not on a {value.GetType().Name} (whose Namespace property would repeat the action once per object); nothing was done for it. Give -Namespace instead, or pipe Get-NetNs.",
            value), value));
        return false;
    }

    /// <summary>Writes an error for an argument problem found by the cmdlet itself.</summary>
    protected void WriteArgumentError(string errorId, string message, object? target) =>
        WriteError(new ErrorRecord(new ArgumentException(message), errorId, ErrorCategory.InvalidArgument, target));

    /// <summary>
    /// Drains <paramref name="source"/> on a background task and writes each item from the pipeline thread as it
    /// arrives, so output streams live; Ctrl+C, a timeout, a downstream <c>Select-Object -First</c>, or
    /// <paramref name="write"/> returning false stop it.
    /// </summary>
    protected void StreamToPipeline<T>(Func<CancellationToken, IAsyncEnumerable<T>> source, Func<T, bool> write, TimeSpan? timeout = null, Action? tick = null)
    {
        var linked = CancellationTokenSource.CreateLinkedTokenSource(CancellationToken);
        if (timeout is not null)
        {
            linked.CancelAfter(timeout.Value);
        }

        var queue = new BlockingCollection<T>(boundedCapacity: 4096);
        Exception? failure = null;
        var producer = Task.Run(async () =>
        {
            try
            {
                await foreach (var item in source(linked.Token).ConfigureAwait(false))
                {
                    queue.Add(item, linked.Token);
                }
            }
            catch (OperationCanceledException) when (linked.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                failure = ex;
            }
            finally
            {
                queue.CompleteAdding();
            }
        });

        try
        {
            while (!queue.IsCompleted)
            {
                if (queue.TryTake(out var item, 250))
                {
                    Flush();
                    if (!write(item))
                    {
                        break;
                    }
                }

                Flush();
                tick?.Invoke();
            }
        }
        finally
        {
            // Reached on normal end, on an exception from write() and when a downstream cmdlet stops the pipeline.
            linked.Cancel();
            if (Ended(producer, ProducerGrace))
            {
                queue.Dispose();
                linked.Dispose();
            }
            else
            {
                // A source that does not heed cancellation still holds the queue and the token: they are disposed
                // when it ends, not under it (its next Add would meet a disposed queue, its finally a second failure).
                _ = producer.ContinueWith(_ =>
                {
                    queue.Dispose();
                    linked.Dispose();
                }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            Flush();
        }

        if (CancellationToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }

        if (failure is MigrationToolsException engineFailure)
        {
            throw engineFailure;
        }

        if (failure is not null)
        {
            throw ErrorCatalog.StreamFailed(failure.Message, null, failure);
        }
    }

    /// <summary>How long a stopped stream waits for its source to end before the command returns without it.</summary>
    internal static TimeSpan ProducerGrace { get; set; } = TimeSpan.FromSeconds(5);

    private static bool Ended(Task task, TimeSpan grace)
    {
        try
        {
            return task.Wait(grace);
        }
        catch (AggregateException)
        {
            return true;
        }
    }

    /// <summary>Writes what the engine reported from other threads; on the pipeline thread it is written at once.</summary>
    protected void Flush()
    {
        if (Environment.CurrentManagedThreadId != _pipelineThread)
        {
            return;
        }

        while (_pending.TryDequeue(out var write))
        {
            write(this);
        }
    }

    void IEngineOutput.Verbose(string message) => Post(c => c.WriteVerbose(message));

    void IEngineOutput.Warning(string message) => Post(c => c.WriteWarning(message));

    void IEngineOutput.Progress(ProgressReport report) => Post(c => c.WriteProgress(ToProgressRecord(report)));

    /// <summary>The progress record of an engine report (activity ids are per activity text, so nested work stays apart).</summary>
    private protected static ProgressRecord ToProgressRecord(ProgressReport report) => new(ActivityIdOf(report.Activity.GetHashCode()), report.Activity, report.Status)
    {
        PercentComplete = report.PercentComplete,
        RecordType = report.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
    };

    /// <summary>
    /// An activity id from a hash code: the sign bit is masked off, not negated (Math.Abs throws for int.MinValue,
    /// a hash code like any other).
    /// </summary>
    internal static int ActivityIdOf(int hash) => (hash & int.MaxValue) % 100000;

    private void Post(Action<MigrationToolsCmdlet> write)
    {
        _pending.Enqueue(write);
        Flush();
    }

    private static bool IsWholeCommandFailure(MigrationToolsException ex) =>
        ex.Kind is FailureKind.NotInstalled or FailureKind.NotSupported || ex.ErrorId is ErrorIds.NotRoot or ErrorIds.NotLinux;

    /// <summary>
    /// Failures of the work itself, not PowerShell's own control flow (a stopped pipeline, -ErrorAction Stop and
    /// <c>Select-Object -First</c> all come as <see cref="RuntimeException"/>s), which must pass through.
    /// </summary>
    private static bool IsUnexpected(Exception ex) => ex is not (RuntimeException or OperationCanceledException);

    /// <summary>The ErrorCategory of a kind of failure (about_MigrationTools_Errors lists them per id).</summary>
    internal static ErrorCategory CategoryOf(FailureKind kind) => kind switch
    {
        FailureKind.InvalidArgument => ErrorCategory.InvalidArgument,
        FailureKind.ResourceExists => ErrorCategory.ResourceExists,
        FailureKind.ObjectNotFound => ErrorCategory.ObjectNotFound,
        FailureKind.NotInstalled => ErrorCategory.NotInstalled,
        FailureKind.PermissionDenied => ErrorCategory.PermissionDenied,
        FailureKind.NotSupported => ErrorCategory.NotEnabled,
        FailureKind.InvalidOperation => ErrorCategory.InvalidOperation,
        FailureKind.OperationTimeout => ErrorCategory.OperationTimeout,
        FailureKind.InvalidData => ErrorCategory.InvalidData,
        FailureKind.ConnectionFailed => ErrorCategory.ConnectionError,
        _ => ErrorCategory.NotSpecified,
    };

    private void DisposeCancellation()
    {
        _cancellation?.Dispose();
        _cancellation = null;
    }
}
