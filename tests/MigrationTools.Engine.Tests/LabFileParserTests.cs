using System;
using System.Collections;
using System.Linq;
using MigrationTools.Engine.Errors;
using MigrationTools.Engine.Flows;
using MigrationTools.Engine.Labs;
using MigrationTools.Engine.Tunnels;
using Xunit;

namespace MigrationTools.Engine.Tests;

/// <summary>Lab file data (as a .psd1 file yields it) read into a definition, and every rule that refuses it.</summary>
public sealed class LabFileParserTests
{
    private static Hashtable H(params (string Key, object? Value)[] entries)
    {
        var table = new Hashtable(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in entries)
        {
            table[key] = value;
        }

        return table;
    }

    private static object[] A(params object?[] items) => items!;

    /// <summary>The diamond of the README, complete.</summary>
    private static Hashtable Diamond() => H(
        ("Name", "diamond"),
        ("Description", "two hosts and a router"),
        ("Nodes", H(
            ("h1", H(("Routes", A(H(("Destination", "default"), ("Gateway", "10.61.1.254")), H(("Destination", "default"), ("Gateway", "fd61:1::fe"), ("Metric", 5)))))),
            ("r1", H(("Forwarding", true), ("Sysctls", H(("net.ipv4.conf.*.rp_filter", 0), ("net.ipv4.tcp_ecn", "1"))), ("Routes", A(H(("Destination", "10.70.0.0/16"), ("Interface", "h2")))))),
            ("h2", null))),
        ("Links", A(
            H(("Endpoints", A("h1:eth0", "r1:h1")), ("Addresses", A(A("10.61.1.1/24", "fd61:1::1/64"), A("10.61.1.254/24", "fd61:1::fe/64"))), ("Mtu", 1400), ("RateMbit", 100)),
            H(("Endpoints", A("r1:h2", "h2:eth0")), ("Addresses", A("10.61.2.254/24", "10.61.2.1/24"))))),
        ("Addresses", A(H(("Node", "r1"), ("Interface", "lo"), ("Address", "10.250.1.1/32")))),
        ("Tunnels", A(H(("Node", "r1"), ("Name", "ipip0"), ("Local", "10.61.2.254"), ("Remote", "10.61.2.1"), ("Mode", "Userspace"), ("Ttl", 9)))),
        ("FlowMappings", A(H(("Node", "h1"), ("VirtualAddress", "10.99.0.1"), ("Target", A("10.61.2.1", "10.61.1.254")), ("Backend", "Iptables")))));

    [Fact]
    public void ACompleteLabIsReadWithEveryValue()
    {
        var lab = LabFileParser.Parse(Diamond(), "diamond.psd1");

        Assert.Equal("diamond", lab.Name);
        Assert.Equal("two hosts and a router", lab.Description);
        Assert.Equal(new[] { "h1", "h2", "r1" }, lab.Nodes.Keys.Order());
        Assert.True(lab.Nodes["r1"].Forwarding);
        Assert.False(lab.Nodes["h1"].Forwarding);
        Assert.Equal("0", lab.Nodes["r1"].Sysctls["net.ipv4.conf.*.rp_filter"]);
        Assert.Equal("1", lab.Nodes["r1"].Sysctls["net.ipv4.tcp_ecn"]);
        var routes = lab.Nodes["h1"].Routes;
        Assert.Equal(2, routes.Count);
        Assert.False(routes[0].IPv6);
        Assert.True(routes[1].IPv6);
        Assert.Equal(5, routes[1].Metric);
        Assert.Equal("h2", lab.Nodes["r1"].Routes.Single().Interface);
        var link = lab.Links[0];
        Assert.Equal(("h1", "eth0"), (link.A.Node, link.A.Interface));
        Assert.Equal(("r1", "h1"), (link.B.Node, link.B.Interface));
        Assert.Equal(new[] { "10.61.1.1/24", "fd61:1::1/64" }, link.AddressesA);
        Assert.Equal(new[] { "10.61.1.254/24", "fd61:1::fe/64" }, link.AddressesB);
        Assert.Equal(1400, link.Mtu);
        Assert.Equal(100, link.RateMbit);
        Assert.Equal(new[] { "10.61.2.1/24" }, lab.Links[1].AddressesB);
        Assert.Null(lab.Links[1].Mtu);
        Assert.Equal("10.250.1.1/32", lab.Addresses.Single().Address);
        var tunnel = lab.Tunnels.Single();
        Assert.Equal((TunnelMode.Userspace, 9), (tunnel.Mode, tunnel.Ttl));
        var mapping = lab.FlowMappings.Single();
        Assert.Equal(FlowBackend.Iptables, mapping.Backend);
        Assert.Equal(new[] { "10.61.2.1", "10.61.1.254" }, mapping.Targets);
    }

    [Fact]
    public void DefaultsFillWhatIsLeftOut()
    {
        var lab = LabFileParser.Parse(H(("Nodes", H(("a", H()), ("b", H()))), ("Links", A(H(("Endpoints", A("a:e0", "b:e0")))))), "x.psd1", "from-file-name");

        Assert.Equal("from-file-name", lab.Name);
        Assert.Empty(lab.Links[0].AddressesA);
        Assert.Empty(lab.Tunnels);
    }

    public static TheoryData<string, string, Func<Hashtable, Hashtable>> BadLabs => new()
    {
        { "no nodes", "Nodes", d => { d.Remove("Nodes"); return d; } },
        { "an unknown key", "Nodes.h1.Colour", d => { ((Hashtable)((Hashtable)d["Nodes"]!)["h1"]!)["Colour"] = "red"; return d; } },
        { "an unknown top-level key", "Extra", d => { d["Extra"] = 1; return d; } },
        { "a bad node name", "Nodes.a/b", d => { ((Hashtable)d["Nodes"]!)["a/b"] = H(); return d; } },
        { "a node that is not a table", "Nodes.h2", d => { ((Hashtable)d["Nodes"]!)["h2"] = "x"; return d; } },
        { "one endpoint", "Links[0].Endpoints", d => { ((Hashtable)((object[])d["Links"]!)[0])["Endpoints"] = A("h1:eth0"); return d; } },
        { "an endpoint without interface", "Links[1].Endpoints[0]", d => { ((Hashtable)((object[])d["Links"]!)[1])["Endpoints"] = A("r1", "h2:eth0"); return d; } },
        { "an unknown node in a link", "Links[1].Endpoints[1]", d => { ((Hashtable)((object[])d["Links"]!)[1])["Endpoints"] = A("r1:h2", "zz:eth0"); return d; } },
        { "a duplicate interface", "Links[1].Endpoints[0]", d => { ((Hashtable)((object[])d["Links"]!)[1])["Endpoints"] = A("r1:h1", "h2:eth0"); return d; } },
        { "an interface name over 15 bytes", "Links[1].Endpoints[1]", d => { ((Hashtable)((object[])d["Links"]!)[1])["Endpoints"] = A("r1:h2", "h2:an-interface-too-long"); return d; } },
        { "three address entries for two ends", "Links[1].Addresses", d => { ((Hashtable)((object[])d["Links"]!)[1])["Addresses"] = A("10.61.2.254/24", "10.61.2.1/24", "10.61.2.3/24"); return d; } },
        { "a bad prefix", "Links[1].Addresses", d => { ((Hashtable)((object[])d["Links"]!)[1])["Addresses"] = A("10.61.2.254/33", "10.61.2.1/24"); return d; } },
        { "an MTU out of range", "Links[0].Mtu", d => { ((Hashtable)((object[])d["Links"]!)[0])["Mtu"] = 20; return d; } },
        { "an MTU that is not a number", "Links[0].Mtu", d => { ((Hashtable)((object[])d["Links"]!)[0])["Mtu"] = "big"; return d; } },
        { "a gateway of the other family", "Nodes.h1.Routes[0]", d => { ((Hashtable)((object[])((Hashtable)((Hashtable)d["Nodes"]!)["h1"]!)["Routes"]!)[0])["Gateway"] = "fd61:1::fe"; ((Hashtable)((object[])((Hashtable)((Hashtable)d["Nodes"]!)["h1"]!)["Routes"]!)[0])["Destination"] = "10.0.0.0/8"; return d; } },
        { "a route interface the node lacks", "Nodes.r1.Routes[0].Interface", d => { ((Hashtable)((object[])((Hashtable)((Hashtable)d["Nodes"]!)["r1"]!)["Routes"]!)[0])["Interface"] = "nope"; return d; } },
        { "forwarding that is not a boolean", "Nodes.r1.Forwarding", d => { ((Hashtable)((Hashtable)d["Nodes"]!)["r1"]!)["Forwarding"] = "yes"; return d; } },
        { "a sysctl value that is a table", "Nodes.r1.Sysctls.net.ipv4.tcp_ecn", d => { ((Hashtable)((Hashtable)((Hashtable)d["Nodes"]!)["r1"]!)["Sysctls"]!)["net.ipv4.tcp_ecn"] = H(); return d; } },
        { "an address on an unknown node", "Addresses[0].Node", d => { ((Hashtable)((object[])d["Addresses"]!)[0])["Node"] = "zz"; return d; } },
        { "an address on an unknown interface", "Addresses[0].Interface", d => { ((Hashtable)((object[])d["Addresses"]!)[0])["Interface"] = "zz0"; return d; } },
        { "a tunnel on an unknown node", "Tunnels[0].Node", d => { ((Hashtable)((object[])d["Tunnels"]!)[0])["Node"] = "zz"; return d; } },
        { "an unknown tunnel mode", "Tunnels[0].Mode", d => { ((Hashtable)((object[])d["Tunnels"]!)[0])["Mode"] = "Magic"; return d; } },
        { "a tunnel from an address the node lacks", "Tunnels[0].Local", d => { ((Hashtable)((object[])d["Tunnels"]!)[0])["Local"] = "10.1.1.1"; return d; } },
        { "a TTL out of range", "Tunnels[0].Ttl", d => { ((Hashtable)((object[])d["Tunnels"]!)[0])["Ttl"] = 300; return d; } },
        { "a mapping on an unknown node", "FlowMappings[0].Node", d => { ((Hashtable)((object[])d["FlowMappings"]!)[0])["Node"] = "zz"; return d; } },
        { "an unknown flow backend", "FlowMappings[0].Backend", d => { ((Hashtable)((object[])d["FlowMappings"]!)[0])["Backend"] = "Pf"; return d; } },
        { "links that are not tables", "Links[0]", d => { d["Links"] = A("h1:eth0"); return d; } },
    };

    [Theory]
    [MemberData(nameof(BadLabs))]
    public void WhatBreaksARuleIsLabFileInvalidNamingItsKeyPath(string what, string path, Func<Hashtable, Hashtable> damage)
    {
        var thrown = Assert.Throws<MigrationToolsException>(() => LabFileParser.Parse(damage(Diamond()), "lab.psd1"));

        Assert.Equal("LabFileInvalid", thrown.ErrorId);
        Assert.Equal(FailureKind.InvalidArgument, thrown.Kind);
        Assert.Contains(path, thrown.Message, StringComparison.Ordinal);
        Assert.StartsWith("lab.psd1", thrown.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(what));
    }

    [Fact]
    public void APrefixThatMakesANameInvalidIsRefused()
    {
        var lab = LabFileParser.Parse(Diamond(), "lab.psd1");

        LabFileParser.CheckPrefix(lab, "ok-", "lab.psd1");
        var thrown = Assert.Throws<MigrationToolsException>(() => LabFileParser.CheckPrefix(lab, "bad/", "lab.psd1"));
        Assert.Equal("LabFileInvalid", thrown.ErrorId);
        Assert.Contains("Nodes.", thrown.Message, StringComparison.Ordinal);
    }
}
