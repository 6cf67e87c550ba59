using System;
using System.Collections.Generic;
using MigrationTools.Engine.Netlink;
using MigrationTools.Engine.Netlink.Route;
using Xunit;

namespace MigrationTools.Engine.Tests.Root;

/// <summary>Replies to an abandoned request never feed the next one (issue: a dump cut off by a timeout).</summary>
[Collection(RootCollection.Name)]
public sealed class NetlinkSequenceTests : IDisposable
{
    private readonly TestNamespaces _namespaces = new();

    [RootFact]
    public void ADumpAfterAnAbandonedDumpSeesEachLinkOnce()
    {
        var ns = _namespaces.Add("n");
        for (var i = 0; i < 20; i++)
        {
            // Enough links that the dump spans several reads (this kernel has no dummy links).
            TestNamespaces.Ip("-n", ns, "link", "add", "d" + i, "type", "veth", "peer", "name", "e" + i);
        }

        var expected = TestNamespaces.Links(ns).Count;
        using var socket = NetlinkSocket.OpenRoute(ns);
        Span<byte> request = stackalloc byte[64];

        var abandoned = new NetlinkWriter(request);
        LinkMessages.WriteGetLinks(ref abandoned, socket.NextSequence());
        socket.SendAndAbandon(abandoned.Written);

        var seen = new List<uint>();
        var writer = new NetlinkWriter(request);
        var sequence = socket.NextSequence();
        LinkMessages.WriteGetLinks(ref writer, sequence);
        socket.Dump(writer.Written, sequence, message => seen.Add(message.Sequence), "list links");

        Assert.Equal(expected, seen.Count);
        Assert.All(seen, s => Assert.Equal(sequence, s));
        Assert.True(socket.StaleReplies > 0, "the abandoned dump's replies were read and dropped");
    }

    /// <inheritdoc />
    public void Dispose() => _namespaces.Dispose();
}
