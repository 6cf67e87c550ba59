using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MigrationTools.Engine.Errors;
using MigrationTools.Engine.Platform;

namespace MigrationTools;

/// <summary>
/// Base of every MigrationTools cmdlet: a cancellation token tied to Ctrl+C, the Linux/root checks, and the
/// mapping of engine failures to ErrorRecords with stable ids.
/// </summary>
public abstract class MigrationToolsCmdlet : PSCmdlet
{
    private CancellationTokenSource? _cancellation;

    /// <summary>Cancelled when the user presses Ctrl+C or the pipeline stops.</summary>
    protected CancellationToken CancellationToken => (_cancellation ??= new CancellationTokenSource()).Token;

    /// <summary>True when the cmdlet changes state and so needs root.</summary>
    protected virtual bool RequiresRoot => true;

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        _cancellation ??= new CancellationTokenSource();
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
    protected override void StopProcessing() => _cancellation?.Cancel();

    /// <inheritdoc />
    protected override void EndProcessing() => DisposeCancellation();

    /// <summary>Runs one unit of work; an engine failure becomes a per-item error, or a terminating one when the whole command cannot go on.</summary>
    protected void Invoke(object? target, Action action)
    {
        try
        {
            action();
        }
        catch (MigrationToolsException ex)
        {
            var record = ToErrorRecord(ex, target);
            if (IsWholeCommandFailure(ex))
            {
                ThrowTerminatingError(record);
            }

            WriteError(record);
        }
        catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>Maps an engine failure to an ErrorRecord.</summary>
    protected static ErrorRecord ToErrorRecord(MigrationToolsException ex, object? target) =>
        new(ex, ex.ErrorId, CategoryOf(ex.Kind), ex.Target ?? target);

    /// <summary>Writes an error for an argument problem found by the cmdlet itself.</summary>
    protected void WriteArgumentError(string errorId, string message, object? target) =>
        WriteError(new ErrorRecord(new ArgumentException(message), errorId, ErrorCategory.InvalidArgument, target));

    /// <summary>
    /// Drains <paramref name="source"/> on a background task and writes each item from the pipeline thread as it
    /// arrives, so output streams live; Ctrl+C, a timeout or a downstream <c>Select-Object -First</c> stop it.
    /// </summary>
    protected void StreamToPipeline<T>(Func<CancellationToken, IAsyncEnumerable<T>> source, Action<T> write, TimeSpan? timeout = null)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(CancellationToken);
        if (timeout is not null)
        {
            linked.CancelAfter(timeout.Value);
        }

        using var queue = new BlockingCollection<T>(boundedCapacity: 4096);
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
            foreach (var item in queue.GetConsumingEnumerable())
            {
                write(item);
            }
        }
        finally
        {
            // Reached on normal end, on an exception from write() and when a downstream cmdlet stops the pipeline.
            linked.Cancel();
            try
            {
                producer.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
            }
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
            throw new MigrationToolsException("StreamFailed", FailureKind.OperationFailed, failure.Message, null, failure);
        }
    }

    private static bool IsWholeCommandFailure(MigrationToolsException ex) =>
        ex.Kind is FailureKind.NotInstalled or FailureKind.NotSupported || ex.ErrorId is "NotRoot" or "NotLinux";

    private static ErrorCategory CategoryOf(FailureKind kind) => kind switch
    {
        FailureKind.InvalidArgument => ErrorCategory.InvalidArgument,
        FailureKind.ResourceExists => ErrorCategory.ResourceExists,
        FailureKind.ObjectNotFound => ErrorCategory.ObjectNotFound,
        FailureKind.NotInstalled => ErrorCategory.NotInstalled,
        FailureKind.PermissionDenied => ErrorCategory.PermissionDenied,
        FailureKind.NotSupported => ErrorCategory.NotEnabled,
        FailureKind.InvalidOperation => ErrorCategory.InvalidOperation,
        FailureKind.OperationTimeout => ErrorCategory.OperationTimeout,
        _ => ErrorCategory.NotSpecified,
    };

    private void DisposeCancellation()
    {
        _cancellation?.Dispose();
        _cancellation = null;
    }
}
