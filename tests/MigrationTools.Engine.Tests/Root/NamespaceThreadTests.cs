using System;
using System.IO;
using System.Linq;
using System.Threading;
using MigrationTools.Engine.Namespaces;
using Xunit;

namespace MigrationTools.Engine.Tests.Root;

/// <summary>The reused workers that run code inside a namespace: inside while they work, home afterwards.</summary>
[Collection(RootCollection.Name)]
public sealed class NamespaceThreadTests : IDisposable
{
    private readonly TestNamespaces _namespaces = new();

    /// <summary>The namespace of every thread of this process, as /proc shows them (the kernel's word, not the worker's).</summary>
    private static string[] ThreadNamespaces() =>
        Directory.GetDirectories("/proc/self/task")
            .Select(task => { try { return new FileInfo(task + "/ns/net").LinkTarget ?? string.Empty; } catch (IOException) { return string.Empty; } })
            .ToArray();

    private static string NamespaceOf(string name) =>
        "net:[" + TestNamespaces.Run("stat", "-L", "-c", "%i", "/run/netns/" + name).Trim() + "]";

    [RootFact]
    public void WorkRunsInsideTheNamespaceAndNoThreadStaysThereAfterwards()
    {
        var names = Enumerable.Range(0, 6).Select(i => _namespaces.Add("w" + i)).ToArray();
        foreach (var name in names)
        {
            var inside = NamespaceThread.Run(name, () => new FileInfo("/proc/thread-self/ns/net").LinkTarget);
            Assert.Equal(NamespaceOf(name), inside);
        }

        // Several at once, from fan-out threads that are workers themselves.
        NamespaceThread.ForEach(names.Length, 3, i => Assert.Equal(NamespaceOf(names[i]),
            NamespaceThread.Run(names[i], () => new FileInfo("/proc/thread-self/ns/net").LinkTarget)), CancellationToken.None);

        var held = ThreadNamespaces();
        foreach (var name in names)
        {
            Assert.DoesNotContain(NamespaceOf(name), held);
        }
    }

    [RootFact]
    public void AFailureInsideReachesTheCallerAndTheWorkerStillGoesHome()
    {
        var name = _namespaces.Add("f");
        var error = Assert.Throws<InvalidOperationException>(() => NamespaceThread.Run<int>(name, () => throw new InvalidOperationException("inside")));
        Assert.Equal("inside", error.Message);
        Assert.DoesNotContain(NamespaceOf(name), ThreadNamespaces());
        Assert.Equal(7, NamespaceThread.Run(name, () => 7));
    }

    public void Dispose() => _namespaces.Dispose();
}
