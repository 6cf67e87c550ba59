using System;
using System.Collections;
using System.Linq;
using MigrationTools.Core.Errors;
using MigrationTools.Engine.Labs;
using Xunit;
using static MigrationTools.Engine.Tests.DataTables;

namespace MigrationTools.Engine.Tests;

/// <summary>A lab across hosts split into one lab per host, with VXLAN where links and segments cross hosts.</summary>
public sealed class LabPartitionTests
{
    /// <summary>The ping flow migration on three hosts: A on east, C on west, D on north, B (the router) with A.</summary>
    private static Hashtable ThreeHosts() => H(
        ("Name", "x3"),
        ("Hosts", H(
            ("east", H(("HostName", "10.199.0.11"), ("UserName", "root"), ("Options", H(("StrictHostKeyChecking", "no"))))),
            ("west", H(("HostName", "west.example"), ("Address", "10.199.0.12"))),
            ("north", H(("HostName", "10.199.0.13"))))),
        ("Vxlan", H(("BaseVni", 7000))),
        ("Nodes", H(
            ("A", H(("Host", "east"))), ("B", H(("Host", "east"), ("Forwarding", true))),
            ("C", H(("Host", "west"))), ("D", H(("Host", "north"))))),
        ("Links", A(
            H(("Endpoints", A("A:a-b", "B:b-a")), ("Addresses", A("10.201.1.1/24", "10.201.1.254/24"))),
            H(("Endpoints", A("B:b-c", "C:c-b")), ("Addresses", A("10.201.2.254/24", "10.201.2.1/24"))),
            H(("Endpoints", A("B:b-d", "D:d-b")), ("Addresses", A("10.201.3.254/24", "10.201.3.2/24")), ("Mtu", 1400), ("RateMbit", 100)))),
        ("FlowMappings", A(H(("Node", "A"), ("VirtualAddress", "10.99.0.1"), ("Target", A("10.201.2.1", "10.201.3.2"))))));

    private static MigrationToolsException Fail(string path, string problem) => ErrorCatalog.LabFileInvalid($"lab.psd1: {path}: {problem}.", path);

    [Fact]
    public void EachHostGetsItsNodesAndTheLinksBetweenThem()
    {
        var parts = LabPartition.Split(LabFileParser.Parse(ThreeHosts(), "lab.psd1"), Fail);

        Assert.Equal(new[] { "east", "north", "west" }, parts.Keys.Order());
        Assert.Equal(new[] { "A", "B" }, parts["east"].Nodes.Keys.Order());
        Assert.Equal("A:a-b", Assert.Single(parts["east"].Links).A.ToString());
        Assert.Empty(parts["west"].Links);
        Assert.Equal("10.99.0.1", Assert.Single(parts["east"].FlowMappings).VirtualAddress);
        Assert.Empty(parts["west"].FlowMappings);
        Assert.All(parts.Values, p => Assert.False(p.SpansHosts));
        Assert.All(parts.Values.SelectMany(p => p.Nodes.Values), n => Assert.Null(n.Host));
    }

    [Fact]
    public void ALinkBetweenHostsIsOneVniWithAVxlanAtEachEndBetweenTheUnderlayAddresses()
    {
        var parts = LabPartition.Split(LabFileParser.Parse(ThreeHosts(), "lab.psd1"), Fail);

        var toWest = parts["east"].Vxlans.Single(v => v.Interface == "b-c");
        var fromEast = Assert.Single(parts["west"].Vxlans);
        Assert.Equal((7000, 7000), (toWest.Vni, fromEast.Vni));
        Assert.Equal(("10.199.0.11", "10.199.0.12"), (toWest.Local, Assert.Single(toWest.Remotes)));
        Assert.Equal(("10.199.0.12", "10.199.0.11"), (fromEast.Local, Assert.Single(fromEast.Remotes)));
        Assert.Equal(("C", "c-b"), (fromEast.Node, fromEast.Interface));
        Assert.Equal(new[] { "10.201.2.254/24" }, toWest.Addresses);
        Assert.Equal(new[] { "10.201.2.1/24" }, fromEast.Addresses);
        // 1500 less 50 bytes of VXLAN over IPv4, unless the link sets its MTU; the second crossing link is the next VNI.
        Assert.Equal(1450, toWest.Mtu);
        var toNorth = parts["east"].Vxlans.Single(v => v.Interface == "b-d");
        Assert.Equal((7001, 1400, 100), (toNorth.Vni, toNorth.Mtu, toNorth.RateMbit));
        Assert.All(parts.Values.SelectMany(p => p.Vxlans), v => Assert.Equal(4789, v.Port));
    }

    [Fact]
    public void OverIPv6TheEncapsulationTakes70Bytes()
    {
        var data = ThreeHosts();
        ((Hashtable)((Hashtable)data["Hosts"]!)["east"]!)["Address"] = "fd99::11";
        ((Hashtable)((Hashtable)data["Hosts"]!)["west"]!)["Address"] = "fd99::12";
        ((Hashtable)((Hashtable)data["Hosts"]!)["north"]!)["Address"] = "fd99::13";

        var parts = LabPartition.Split(LabFileParser.Parse(data, "lab.psd1"), Fail);

        Assert.Equal(1430, Assert.Single(parts["west"].Vxlans).Mtu);
    }

    [Fact]
    public void ASegmentOnSeveralHostsIsASegmentOnEachJoinedByAVxlanPortThatFloodsToTheOthers()
    {
        var data = ThreeHosts();
        data["Segments"] = H(("lan", H(("Members", A("A:eth9", "C:eth9", "D:eth9")), ("Addresses", H(("A", "10.90.0.1/24"), ("C", "10.90.0.3/24"))))));

        var parts = LabPartition.Split(LabFileParser.Parse(data, "lab.psd1"), Fail);

        var east = Assert.Single(parts["east"].Segments);
        Assert.Equal("A:eth9", Assert.Single(east.Members).ToString());
        Assert.Equal(1450, east.Mtu);
        var port = parts["east"].Vxlans.Single(v => v.Node == "lan");
        Assert.Equal(new[] { "10.199.0.12", "10.199.0.13" }, port.Remotes.Order());
        Assert.Equal("vxlan", port.Interface);
        Assert.Equal(7000 + 2048, port.Vni);
        Assert.Equal(new[] { "10.90.0.3/24" }, Assert.Single(parts["west"].Segments).Addresses[0]);
        Assert.Empty(port.Addresses);
    }

    [Fact]
    public void AnUplinkToAHostsOwnNamespaceIsAnUplinkOfThatHostsPart()
    {
        var data = ThreeHosts();
        data["Links"] = ((object[])data["Links"]!).Append(H(("Endpoints", A("C:up0", "host@west:lab-up0")), ("Addresses", A("10.77.0.1/30", "10.77.0.2/30")))).ToArray();
        var lab = LabFileParser.Parse(data, "lab.psd1");

        var uplink = LabPartition.Split(lab, Fail)["west"].Links.Single(l => l.IsUplink);

        Assert.Equal("host@west:lab-up0", lab.Links.Single(l => l.IsUplink).B.ToString());
        Assert.Equal("host:lab-up0", uplink.B.ToString());
        Assert.Null(uplink.B.OnHost);
        Assert.Equal(new[] { "10.77.0.2/30" }, uplink.AddressesB);
        Assert.Contains("'C:up0', 'host@west:lab-up0'", LabFileWriter.Write(lab), StringComparison.Ordinal);
    }

    [Fact]
    public void TheBaseVniFollowsTheLabsNameWhenTheFileGivesNone()
    {
        var data = ThreeHosts();
        data.Remove("Vxlan");
        var lab = LabFileParser.Parse(data, "lab.psd1");

        var first = LabPartition.BaseVni(lab, "one");
        Assert.Equal(first, LabPartition.BaseVni(lab, "one"));
        Assert.NotEqual(first, LabPartition.BaseVni(lab, "two"));
        Assert.Equal(0, first % 4096);
        Assert.InRange(first, 4096, 16_777_215 - 4096);
    }

    [Fact]
    public void APartIsWrittenAsALabFileThatReadsBackToTheSamePart()
    {
        var part = LabPartition.Split(LabFileParser.Parse(ThreeHosts(), "lab.psd1"), Fail)["east"];

        var text = LabFileWriter.Write(part);

        Assert.Contains("Vxlans = @(", text, StringComparison.Ordinal);
        Assert.Contains("@{ Node = 'B'; Interface = 'b-c'; Vni = 7000; Local = '10.199.0.11'; Remote = '10.199.0.12'; Port = 4789; Mtu = 1450; Addresses = @('10.201.2.254/24') }", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Hosts", text, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string, Func<Hashtable, Hashtable>> BadLabs => new()
    {
        { "a node on an unknown host", "Nodes.C.Host", "there is no host 'south' (hosts: east, north, west).", d => { Node(d, "C")["Host"] = "south"; return d; } },
        { "a host without an underlay address", "Hosts.west", "host 'west' has no underlay address: its HostName is not an address, so give Address.", d => { Host(d, "west").Remove("Address"); return d; } },
        { "a local node linked to a host without Vxlan.Address", "Vxlan.Address", "nodes on this machine have links to other hosts: give this machine's underlay address (Vxlan = @{ Address = '...' }).", d => { Node(d, "B").Remove("Host"); return d; } },
        { "an uplink from a node on another host", "Links[3].Endpoints", "node 'C' is on host 'west': its uplink to that host's own namespace is 'host@west:up0' ('host:NAME' is this machine's).", d => { d["Links"] = ((object[])d["Links"]!).Append(H(("Endpoints", A("C:up0", "host:up0")))).ToArray(); return d; } },
        { "impairments on a link between hosts", "Links[1]", "a link between hosts takes no impairments: put them on a link inside one host.", d => { ((Hashtable)((object[])d["Links"]!)[1])["DelayMs"] = 5; return d; } },
        { "an underlay address with a prefix length", "Hosts.west.Address", "'10.199.0.12/24' is not an IP address (the host's underlay address, without a prefix length).", d => { Host(d, "west")["Address"] = "10.199.0.12/24"; return d; } },
        { "a bad host name", "Hosts.we st", "'we st' cannot be a host name: use letters, digits, '-', '_' and '.'.", d => { ((Hashtable)d["Hosts"]!)["we st"] = H(); return d; } },
        { "an unknown host key", "Hosts.west.Password", "unknown key; the keys here are HostName, UserName, KeyFilePath, Port, Options, Address.", d => { Host(d, "west")["Password"] = "x"; return d; } },
        { "an SSH port out of range", "Hosts.west.Port", "70000 is out of range (1 to 65535).", d => { Host(d, "west")["Port"] = 70000; return d; } },
        { "an uplink to another host's namespace", "Links[3].Endpoints", "node 'C' is on host 'west': its uplink to that host's own namespace is 'host@west:up0' ('host:NAME' is this machine's).", d => { d["Links"] = ((object[])d["Links"]!).Append(H(("Endpoints", A("C:up0", "host@north:up0")))).ToArray(); return d; } },
        { "an uplink to an unknown host", "Links[3].Endpoints", "'host@south:up0': there is no host 'south' (hosts: east, north, west).", d => { d["Links"] = ((object[])d["Links"]!).Append(H(("Endpoints", A("C:up0", "host@south:up0")))).ToArray(); return d; } },
        { "underlays of two families", "Links[1]", "the underlay addresses of 'east' and 'west' (10.199.0.11, fd99::12) are of two families.", d => { Host(d, "west")["Address"] = "fd99::12"; return d; } },
    };

    [Theory]
    [MemberData(nameof(BadLabs))]
    public void WhatCannotBeSplitIsRefusedWhenTheFileIsRead(string what, string path, string reason, Func<Hashtable, Hashtable> damage)
    {
        var thrown = Assert.Throws<MigrationToolsException>(() => LabFileParser.Parse(damage(ThreeHosts()), "lab.psd1"));

        Assert.Equal("LabFileInvalid", thrown.ErrorId);
        Assert.True($"lab.psd1: {path}: {reason}" == thrown.Message, $"{what}: {thrown.Message}");
    }

    private static Hashtable Node(Hashtable data, string node) => (Hashtable)((Hashtable)data["Nodes"]!)[node]!;

    private static Hashtable Host(Hashtable data, string host) => (Hashtable)((Hashtable)data["Hosts"]!)[host]!;
}
