using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using MigrationTools.Core.Errors;
using MigrationTools.Engine.State;
using Xunit;

namespace MigrationTools.Engine.Tests;

/// <summary>The lock between sessions: how long it waits, what a wait that runs out says, kept locks and the generation writers leave.</summary>
public sealed class StateLockTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "mtx-lock-" + Guid.NewGuid().ToString("N"), ".lock");

    public void Dispose()
    {
        if (Directory.Exists(Path.GetDirectoryName(_path)))
        {
            Directory.Delete(Path.GetDirectoryName(_path)!, recursive: true);
        }
    }

    [Theory]
    [InlineData(null, 10.0)]
    [InlineData("", 10.0)]
    [InlineData("1", 1.0)]
    [InlineData("0.25", 0.25)]
    [InlineData("3600", 3600.0)]
    [InlineData("0", 10.0)]
    [InlineData("-1", 10.0)]
    [InlineData("3601", 10.0)]
    [InlineData("NaN", 10.0)]
    [InlineData("ten", 10.0)]
    public void TheTimeoutSettingIsSecondsWithinBoundsOrTheDefault(string? value, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), StateLock.ParseTimeout(value));

    [Fact]
    public void AWaitForAHeldLockEndsAsStateLockTimeoutAfterTheGivenTime()
    {
        using var held = StateLock.Acquire(_path, TimeSpan.FromSeconds(1), CancellationToken.None);
        var watch = Stopwatch.StartNew();
        var error = Assert.Throws<MigrationToolsException>(() => StateLock.Acquire(_path, TimeSpan.FromMilliseconds(300), CancellationToken.None));
        Assert.Equal(ErrorIds.StateLockTimeout, error.ErrorId);
        Assert.InRange(watch.Elapsed.TotalMilliseconds, 300, 3000);
    }

    [Fact]
    public void ALockIsFreeAgainOnceItsHolderIsDisposed()
    {
        StateLock.Acquire(_path, TimeSpan.FromSeconds(1), CancellationToken.None).Dispose();
        using var again = StateLock.Acquire(_path, TimeSpan.FromMilliseconds(100), CancellationToken.None);
        Assert.NotNull(again);
    }

    [Fact]
    public void AKeptLockShutsOutAnotherOpenerAndAnotherThreadOfThisProcessUntilReleased()
    {
        var keeper = new StateLock.Keeper(_path);
        var held = keeper.TryAcquire(TimeSpan.FromSeconds(1), CancellationToken.None);
        Assert.NotNull(held);
        // Another open of the file (another session): flock keeps it out.
        Assert.Equal(ErrorIds.StateLockTimeout, Assert.Throws<MigrationToolsException>(() => StateLock.Acquire(_path, TimeSpan.FromMilliseconds(100), CancellationToken.None)).ErrorId);
        // Another thread of this process through the same kept file: flock alone would let it in; the gate does not.
        var other = new Thread(() => Assert.Equal(ErrorIds.StateLockTimeout,
            Assert.Throws<MigrationToolsException>(() => keeper.TryAcquire(TimeSpan.FromMilliseconds(100), CancellationToken.None)).ErrorId));
        other.Start();
        other.Join();

        held!.Dispose();
        using var again = StateLock.Acquire(_path, TimeSpan.FromMilliseconds(100), CancellationToken.None);
    }

    [Fact]
    public void AKeptLockWhoseFileWasRemovedAndMadeAgainIsNotTaken()
    {
        var keeper = new StateLock.Keeper(_path);
        keeper.TryAcquire(TimeSpan.FromSeconds(1), CancellationToken.None)!.Dispose();
        Directory.Delete(Path.GetDirectoryName(_path)!, recursive: true);
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        File.WriteAllText(_path, string.Empty);

        Assert.Null(keeper.TryAcquire(TimeSpan.FromSeconds(1), CancellationToken.None));
        // Nothing is left held: the file at the path can be locked at once.
        using var fresh = StateLock.Acquire(_path, TimeSpan.FromMilliseconds(100), CancellationToken.None);
    }

    [Fact]
    public void AKeptLockWhoseFileWasReplacedIsNotWaitedForWhileAnotherSessionStillHoldsTheOldFile()
    {
        var keeper = new StateLock.Keeper(_path);
        keeper.TryAcquire(TimeSpan.FromSeconds(1), CancellationToken.None)!.Dispose();
        // Another session holds the old file and keeps holding it after the file is replaced at its path.
        using var other = StateLock.Acquire(_path, TimeSpan.FromSeconds(1), CancellationToken.None);
        File.Delete(_path);
        File.WriteAllText(_path, string.Empty);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.Null(keeper.TryAcquire(TimeSpan.FromSeconds(5), CancellationToken.None));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"waited {watch.Elapsed} for a file no longer at the path");
    }

    [Fact]
    public void TheGenerationIsZeroUntilAWriterChangesItAndEveryChangeIsANewOneOthersSee()
    {
        var seen = new System.Collections.Generic.HashSet<long>();
        using (var first = StateLock.Acquire(_path, TimeSpan.FromSeconds(1), CancellationToken.None))
        {
            Assert.Equal(0, first.Generation);
            for (var i = 0; i < 20; i++)
            {
                first.Changed();
                Assert.True(seen.Add(first.Generation));
            }
        }

        var keeper = new StateLock.Keeper(_path);
        using var kept = keeper.TryAcquire(TimeSpan.FromSeconds(1), CancellationToken.None)!;
        var last = kept.Generation;
        Assert.Contains(last, seen);
        Assert.NotEqual(0, last);
    }
}
