using System;
using System.Collections;
using System.Linq;
using MigrationTools.Core.Errors;
using MigrationTools.Engine.Flows;
using MigrationTools.Engine.Labs;
using MigrationTools.Engine.Tunnels;
using Xunit;
using static MigrationTools.Engine.Tests.DataTables;

namespace MigrationTools.Engine.Tests;

/// <summary>Lab file data (as a .psd1 file yields it) read into a definition, and every rule that refuses it.</summary>
public sealed class LabFileParserTests
{
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
    public void ImpairmentsOfALinkApplyToBothEndsAndAnEndsOwnOverrideThem()
    {
        var lab = LabFileParser.Parse(H(("Nodes", H(("a", H()), ("b", H()))), ("Links", A(H(("Endpoints", A("a:e0", "b:e0")),
            ("DelayMs", 20), ("LossPercent", 0.5), ("Impairments", A(H(), H(("LossPercent", 5), ("ReorderPercent", 10)))))))), "x.psd1");
        var link = lab.Links[0];
        Assert.Equal(new Netlink.Route.NetemSettings(20, 0, 0.5, 0, 0), link.ImpairmentA);
        Assert.Equal(new Netlink.Route.NetemSettings(20, 0, 5, 0, 10), link.ImpairmentB);
        Assert.Null(LabFileParser.Parse(H(("Nodes", H(("a", H()), ("b", H()))), ("Links", A(H(("Endpoints", A("a:e0", "b:e0")))))), "x.psd1").Links[0].ImpairmentA);
    }

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

    [Fact]
    public void ShorthandsThatPowerShellDataFilesAllow()
    {
        // One link as a hashtable instead of an array of them; $null for an end without addresses; booleans as
        // sysctl values; a route's family given for a destination that has none of its own.
        var lab = LabFileParser.Parse(H(
            ("Nodes", H(
                ("a", H(("Sysctls", H(("net.ipv6.conf.all.forwarding", true), ("net.ipv4.conf.all.rp_filter", false))),
                        ("Routes", A(H(("Destination", "default"), ("Interface", "e0"), ("Family", "IPv6")))))),
                ("b", H()))),
            ("Links", H(("Endpoints", A("a:e0", "b:e0")), ("Addresses", A(null, "10.0.0.2/24"))))), "x.psd1");

        var link = Assert.Single(lab.Links);
        Assert.Empty(link.AddressesA);
        Assert.Equal(new[] { "10.0.0.2/24" }, link.AddressesB);
        Assert.Equal("1", lab.Nodes["a"].Sysctls["net.ipv6.conf.all.forwarding"]);
        Assert.Equal("0", lab.Nodes["a"].Sysctls["net.ipv4.conf.all.rp_filter"]);
        Assert.True(Assert.Single(lab.Nodes["a"].Routes).IPv6);
        Assert.Equal("x", LabFileParser.Parse(H(("Nodes", H(("a", null)))), "x.psd1", "x").Name);
        Assert.Equal("lab", LabFileParser.Parse(H(("Nodes", H(("a", null)))), "x.psd1").Name);
    }

    public static TheoryData<string, string, string, Func<Hashtable, Hashtable>> BadLabs => new()
    {
        { "no nodes", "Nodes", "a lab needs at least one node (Nodes = @{ name = @{} }).", d => { d.Remove("Nodes"); return d; } },
        { "an unknown key", "Nodes.h1.Colour", "unknown key; the keys here are Forwarding, Sysctls, Routes, Nftables, Host.", d => { ((Hashtable)((Hashtable)d["Nodes"]!)["h1"]!)["Colour"] = "red"; return d; } },
        { "an unknown top-level key", "Extra", "unknown key; the keys here are Name, Description, Nodes, Links, Addresses, Tunnels, FlowMappings, Captures, Segments, Hosts, Vxlan, Vxlans.", d => { d["Extra"] = 1; return d; } },
        { "a bad node name", "Nodes.a/b", "'a/b' cannot be a node name: the name contains '/'.", d => { ((Hashtable)d["Nodes"]!)["a/b"] = H(); return d; } },
        { "a node that is not a table", "Nodes.h2", "a node is a hashtable (@{ ... }).", d => { ((Hashtable)d["Nodes"]!)["h2"] = "x"; return d; } },
        { "one endpoint", "Links[0].Endpoints", "a link has two endpoints, 'node:interface', 'node:interface'.", d => { ((Hashtable)((object[])d["Links"]!)[0])["Endpoints"] = A("h1:eth0"); return d; } },
        { "an endpoint without interface", "Links[1].Endpoints[0]", "'r1' is not 'node:interface'.", d => { ((Hashtable)((object[])d["Links"]!)[1])["Endpoints"] = A("r1", "h2:eth0"); return d; } },
        { "an unknown node in a link", "Links[1].Endpoints[1]", "there is no node 'zz' (nodes: h1, h2, r1).", d => { ((Hashtable)((object[])d["Links"]!)[1])["Endpoints"] = A("r1:h2", "zz:eth0"); return d; } },
        { "a duplicate interface", "Links[1].Endpoints[0]", "node 'r1' already has an interface 'h1'.", d => { ((Hashtable)((object[])d["Links"]!)[1])["Endpoints"] = A("r1:h1", "h2:eth0"); return d; } },
        { "an interface name over 15 bytes", "Links[1].Endpoints[1]", "'an-interface-too-long' cannot be an interface name: the name is longer than 15 bytes.", d => { ((Hashtable)((object[])d["Links"]!)[1])["Endpoints"] = A("r1:h2", "h2:an-interface-too-long"); return d; } },
        { "three address entries for two ends", "Links[1].Addresses", "a link has two endpoints: give one entry (a string or an array) for each.", d => { ((Hashtable)((object[])d["Links"]!)[1])["Addresses"] = A("10.61.2.254/24", "10.61.2.1/24", "10.61.2.3/24"); return d; } },
        { "a bad prefix", "Links[1].Addresses[0]", "'10.61.2.254/33' is not an address with a prefix length (e.g. 10.0.0.1/24 or fd00::1/64).", d => { ((Hashtable)((object[])d["Links"]!)[1])["Addresses"] = A("10.61.2.254/33", "10.61.2.1/24"); return d; } },
        { "an MTU out of range", "Links[0].Mtu", "20 is out of range (68 to 65535).", d => { ((Hashtable)((object[])d["Links"]!)[0])["Mtu"] = 20; return d; } },
        { "an MTU that is not a number", "Links[0].Mtu", "expected a whole number.", d => { ((Hashtable)((object[])d["Links"]!)[0])["Mtu"] = "big"; return d; } },
        { "a gateway of the other family", "Nodes.h1.Routes[0]", "The gateway fd61:1::fe is IPv6, but the route is IPv4: every address of a route must be of one family.", d => { ((Hashtable)((object[])((Hashtable)((Hashtable)d["Nodes"]!)["h1"]!)["Routes"]!)[0])["Gateway"] = "fd61:1::fe"; ((Hashtable)((object[])((Hashtable)((Hashtable)d["Nodes"]!)["h1"]!)["Routes"]!)[0])["Destination"] = "10.0.0.0/8"; return d; } },
        { "a route interface the node lacks", "Nodes.r1.Routes[0].Interface", "the node has no interface 'nope' (its interfaces: h1, h2, ipip0, lo).", d => { ((Hashtable)((object[])((Hashtable)((Hashtable)d["Nodes"]!)["r1"]!)["Routes"]!)[0])["Interface"] = "nope"; return d; } },
        { "forwarding that is not a boolean", "Nodes.r1.Forwarding", "expected $true or $false.", d => { ((Hashtable)((Hashtable)d["Nodes"]!)["r1"]!)["Forwarding"] = "yes"; return d; } },
        { "a sysctl value that is a table", "Nodes.r1.Sysctls.net.ipv4.tcp_ecn", "expected a number or a string.", d => { ((Hashtable)((Hashtable)((Hashtable)d["Nodes"]!)["r1"]!)["Sysctls"]!)["net.ipv4.tcp_ecn"] = H(); return d; } },
        { "an address on an unknown node", "Addresses[0].Node", "there is no node 'zz' (nodes: h1, h2, r1).", d => { ((Hashtable)((object[])d["Addresses"]!)[0])["Node"] = "zz"; return d; } },
        { "an address on an unknown interface", "Addresses[0].Interface", "node 'r1' has no interface 'zz0' (its interfaces: h1, h2, ipip0, lo).", d => { ((Hashtable)((object[])d["Addresses"]!)[0])["Interface"] = "zz0"; return d; } },
        { "a tunnel on an unknown node", "Tunnels[0].Node", "there is no node 'zz' (nodes: h1, h2, r1).", d => { ((Hashtable)((object[])d["Tunnels"]!)[0])["Node"] = "zz"; return d; } },
        { "an unknown tunnel mode", "Tunnels[0].Mode", "'Magic' is not a tunnel mode (Auto, Kernel or Userspace).", d => { ((Hashtable)((object[])d["Tunnels"]!)[0])["Mode"] = "Magic"; return d; } },
        { "a tunnel from an address the node lacks", "Tunnels[0].Local", "10.1.1.1 is not an address of node 'r1'; a tunnel starts from one of the node's addresses.", d => { ((Hashtable)((object[])d["Tunnels"]!)[0])["Local"] = "10.1.1.1"; return d; } },
        { "a TTL out of range", "Tunnels[0].Ttl", "300 is out of range (0 to 255).", d => { ((Hashtable)((object[])d["Tunnels"]!)[0])["Ttl"] = 300; return d; } },
        { "a mapping on an unknown node", "FlowMappings[0].Node", "there is no node 'zz' (nodes: h1, h2, r1).", d => { ((Hashtable)((object[])d["FlowMappings"]!)[0])["Node"] = "zz"; return d; } },
        { "an unknown flow backend", "FlowMappings[0].Backend", "'Pf' is not a flow backend (Nftables or Iptables).", d => { ((Hashtable)((object[])d["FlowMappings"]!)[0])["Backend"] = "Pf"; return d; } },
        { "links that are not tables", "Links[0]", "expected a hashtable (@{ ... }).", d => { d["Links"] = A("h1:eth0"); return d; } },
        { "an empty node table", "Nodes", "a lab needs at least one node.", d => { d["Nodes"] = H(); return d; } },
        { "nodes that are not a table", "Nodes", "expected a hashtable (@{ ... }).", d => { d["Nodes"] = A("h1"); return d; } },
        { "a name that is not a string", "Name", "expected a string.", d => { d["Name"] = 5; return d; } },
        { "an unknown key in a link", "Links[0].Colour", "unknown key; the keys here are Endpoints, Addresses, Mtu, RateMbit, Impairments, DelayMs, JitterMs, LossPercent, DuplicatePercent, ReorderPercent.", d => { ((Hashtable)((object[])d["Links"]!)[0])["Colour"] = 1; return d; } },
        { "a loss over 100 %", "Links[0].LossPercent", "101 is out of range (0 to 100).", d => { ((Hashtable)((object[])d["Links"]!)[0])["LossPercent"] = 101; return d; } },
        { "jitter without delay", "Links[0].JitterMs", "jitter varies a delay: give DelayMs too.", d => { ((Hashtable)((object[])d["Links"]!)[0])["JitterMs"] = 5; return d; } },
        { "one impairment table for two ends", "Links[0].Impairments", "two hashtables, one per endpoint in the order of Endpoints, e.g. @{ DelayMs = 20 }, @{}.", d => { ((Hashtable)((object[])d["Links"]!)[0])["Impairments"] = A(H(("DelayMs", 5))); return d; } },
        { "an unknown key in an end's impairment", "Links[0].Impairments[1].Rate", "unknown key; the keys here are DelayMs, JitterMs, LossPercent, DuplicatePercent, ReorderPercent.", d => { ((Hashtable)((object[])d["Links"]!)[0])["Impairments"] = A(H(), H(("Rate", 5))); return d; } },
        { "a capture on an unknown node", "Captures[0].Node", "there is no node 'zz' (nodes: h1, h2, r1).", d => { d["Captures"] = A(H(("Node", "zz"), ("Path", "x.pcapng"))); return d; } },
        { "a capture file that is neither pcapng nor pcap", "Captures[0].Path", "a capture file ends in .pcapng or .pcap.", d => { d["Captures"] = A(H(("Node", "h1"), ("Path", "x.txt"))); return d; } },
        { "an unknown key in a tunnel", "Tunnels[0].Key", "unknown key; the keys here are Node, Name, Local, Remote, Mode, Ttl, Mtu.", d => { ((Hashtable)((object[])d["Tunnels"]!)[0])["Key"] = 1; return d; } },
        { "an unknown key in an address", "Addresses[0].Scope", "unknown key; the keys here are Node, Interface, Address.", d => { ((Hashtable)((object[])d["Addresses"]!)[0])["Scope"] = 1; return d; } },
        { "an unknown key in a mapping", "FlowMappings[0].Zone", "unknown key; the keys here are Node, VirtualAddress, Target, Backend.", d => { ((Hashtable)((object[])d["FlowMappings"]!)[0])["Zone"] = 1; return d; } },
        { "an unknown key in a route", "Nodes.h1.Routes[0].Via", "unknown key; the keys here are Destination, Gateway, Interface, Metric, Family.", d => { ((Hashtable)((object[])((Hashtable)((Hashtable)d["Nodes"]!)["h1"]!)["Routes"]!)[0])["Via"] = 1; return d; } },
        { "a tunnel without a remote", "Tunnels[0].Remote", "a value is needed.", d => { ((Hashtable)((object[])d["Tunnels"]!)[0]).Remove("Remote"); return d; } },
        { "a tunnel name taken by a link", "Tunnels[0].Name", "node 'r1' already has an interface 'h1'.", d => { ((Hashtable)((object[])d["Tunnels"]!)[0])["Name"] = "h1"; return d; } },
        { "a tunnel remote that is IPv6", "Tunnels[0].Remote", "'fd00::1' is not an IPv4 address.", d => { ((Hashtable)((object[])d["Tunnels"]!)[0])["Remote"] = "fd00::1"; return d; } },
        { "a tunnel local with a prefix length", "Tunnels[0].Local", "'10.61.2.254/24' is not an IPv4 address.", d => { ((Hashtable)((object[])d["Tunnels"]!)[0])["Local"] = "10.61.2.254/24"; return d; } },
        { "an extra address that is not a prefix", "Addresses[0].Address", "'10.250.1.1' is not an address with a prefix length (e.g. 10.0.0.1/24 or fd00::1/64).", d => { ((Hashtable)((object[])d["Addresses"]!)[0])["Address"] = "10.250.1.1"; return d; } },
        { "a mapping target that is not a string", "FlowMappings[0].Target[1]", "expected a string.", d => { ((Hashtable)((object[])d["FlowMappings"]!)[0])["Target"] = A("10.61.2.1", H()); return d; } },
        { "a mapping target of a table", "FlowMappings[0].Target", "expected a string or an array of strings.", d => { ((Hashtable)((object[])d["FlowMappings"]!)[0])["Target"] = 5; return d; } },
        { "a mapping that the flow rules refuse", "FlowMappings[0]", "The target fd00::1 is IPv6 but the virtual address 10.99.0.1 is IPv4.", d => { ((Hashtable)((object[])d["FlowMappings"]!)[0])["Target"] = A("fd00::1"); return d; } },
        { "a sysctl key outside net", "Nodes.r1.Sysctls.kernel.hostname", "'kernel.hostname' is not a per-namespace sysctl key: expected a key under net., such as net.ipv4.ip_forward.", d => { ((Hashtable)((Hashtable)((Hashtable)d["Nodes"]!)["r1"]!)["Sysctls"]!)["kernel.hostname"] = "x"; return d; } },
        { "an endpoint ending in a colon", "Links[1].Endpoints[0]", "'r1:' is not 'node:interface'.", d => { ((Hashtable)((object[])d["Links"]!)[1])["Endpoints"] = A("r1:", "h2:eth0"); return d; } },
        { "an endpoint starting with a colon", "Links[1].Endpoints[0]", "':h2' is not 'node:interface'.", d => { ((Hashtable)((object[])d["Links"]!)[1])["Endpoints"] = A(":h2", "h2:eth0"); return d; } },
        { "a route family that is not one", "Nodes.h1.Routes[0].Family", "'IPX' is not IPv4 or IPv6.", d => { ((Hashtable)((object[])((Hashtable)((Hashtable)d["Nodes"]!)["h1"]!)["Routes"]!)[0])["Family"] = "IPX"; return d; } },
        { "a route without a destination", "Nodes.h1.Routes[0].Destination", "a value is needed.", d => { ((Hashtable)((object[])((Hashtable)((Hashtable)d["Nodes"]!)["h1"]!)["Routes"]!)[0]).Remove("Destination"); return d; } },
        { "a metric that is not whole", "Nodes.h1.Routes[1].Metric", "expected a whole number.", d => { ((Hashtable)((object[])((Hashtable)((Hashtable)d["Nodes"]!)["h1"]!)["Routes"]!)[1])["Metric"] = 1.5; return d; } },
        { "a rate below one", "Links[0].RateMbit", "0 is out of range (1 to 100000).", d => { ((Hashtable)((object[])d["Links"]!)[0])["RateMbit"] = 0; return d; } },
        { "a link address entry that is a table", "Links[1].Addresses[0]", "expected a string or an array of strings.", d => { ((Hashtable)((object[])d["Links"]!)[1])["Addresses"] = A(H(), "10.61.2.1/24"); return d; } },
        { "a description that is a number", "Description", "expected a string.", d => { d["Description"] = 1; return d; } },
        { "nftables that is not a string", "Nodes.r1.Nftables", "expected a string.", d => { ((Hashtable)((Hashtable)d["Nodes"]!)["r1"]!)["Nftables"] = 1; return d; } },
        { "one address twice on a node", "Addresses[0].Address", "the address 10.61.2.254 is given twice on node 'r1'; a namespace holds an address once.", d => { d["Addresses"] = new object[] { new Hashtable { ["Node"] = "r1", ["Interface"] = "lo", ["Address"] = "10.61.2.254/32" } }; return d; } },
        { "nftables that include a host file", "Nodes.r1.Nftables", "'include' is not allowed in a lab's nftables rules: a lab file cannot read files of the host; write the rules themselves.", d => { ((Hashtable)((Hashtable)d["Nodes"]!)["r1"]!)["Nftables"] = "table inet t {\n  chain c { }\n}\n  include \"/etc/*\"\n"; return d; } },
        { "nftables that include after a semicolon", "Nodes.r1.Nftables", "'include' is not allowed in a lab's nftables rules: a lab file cannot read files of the host; write the rules themselves.", d => { ((Hashtable)((Hashtable)d["Nodes"]!)["r1"]!)["Nftables"] = "flush ruleset; INCLUDE \"/etc/hostname\""; return d; } },
    };

    [Theory]
    [MemberData(nameof(BadLabs))]
    public void WhatBreaksARuleIsLabFileInvalidNamingItsKeyPathAndWhy(string what, string path, string reason, Func<Hashtable, Hashtable> damage)
    {
        var thrown = Assert.Throws<MigrationToolsException>(() => LabFileParser.Parse(damage(Diamond()), "lab.psd1"));

        Assert.Equal("LabFileInvalid", thrown.ErrorId);
        Assert.Equal(FailureKind.InvalidArgument, thrown.Kind);
        Assert.True($"lab.psd1: {path}: {reason}" == thrown.Message, $"{what}: {thrown.Message}");
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
