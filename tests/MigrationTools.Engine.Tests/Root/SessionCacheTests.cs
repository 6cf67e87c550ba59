using System;
using System.Diagnostics;
using System.Threading;
using MigrationTools.Engine.Netlink;
using Xunit;

namespace MigrationTools.Engine.Tests.Root;

/// <summary>The per-namespace objects a session keeps (netlink sockets) close when unused and when their namespace goes.</summary>
[Collection(RootCollection.Name)]
public sealed class SessionCacheTests : IDisposable
{
    private readonly TestNamespaces _namespaces = new();

    private sealed class Held : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }

    private static void WaitFor(Func<bool> condition, TimeSpan limit, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < limit, $"timed out waiting for {what}");
            Thread.Sleep(50);
        }
    }

    [RootFact]
    public void AnObjectUnusedForItsIdleLifetimeIsClosedAndAUsedOneIsNot()
    {
        var ns = _namespaces.Add("c");
        var opened = 0;
        var cache = new NamespaceSessionCache<Held>(_ => { opened++; return new Held(); }, TimeSpan.FromSeconds(2));
        var first = cache.Use(ns, held => held);

        // Used every 300 ms for 3 s (longer than the idle lifetime): still the same object.
        for (var i = 0; i < 10; i++)
        {
            Thread.Sleep(300);
            Assert.Same(first, cache.Use(ns, held => held));
        }

        Assert.False(first.Disposed);
        var idleSince = Stopwatch.StartNew();
        WaitFor(() => first.Disposed, TimeSpan.FromSeconds(6), "the idle object to close");
        Assert.True(idleSince.Elapsed >= TimeSpan.FromSeconds(1.9), $"closed after {idleSince.Elapsed}, before its idle lifetime");
        Assert.Equal(0, cache.Count);

        // The next use opens a new one.
        Assert.NotSame(first, cache.Use(ns, held => held));
        Assert.Equal(2, opened);
    }

    [RootFact]
    public void AnObjectIsClosedWithinSecondsWhenItsNamespaceIsRemoved()
    {
        var ns = _namespaces.Add("d");
        var cache = new NamespaceSessionCache<Held>(_ => new Held());
        var held = cache.Use(ns, h => h);

        TestNamespaces.Ip("netns", "delete", ns);

        WaitFor(() => held.Disposed, TimeSpan.FromSeconds(5), "the object of the removed namespace to close");
        Assert.Equal(0, cache.Count);
    }

    /// <inheritdoc />
    public void Dispose() => _namespaces.Dispose();
}
