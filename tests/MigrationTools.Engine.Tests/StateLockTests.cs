using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using MigrationTools.Core.Errors;
using MigrationTools.Engine.State;
using Xunit;

namespace MigrationTools.Engine.Tests;

/// <summary>The lock between sessions: how long it waits, and what a wait that runs out says.</summary>
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
}
