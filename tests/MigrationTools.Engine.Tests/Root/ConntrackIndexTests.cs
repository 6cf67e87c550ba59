using System;
using System.Linq;
using System.Net;
using MigrationTools.Engine.Netlink;
using Xunit;

namespace MigrationTools.Engine.Tests.Root;

/// <summary>The index of flows to a mapped address that a session keeps from conntrack events.</summary>
[Collection(RootCollection.Name)]
public sealed class ConntrackIndexTests : IDisposable
{
    private readonly TestNamespaces _namespaces = new();

    private static void Insert(string ns, int count, int firstPort) =>
        TestNamespaces.Ip("netns", "exec", ns, "sh", "-c",
            $"for p in $(seq {firstPort} {firstPort + count - 1}); do conntrack -I -p udp -s 10.98.0.2 -d 10.99.0.1 --sport $p --dport 53 --timeout 300 2>/dev/null || exit 1; done");

    private static int Listed(string ns) =>
        TestNamespaces.Ip("netns", "exec", ns, "conntrack", "-L", "-d", "10.99.0.1").Split('\n').Count(l => l.Contains("dport=53", StringComparison.Ordinal) && l.StartsWith("udp", StringComparison.Ordinal));

    [RootFact]
    public void FollowsNewFlowsFromEventsWithoutADump()
    {
        var ns = _namespaces.Add("e");
        using var session = NetfilterSession.Open(ns, 8 << 20);
        var vip = IPAddress.Parse("10.99.0.1");
        Assert.Empty(session.FlowsTo(vip));

        Insert(ns, 20, 20000);

        Assert.Equal(20, session.FlowsTo(vip).Count);
        Assert.Equal(0, session.Overflows);
    }

    [RootFact]
    public void AfterTheEventQueueOverflowsTheIndexIsRebuiltFromADump()
    {
        var ns = _namespaces.Add("o");
        // A queue of a few kilobytes: 300 NEW events (a few hundred bytes each) cannot fit.
        using var session = NetfilterSession.Open(ns, 4096);
        var vip = IPAddress.Parse("10.99.0.1");
        Assert.Empty(session.FlowsTo(vip));

        Insert(ns, 300, 10000);

        var flows = session.FlowsTo(vip);
        Assert.Equal(1, session.Overflows);
        Assert.Equal(Listed(ns), flows.Count);
        Assert.Equal(300, flows.Count);
        Assert.Equal(Enumerable.Range(10000, 300), flows.Select(f => (int)f.Original.SourcePort!.Value).OrderBy(p => p));
    }

    /// <inheritdoc />
    public void Dispose() => _namespaces.Dispose();
}
