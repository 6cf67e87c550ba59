using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using MigrationTools.Core.Reporting;
using Xunit;

namespace MigrationTools.Cmdlets.Tests;

/// <summary>
/// The base cmdlet's streaming of a background source into the pipeline, driven by a cmdlet of this assembly whose
/// source ignores cancellation for a while, as a slow reader of a file or a socket can.
/// </summary>
public sealed class StreamTests
{
    [Fact]
    public void ASourceThatOutlivesTheCommandNeverMeetsADisposedQueue()
    {
        var unobserved = new ConcurrentQueue<Exception>();
        void Record(object? sender, UnobservedTaskExceptionEventArgs e) => unobserved.Enqueue(e.Exception);
        TaskScheduler.UnobservedTaskException += Record;
        TimeSpan grace = MigrationToolsCmdlet.ProducerGrace;
        MigrationToolsCmdlet.ProducerGrace = TimeSpan.FromMilliseconds(50);
        try
        {
            var state = InitialSessionState.CreateDefault2();
            state.Commands.Add(new SessionStateCmdletEntry("Test-SlowStream", typeof(TestSlowStreamCommand), null));
            using var shell = PowerShell.Create(state);
            var output = shell.AddCommand("Test-SlowStream").Invoke();

            Assert.Single(output);
            Assert.True(TestSlowStreamCommand.SourceEnded.Wait(TimeSpan.FromSeconds(10)), "the source never ended");
            Thread.Sleep(200);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();

            Assert.Empty(unobserved);
        }
        finally
        {
            MigrationToolsCmdlet.ProducerGrace = grace;
            TaskScheduler.UnobservedTaskException -= Record;
        }
    }

    [Fact]
    public void ALongLivedWorkerDoesNotCarryTheOutputOfTheCallThatStartedIt()
    {
        var output = new Sink();
        string? seenByThread = "unset";
        string? seenByTimer = "unset";
        using var timerRan = new ManualResetEventSlim();
        using (EngineOutput.Use(output))
        {
            Detached.StartThread("test worker", () => seenByThread = EngineOutput.Current?.ToString()).Join();
            using var timer = Detached.Timer(() =>
            {
                seenByTimer = EngineOutput.Current?.ToString();
                timerRan.Set();
            }, TimeSpan.FromMilliseconds(10));
            Assert.True(timerRan.Wait(TimeSpan.FromSeconds(5)));

            // The oracle: a plain thread started here does carry it.
            string? seenByPlainThread = null;
            var plain = new Thread(() => seenByPlainThread = EngineOutput.Current?.ToString());
            plain.Start();
            plain.Join();
            Assert.Equal(nameof(Sink), seenByPlainThread);
        }

        Assert.Null(seenByThread);
        Assert.Null(seenByTimer);
    }

    [Theory]
    [InlineData(int.MinValue)]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    [InlineData(0)]
    public void EveryActivityHashGivesAnActivityIdInRange(int hash)
    {
        // int.MinValue is a hash code like any other; Math.Abs of it throws.
        Assert.InRange(MigrationToolsCmdlet.ActivityIdOf(hash), 0, 99999);
    }

    private sealed class Sink : IEngineOutput
    {
        public void Verbose(string message) { }

        public void Warning(string message) { }

        public void Progress(ProgressReport report) { }

        public override string ToString() => nameof(Sink);
    }
}

/// <summary>Streams one item, then (stopped after it) keeps going for 300 ms before it offers one more.</summary>
[Cmdlet("Test", "SlowStream")]
public sealed class TestSlowStreamCommand : MigrationToolsCmdlet
{
    internal static ManualResetEventSlim SourceEnded { get; } = new();

    protected override bool RequiresRoot => false;

    protected override void ProcessRecord() => StreamToPipeline(Source, item =>
    {
        WriteObject(item);
        return false;
    });

    private static async IAsyncEnumerable<int> Source([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        SourceEnded.Reset();
        try
        {
            yield return 1;
            await Task.Delay(300, CancellationToken.None).ConfigureAwait(false);
            yield return 2;
        }
        finally
        {
            SourceEnded.Set();
        }
    }
}
