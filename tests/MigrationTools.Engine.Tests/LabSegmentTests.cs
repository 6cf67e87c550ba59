using System;
using System.Collections;
using System.Linq;
using MigrationTools.Core.Errors;
using MigrationTools.Engine.Labs;
using Xunit;
using static MigrationTools.Engine.Tests.DataTables;

namespace MigrationTools.Engine.Tests;

/// <summary>LAN segments and uplinks in lab files: how they are read, refused, wired, drawn and tested.</summary>
public sealed class LabSegmentTests
{
    /// <summary>Three hosts and a router on one segment, the router with an uplink to the namespace the lab is built from.</summary>
    private static Hashtable Lan() => H(
        ("Nodes", H(("a", H()), ("b", H()), ("c", H()), ("r", H(("Forwarding", true))))),
        ("Segments", H(("lan1", H(
            ("Members", A("a:eth1", "b:eth1", "c:eth1", "r:eth1")),
            ("Addresses", H(("a", A("10.80.0.1/24", "fd80::1/64")), ("b:eth1", "10.80.0.2/24"), ("r", "10.80.0.254/24"))),
            ("Mtu", 1400), ("RateMbit", 100))))),
        ("Links", A(H(("Endpoints", A("host:up0", "r:up0")), ("Addresses", A("10.81.0.2/30", "10.81.0.1/30"))))));

    private static MigrationToolsException Refused(Hashtable data) =>
        Assert.Throws<MigrationToolsException>(() => LabFileParser.Parse(data, "lab.psd1"));

    [Fact]
    public void ASegmentIsReadWithItsMembersAddressesMtuAndRate()
    {
        var segment = Assert.Single(LabFileParser.Parse(Lan(), "lan.psd1").Segments);

        Assert.Equal("lan1", segment.Name);
        Assert.Equal(new[] { "a:eth1", "b:eth1", "c:eth1", "r:eth1" }, segment.Members.Select(m => m.ToString()));
        Assert.Equal(new[] { "10.80.0.1/24", "fd80::1/64" }, segment.Addresses[0]);
        Assert.Equal(new[] { "10.80.0.2/24" }, segment.Addresses[1]);
        Assert.Empty(segment.Addresses[2]);
        Assert.Equal(new[] { "10.80.0.254/24" }, segment.Addresses[3]);
        Assert.Equal((1400, 100), (segment.Mtu, segment.RateMbit));
    }

    [Fact]
    public void EachMemberIsAVethToAPortNamedAfterItsNodeInTheSegmentsNamespace()
    {
        var lab = LabFileParser.Parse(Lan(), "lan.psd1");
        var wires = lab.Wires.Where(w => w.Segment is not null).ToArray();

        Assert.Equal(4, wires.Length);
        Assert.All(wires, w => Assert.Equal("lan1", w.B.Node));
        Assert.Equal(new[] { "a", "b", "c", "r" }, wires.Select(w => w.B.Interface));
        Assert.All(wires, w => Assert.Equal((1400, 100), (w.Mtu, w.RateMbit)));
        Assert.Equal(new[] { "10.80.0.1/24", "fd80::1/64" }, wires[0].AddressesA);
        Assert.Equal("lan1", Assert.Single(lab.Segments).BridgeName);
        Assert.Equal(new[] { "a", "b", "c", "r" }, lab.NamespaceNodes.SkipLast(1).Order());
        Assert.Equal("lan1", lab.NamespaceNodes.Last());
    }

    [Fact]
    public void PortsAreNumberedWhenANodeHasTwoMembersOrANameDoesNotFit()
    {
        var twice = new LabSegment("s", new[] { new LabEndpoint("a", "e1"), new LabEndpoint("a", "e2") }, new[] { Array.Empty<string>(), Array.Empty<string>() }, null, null);
        var longName = new LabSegment("a-segment-with-a-long-name", new[] { new LabEndpoint("a-node-with-a-long-name", "e1") }, new[] { Array.Empty<string>() }, null, null);
        var clash = new LabSegment("a", new[] { new LabEndpoint("a", "e1"), new LabEndpoint("b", "e1") }, new[] { Array.Empty<string>(), Array.Empty<string>() }, null, null);

        Assert.Equal(new[] { "p0", "p1" }, twice.PortNames);
        Assert.Equal(new[] { "p0" }, longName.PortNames);
        Assert.Equal("br0", longName.BridgeName);
        Assert.Equal(new[] { "p0", "p1" }, clash.PortNames);
    }

    [Fact]
    public void AnUplinkKeepsItsNodeFirstAndItsFarEndInTheNamespaceTheLabIsBuiltFrom()
    {
        var link = Assert.Single(LabFileParser.Parse(Lan(), "lan.psd1").Links);

        Assert.True(link.IsUplink);
        Assert.Equal("r:up0", link.A.ToString());
        Assert.True(link.B.IsHere);
        Assert.Equal("host:up0", link.B.ToString());
        Assert.Equal(new[] { "10.81.0.1/30" }, link.AddressesA);
        Assert.Equal(new[] { "10.81.0.2/30" }, link.AddressesB);
    }

    [Fact]
    public void ANodeNamedHostIsANodeAndNotTheNamespaceTheLabIsBuiltFrom()
    {
        var lab = LabFileParser.Parse(H(("Nodes", H(("host", H()), ("b", H()))), ("Links", A(H(("Endpoints", A("host:e0", "b:e0")))))), "x.psd1");

        Assert.False(Assert.Single(lab.Links).IsUplink);
    }

    [Fact]
    public void MembersOfASegmentReachEachOtherAndTheRouterReachesTheUplinksFarEnd()
    {
        var pairs = LabTester.Expected(LabFileParser.Parse(Lan(), "lan.psd1"));

        Assert.Contains(("a", "b", System.Net.IPAddress.Parse("10.80.0.2"), System.Net.IPAddress.Parse("10.80.0.1")), pairs);
        Assert.Contains(("b", "r", System.Net.IPAddress.Parse("10.80.0.254"), System.Net.IPAddress.Parse("10.80.0.2")), pairs);
        Assert.Contains(("r", "host", System.Net.IPAddress.Parse("10.81.0.2"), System.Net.IPAddress.Parse("10.81.0.1")), pairs);
        // c has no address: nothing is aimed at it or sent from it; nothing is sent from the segment or the host.
        Assert.DoesNotContain(pairs, p => p.To == "c" || p.From == "c" || p.From == "lan1" || p.To == "lan1" || p.From == "host");
        Assert.Equal(3 * 2 + 1, pairs.Count); // a, b and r each reach the other two on IPv4; r reaches the host
    }

    [Fact]
    public void ASegmentIsDrawnAsOneShapeWithAnEdgePerMemberAndTheHostAsAnother()
    {
        var lab = LabFileParser.Parse(Lan(), "lan.psd1");
        var mermaid = LabGraph.Mermaid(lab);
        var dot = LabGraph.Dot(lab);

        Assert.Contains("s_lan1{{\"<b>lan1</b><br/>segment, 100 Mbit/s\"}}", mermaid, StringComparison.Ordinal);
        Assert.Equal(4, mermaid.Split('\n').Count(l => l.EndsWith("| s_lan1", StringComparison.Ordinal)));
        Assert.Contains("n_r ---|\"up0 - up0\"| h_host", mermaid, StringComparison.Ordinal);
        Assert.Contains("h_host[/\"<b>host</b><br/>up0 10.81.0.2/30\"/]", mermaid, StringComparison.Ordinal);
        Assert.Contains("\"s_lan1\" [shape=hexagon", dot, StringComparison.Ordinal);
        Assert.Contains("\"a\" -- \"s_lan1\" [label=\"eth1\"]", dot, StringComparison.Ordinal);
        Assert.Contains("\"h_host\" [shape=house", dot, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string, Func<Hashtable, Hashtable>> BadSegments => new()
    {
        { "a segment named as a node", "Segments.a", "'a' is a node's name too; a segment has a namespace of its own, so its name differs from every node's.", d => Segment(d, "a", Member(d)) },
        { "a bad segment name", "Segments.a/b", "'a/b' cannot be a segment name: the name contains '/'.", d => Segment(d, "a/b", Member(d)) },
        { "a segment that is not a table", "Segments.lan1", "a segment is a hashtable (@{ Members = 'node:interface', ... }).", d => Segment(d, "lan1", "a:eth1") },
        { "an unknown key in a segment", "Segments.lan1.Stp", "unknown key; the keys here are Members, Addresses, Mtu, RateMbit.", d => { Member(d)["Stp"] = true; return d; } },
        { "a segment without members", "Segments.lan1.Members", "a value is needed.", d => { Member(d).Remove("Members"); return d; } },
        { "a member of an unknown node", "Segments.lan1.Members[1]", "there is no node 'zz' (nodes: a, b, c, r).", d => { Member(d)["Members"] = A("a:eth1", "zz:eth1"); return d; } },
        { "a member interface taken by a link", "Segments.lan1.Members[3]", "node 'r' already has an interface 'up0'.", d => { Member(d)["Members"] = A("a:eth1", "b:eth1", "c:eth1", "r:up0"); return d; } },
        { "a member that is the host", "Segments.lan1.Members[0]", "'host:br1': a segment's members are interfaces of nodes; reach the namespace the lab is built from with a link to 'host:NAME' from one of them.", d => { Member(d)["Members"] = A("host:br1", "a:eth1"); return d; } },
        { "an address for a non-member", "Segments.lan1.Addresses.zz", "'zz' is not a member of the segment (members: a:eth1, b:eth1, c:eth1, r:eth1).", d => { ((Hashtable)Member(d)["Addresses"]!)["zz"] = "10.80.0.9/24"; return d; } },
        { "an address keyed by a node with two members", "Segments.lan1.Addresses.a", "node 'a' has 2 members on the segment; key its addresses by 'node:interface'.", d => { Member(d)["Members"] = A("a:eth1", "a:eth2", "b:eth1", "r:eth1"); Member(d)["Addresses"] = H(("a", "10.80.0.1/24")); return d; } },
        { "a member's addresses given twice", "Segments.lan1.Addresses.a:eth1", "the addresses of a:eth1 are given twice.", d => { ((Hashtable)Member(d)["Addresses"]!)["a:eth1"] = "10.80.0.7/24"; return d; } },
        { "one address on two members", "Segments.lan1.Addresses", "the address 10.80.0.1 is given to a:eth1 and b:eth1; on one segment an address is one member's.", d => { ((Hashtable)Member(d)["Addresses"]!)["b:eth1"] = "10.80.0.1/24"; return d; } },
        { "a member address without a prefix length", "Segments.lan1.Addresses.r", "'10.80.0.254' is not an address with a prefix length (e.g. 10.0.0.1/24 or fd00::1/64).", d => { ((Hashtable)Member(d)["Addresses"]!)["r"] = "10.80.0.254"; return d; } },
        { "a segment MTU out of range", "Segments.lan1.Mtu", "20 is out of range (68 to 65535).", d => { Member(d)["Mtu"] = 20; return d; } },
        { "an uplink with a rate", "Links[0]", "an uplink has no rate limit or impairments: its far end is in the namespace the lab is built from, which the lab does not shape; put them on a link inside the lab.", d => { Uplink(d)["RateMbit"] = 10; return d; } },
        { "an uplink with a delay", "Links[0]", "an uplink has no rate limit or impairments: its far end is in the namespace the lab is built from, which the lab does not shape; put them on a link inside the lab.", d => { Uplink(d)["DelayMs"] = 10; return d; } },
        { "both ends on the host", "Links[0].Endpoints", "an uplink joins a node to the namespace the lab is built from: one end is 'host:NAME', the other 'node:interface'.", d => { Uplink(d)["Endpoints"] = A("host:up0", "host:up1"); return d; } },
        { "one uplink name twice", "Links[1].Endpoints[1]", "the uplink interface 'up0' is given twice.", d => { d["Links"] = A(Uplink(d), H(("Endpoints", A("a:up0", "host:up0")))); return d; } },
        { "an uplink name over 15 bytes", "Links[0].Endpoints[0]", "'an-uplink-too-long' cannot be an interface name: the name is longer than 15 bytes.", d => { Uplink(d)["Endpoints"] = A("host:an-uplink-too-long", "r:up0"); return d; } },
        { "an address twice on a node across a link and a segment", "Segments.lan1.Addresses", "the address 10.81.0.1 is given twice on node 'r'; a namespace holds an address once.", d => { ((Hashtable)Member(d)["Addresses"]!)["r"] = "10.81.0.1/24"; return d; } },
    };

    [Theory]
    [MemberData(nameof(BadSegments))]
    public void WhatBreaksASegmentOrUplinkRuleIsLabFileInvalidNamingItsKeyPathAndWhy(string what, string path, string reason, Func<Hashtable, Hashtable> damage)
    {
        var thrown = Refused(damage(Lan()));

        Assert.Equal("LabFileInvalid", thrown.ErrorId);
        Assert.Equal(FailureKind.InvalidArgument, thrown.Kind);
        Assert.True($"lab.psd1: {path}: {reason}" == thrown.Message, $"{what}: {thrown.Message}");
    }

    [Fact]
    public void APrefixThatMakesASegmentsNamespaceNameInvalidNamesTheSegment()
    {
        var lab = LabFileParser.Parse(Lan(), "lab.psd1");

        var thrown = Assert.Throws<MigrationToolsException>(() => LabFileParser.CheckPrefix(lab, new string('x', 252), "lab.psd1"));
        Assert.Contains("Segments.lan1: with the prefix", thrown.Message, StringComparison.Ordinal);
    }

    private static Hashtable Member(Hashtable data) => (Hashtable)((Hashtable)data["Segments"]!)["lan1"]!;

    private static Hashtable Uplink(Hashtable data) => (Hashtable)((object[])data["Links"]!)[0];

    private static Hashtable Segment(Hashtable data, string name, object value)
    {
        data["Segments"] = H((name, value));
        return data;
    }
}
