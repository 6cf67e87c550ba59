using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MigrationTools.Core.Reporting;

namespace MigrationTools.Engine.QuicMatrix;

/// <summary>
/// Runs the cells of a matrix, <c>throttle</c> at a time, each in its own lab copy, and yields each result as its cell
/// finishes. Cancelled, it stops every running cell, waits until each has removed its lab and programs, then throws.
/// </summary>
internal static class QuicMatrixRunner
{
    /// <summary>The cells of <paramref name="servers"/> × <paramref name="clients"/> × <paramref name="scenarios"/>, in that order.</summary>
    public static IReadOnlyList<QuicCell> Cells(IEnumerable<QuicImplementation> servers, IEnumerable<QuicImplementation> clients, IEnumerable<QuicScenario> scenarios)
    {
        var index = 0;
        var clientList = clients.DistinctBy(c => c.Name).ToArray();
        var scenarioList = scenarios.Distinct().ToArray();
        return servers.DistinctBy(s => s.Name)
            .SelectMany(server => clientList.SelectMany(client => scenarioList.Select(scenario => new QuicCell(server, client, scenario, index++))))
            .ToArray();
    }

    /// <summary>Runs <paramref name="cells"/> and yields their results as they finish.</summary>
    public static IEnumerable<QuicMigrationResult> Run(IReadOnlyList<QuicCell> cells, QuicMatrixOptions options, int throttle, CancellationToken cancellationToken)
    {
        if (cells.Count == 0)
        {
            yield break;
        }

        Directory.CreateDirectory(options.OutputDirectory);
        var contentDirectory = Path.Combine(options.OutputDirectory, ".content-" + Guid.NewGuid().ToString("N")[..8]);
        using var results = new BlockingCollection<QuicMigrationResult>();
        var queue = new ConcurrentQueue<QuicCell>(cells);
        Task[] workers = Array.Empty<Task>();
        try
        {
            var content = QuicMatrixContent.Create(contentDirectory, options.FileSize, cancellationToken);
            workers = Enumerable.Range(0, Math.Clamp(throttle, 1, cells.Count)).Select(_ => Task.Factory.StartNew(() =>
            {
                // The cells' own messages (lab builds, captures) would interleave; the results speak for them.
                using var silence = EngineOutput.Use(null);
                while (!cancellationToken.IsCancellationRequested && queue.TryDequeue(out var cell))
                {
                    results.Add(new QuicCellRun(cell, options, content).Run(cancellationToken), CancellationToken.None);
                }
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
            _ = Task.WhenAll(workers).ContinueWith(_ => results.CompleteAdding(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            foreach (var result in results.GetConsumingEnumerable(cancellationToken))
            {
                yield return result;
            }
        }
        finally
        {
            // Every cell removes its lab and programs before its worker ends, also when cancelled.
            try
            {
                Task.WaitAll(workers, CancellationToken.None);
            }
            catch (AggregateException ex) when (ex.InnerExceptions.All(e => e is OperationCanceledException))
            {
            }

            if (Directory.Exists(contentDirectory))
            {
                Directory.Delete(contentDirectory, recursive: true);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
    }
}
