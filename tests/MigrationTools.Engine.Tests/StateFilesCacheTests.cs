using System;
using System.IO;
using System.Linq;
using MigrationTools.Engine.State;
using Xunit;

namespace MigrationTools.Engine.Tests;

/// <summary>The cached reading of state files: parsed once while unchanged, parsed again once a writer replaced the file.</summary>
public sealed class StateFilesCacheTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "mt-state-cache-" + Guid.NewGuid().ToString("N")[..8]);

    public StateFilesCacheTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private sealed record Sample(string Name, int[] Values);

    [Fact]
    public void AnUnchangedFileIsParsedOnceAndAReplacedOneIsReadAgain()
    {
        var path = Path.Combine(_directory, "a.json");
        StateFiles.Write(path, new Sample("first", new[] { 1 }));
        var first = StateFiles.ReadAllCached<Sample>(_directory).Single().Value;
        var again = StateFiles.ReadAllCached<Sample>(_directory).Single().Value;
        Assert.Equal("first", first.Name);
        Assert.Same(first, again);

        // A writer replaces the file by renaming a new one over it: the next read sees the new value.
        StateFiles.Write(path, new Sample("second", new[] { 2, 3 }));
        var replaced = StateFiles.ReadAllCached<Sample>(_directory).Single().Value;
        Assert.Equal("second", replaced.Name);
        Assert.Equal(new[] { 2, 3 }, replaced.Values);

        // A removed file is gone from the reading, and hidden files (the lock) are never read.
        File.WriteAllText(Path.Combine(_directory, ".lock.json"), "{}");
        File.Delete(path);
        Assert.Empty(StateFiles.ReadAllCached<Sample>(_directory));
    }
}
