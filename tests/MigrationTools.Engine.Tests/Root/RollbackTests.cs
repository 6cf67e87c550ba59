using System;
using System.IO;
using System.Linq;
using MigrationTools.Engine.Labs;
using MigrationTools.Engine.Links;
using MigrationTools.Engine.Platform;
using MigrationTools.Engine.Tunnels;
using Xunit;

namespace MigrationTools.Engine.Tests.Root;

/// <summary>
/// Multi-step changes undo what they made when a later step fails: a fault point makes the step after the named
/// one throw, and iproute2 (not the engine) says what is left.
/// </summary>
[Collection(RootCollection.Name)]
public sealed class RollbackTests : IDisposable
{
    private readonly TestNamespaces _namespaces = new();

    [RootFact]
    public void AVethPairIsRemovedWhenTheStepAfterCreatingItFails()
    {
        var a = _namespaces.Add("a");
        var b = _namespaces.Add("b");
        using var fault = FailAt("veth-created");

        var thrown = Assert.Throws<InvalidOperationException>(() => LinkManager.ConnectVeth(a, "x-a", b, "x-b", null));

        Assert.Equal("fault at veth-created", thrown.Message);
        Assert.DoesNotContain("x-a", TestNamespaces.Links(a));
        Assert.DoesNotContain("x-b", TestNamespaces.Links(b));
    }

    [RootFact]
    public void AVethPairIsRemovedWhenBringingUpItsSecondEndFails()
    {
        var a = _namespaces.Add("a");
        var b = _namespaces.Add("b");
        using var fault = FailAt("veth-first-end-up");

        Assert.Throws<InvalidOperationException>(() => LinkManager.ConnectVeth(a, "y-a", b, "y-b", 1400));

        Assert.DoesNotContain("y-a", TestNamespaces.Links(a));
        Assert.DoesNotContain("y-b", TestNamespaces.Links(b));
    }

    [RootFact]
    public void AVethPairIsKeptWhenNothingFails()
    {
        // The control case: the same call without a fault leaves both ends, so the tests above would see a leak.
        var a = _namespaces.Add("a");
        var b = _namespaces.Add("b");

        LinkManager.ConnectVeth(a, "z-a", b, "z-b", null);

        Assert.Contains("z-a", TestNamespaces.Links(a));
        Assert.Contains("z-b", TestNamespaces.Links(b));
    }

    [RootFact]
    public void AUserspaceTunnelLeavesNoDeviceRelayOrStateWhenItsRelayCannotStart()
    {
        var a = WithUnderlay("t", "10.77.0.1/24");
        var spec = TunnelManager.Validate(a, "ipip9", "10.77.0.1", "10.77.0.2", 64, 0, null, TunnelMode.Userspace);
        using var fault = FailAt("tunnel-device-ready");

        Assert.Throws<InvalidOperationException>(() => TunnelManager.Set(spec));

        Assert.DoesNotContain("ipip9", TestNamespaces.Links(a));
        Assert.Empty(TestNamespaces.Run("ip", "netns", "pids", a).Trim());
        Assert.Empty(TunnelManager.List(a));
    }

    [RootFact]
    public void ARelayStartedButNotRecordedIsAdoptedShownReplacedAndRemoved()
    {
        var a = WithUnderlay("r", "10.79.0.1/24");
        TunnelManager.Set(TunnelManager.Validate(a, "ipip8", "10.79.0.1", "10.79.0.2", 64, 0, null, TunnelMode.Userspace));
        // A TTL change whose Set-IpipTunnel dies right after starting the new relay, before recording it.
        using (FailAt("tunnel-relay-started"))
        {
            Assert.Throws<InvalidOperationException>(() => TunnelManager.Set(TunnelManager.Validate(a, "ipip8", "10.79.0.1", "10.79.0.2", 33, 0, null, TunnelMode.Userspace)));
        }

        var relays = TestNamespaces.Run("ip", "netns", "pids", a).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var relay = int.Parse(Assert.Single(relays), System.Globalization.CultureInfo.InvariantCulture);

        var shown = Assert.Single(TunnelManager.List(a));
        Assert.Equal(("Running", relay, 33), (shown.State, shown.ProcessId!.Value, shown.Ttl));
        TunnelManager.Set(TunnelManager.Validate(a, "ipip8", "10.79.0.1", "10.79.0.2", 40, 0, null, TunnelMode.Userspace));
        Assert.Equal(40, Assert.Single(TunnelManager.List(a)).Ttl);
        TunnelManager.Remove(a, "ipip8");

        Assert.Empty(TestNamespaces.Run("ip", "netns", "pids", a).Trim());
        Assert.DoesNotContain("ipip8", TestNamespaces.Links(a));
        // Nothing of the tunnel is left in the state either: no record, no counters (.stats), no log.
        var state = Path.Combine("/run/migrationtools/netns", a);
        Assert.Empty(Directory.Exists(state) ? Directory.GetFiles(state, "ipip8*", SearchOption.AllDirectories) : Array.Empty<string>());
    }

    [RootFact]
    public void ALabBuildThatFailsMidwayRemovesItsNamespacesAndState()
    {
        var definition = LabFileParser.Parse(
            new System.Collections.Hashtable
            {
                ["Name"] = "rollback",
                ["Nodes"] = new System.Collections.Hashtable { ["h1"] = new System.Collections.Hashtable(), ["h2"] = new System.Collections.Hashtable() },
                ["Links"] = new object[] { new System.Collections.Hashtable { ["Endpoints"] = new object[] { "h1:eth0", "h2:eth0" }, ["Addresses"] = new object[] { "10.78.0.1/24", "10.78.0.2/24" } } },
            },
            "test");
        var name = _namespaces.Prefix + "lab";
        using var fault = FailAt("lab-stage:addresses"); // after the namespaces and links exist

        Assert.ThrowsAny<Exception>(() => LabManager.Build(definition, name, _namespaces.Prefix, "test", null));

        var left = TestNamespaces.Run("ip", "netns", "list").Split('\n').Where(n => n.StartsWith(_namespaces.Prefix, StringComparison.Ordinal));
        Assert.Empty(left);
        Assert.False(Directory.Exists(Path.Combine("/run/migrationtools/labs", name)));
        Assert.DoesNotContain(LabManager.List(), l => l.Name == name);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        FaultPoints.Hit = null;
        _namespaces.Dispose();
    }

    /// <summary>A namespace with a veth pair inside it, <paramref name="address"/> on its up end: a tunnel's underlay.</summary>
    private string WithUnderlay(string name, string address)
    {
        var ns = _namespaces.Add(name);
        TestNamespaces.Ip("-n", ns, "link", "add", "u0", "type", "veth", "peer", "name", "u1");
        TestNamespaces.Ip("-n", ns, "addr", "add", address, "dev", "u0");
        TestNamespaces.Ip("-n", ns, "link", "set", "u0", "up");
        return ns;
    }

    private static IDisposable FailAt(string point)
    {
        FaultPoints.Hit = reached =>
        {
            if (reached == point)
            {
                throw new InvalidOperationException("fault at " + point);
            }
        };
        return new Reset();
    }

    private sealed class Reset : IDisposable
    {
        public void Dispose() => FaultPoints.Hit = null;
    }
}
