using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Netlink;
using MigrationTools.Engine.Netlink.Route;
using Xunit;

namespace MigrationTools.Engine.Tests;

/// <summary>
/// The rtnetlink encoder against what iproute2 6.1 sends for the same command (recorded with
/// <c>strace -e sendmsg -xx</c>; only the sequence number differs, and the test writes the same one), and the decoder
/// against kernel replies recorded from a lab namespace (Data/rtnl-*.hex, dumped with a raw netlink socket in
/// Python, not with this code) whose contents <c>ip -j</c> showed at the same time.
/// </summary>
public class RtnetlinkCodecTests
{
    private const uint Sequence = 0x6b07a4ef;

    private delegate void Write(ref NetlinkWriter writer, uint sequence);

    private static byte[] Encode(Write write)
    {
        var buffer = new byte[1024];
        var writer = new NetlinkWriter(buffer);
        write(ref writer, Sequence);
        return writer.Written.ToArray();
    }

    /// <summary>The bytes ip sent: a netlink header with the recorded length, type and flags, then the recorded payload.</summary>
    private static byte[] IpSent(ushort type, ushort flags, string payloadHex)
    {
        var payload = Convert.FromHexString(payloadHex.Replace(" ", string.Empty));
        var message = new byte[16 + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(message, (uint)message.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(4), type);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(6), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(8), Sequence);
        payload.CopyTo(message, 16);
        return message;
    }

    private static IEnumerable<(string Name, Write Write, byte[] Expected)> AllCases()
    {
        // ip -n A link add name a-b mtu 1400 type veth peer name b-a netns B mtu 1400 (B open as fd 4)
        yield return Case("veth pair across namespaces", (ref NetlinkWriter w, uint s) => LinkMessages.WriteNewVeth(ref w, s, "a-b", "b-a", 4, 1400),
            IpSent(0x10, 0x605, "00000000000000000000000000000000 08000400 78050000 08000300 612d6200 3c001200 08000100 76657468 30000200 2c000100" +
                "00000000000000000000000000000000 08001c00 04000000 08000400 78050000 08000300 622d6100"));
        // ip -n A address add 10.9.0.1/24 dev a-b (index 2)
        yield return Case("IPv4 address", (ref NetlinkWriter w, uint s) => AddressMessages.WriteAddress(ref w, s, 2, IpPrefix.Parse("10.9.0.1/24"), noDad: false),
            IpSent(0x14, 0x605, "02180000 02000000 08000200 0a090001 08000100 0a090001"));
        // ip -n A address add fd00::1/64 dev a-b nodad
        yield return Case("IPv6 address, nodad", (ref NetlinkWriter w, uint s) => AddressMessages.WriteAddress(ref w, s, 2, IpPrefix.Parse("fd00::1/64"), noDad: true),
            IpSent(0x14, 0x605, "0a400200 02000000 14000200 fd000000000000000000000000000001 14000100 fd000000000000000000000000000001"));
        // ip -n A address delete 10.9.0.1/24 dev a-b
        yield return Case("address delete", (ref NetlinkWriter w, uint s) => AddressMessages.WriteAddress(ref w, s, 2, IpPrefix.Parse("10.9.0.1/24"), noDad: false, delete: true),
            IpSent(0x15, 0x05, "02180000 02000000 08000200 0a090001 08000100 0a090001"));
        // ip -n A link set dev a-b up
        yield return Case("link up", (ref NetlinkWriter w, uint s) => LinkMessages.WriteSetLink(ref w, s, 2, up: true, mtu: null),
            IpSent(0x10, 0x05, "00000000 02000000 01000000 01000000"));
        // ip -n B link set dev lo up
        yield return Case("loopback up", (ref NetlinkWriter w, uint s) => LinkMessages.WriteSetLink(ref w, s, 1, up: true, mtu: null),
            IpSent(0x10, 0x05, "00000000 01000000 01000000 01000000"));
        // ip -n A link set dev a-b down
        yield return Case("link down", (ref NetlinkWriter w, uint s) => LinkMessages.WriteSetLink(ref w, s, 2, up: false, mtu: null),
            IpSent(0x10, 0x05, "00000000 02000000 00000000 01000000"));
        // ip -n A link set dev a-b mtu 1300
        yield return Case("link MTU", (ref NetlinkWriter w, uint s) => LinkMessages.WriteSetLink(ref w, s, 2, up: null, mtu: 1300),
            IpSent(0x10, 0x05, "00000000 02000000 00000000 00000000 08000400 14050000"));
        // ip -n A link del dev a-b
        yield return Case("link delete", (ref NetlinkWriter w, uint s) => LinkMessages.WriteDelLink(ref w, s, 2),
            IpSent(0x11, 0x05, "00000000 02000000 00000000 00000000"));
        // ip -n A -4 route add 10.10.0.0/16 via 10.9.0.2
        yield return Case("IPv4 route via a gateway", (ref NetlinkWriter w, uint s) => RouteMessages.WriteRoute(ref w, s, RouteMessages.Mode.Add, IpFamily.IPv4,
                IpPrefix.Parse("10.10.0.0/16"), IPAddress.Parse("10.9.0.2"), null, null, null),
            IpSent(0x18, 0x605, "02100000 fe030001 00000000 08000100 0a0a0000 08000500 0a090002"));
        // ip -n A -4 route replace 10.11.0.0/16 dev a-b metric 5
        yield return Case("IPv4 route replace on a link", (ref NetlinkWriter w, uint s) => RouteMessages.WriteRoute(ref w, s, RouteMessages.Mode.Replace, IpFamily.IPv4,
                IpPrefix.Parse("10.11.0.0/16"), null, null, 5, 2),
            IpSent(0x18, 0x505, "02100000 fe03fd01 00000000 08000100 0a0b0000 08000600 05000000 08000400 02000000"));
        // ip -n A -6 route add default via fd00::2
        yield return Case("IPv6 default route", (ref NetlinkWriter w, uint s) => RouteMessages.WriteRoute(ref w, s, RouteMessages.Mode.Add, IpFamily.IPv6,
                null, IPAddress.Parse("fd00::2"), null, null, null),
            IpSent(0x18, 0x605, "0a000000 fe030001 00000000 14000100 00000000000000000000000000000000 14000500 fd000000000000000000000000000002"));
        // ip -n A -4 route add default via 10.9.0.2 dev a-b metric 7
        yield return Case("IPv4 default route with metric and device", (ref NetlinkWriter w, uint s) => RouteMessages.WriteRoute(ref w, s, RouteMessages.Mode.Add, IpFamily.IPv4,
                null, IPAddress.Parse("10.9.0.2"), null, 7, 2),
            IpSent(0x18, 0x605, "02000000 fe030001 00000000 08000100 00000000 08000500 0a090002 08000600 07000000 08000400 02000000"));
        // ip -n A -4 route delete 0.0.0.0/0 via 10.9.0.2 dev a-b metric 7
        yield return Case("route delete", (ref NetlinkWriter w, uint s) => RouteMessages.WriteRoute(ref w, s, RouteMessages.Mode.Delete, IpFamily.IPv4,
                null, IPAddress.Parse("10.9.0.2"), null, 7, 2),
            IpSent(0x19, 0x05, "02000000 fe00ff00 00000000 08000100 00000000 08000500 0a090002 08000600 07000000 08000400 02000000"));
        // ip -n A -4 route add 10.20.0.0/16 via 10.9.0.2 src 10.9.0.1
        yield return Case("route with a preferred source", (ref NetlinkWriter w, uint s) => RouteMessages.WriteRoute(ref w, s, RouteMessages.Mode.Add, IpFamily.IPv4,
                IpPrefix.Parse("10.20.0.0/16"), IPAddress.Parse("10.9.0.2"), IPAddress.Parse("10.9.0.1"), null, null),
            IpSent(0x18, 0x605, "02100000 fe030001 00000000 08000100 0a140000 08000500 0a090002 08000700 0a090001"));
        // ip -n A link add name ipip0 type ipip local 10.9.0.1 remote 10.9.0.2 ttl 64
        yield return Case("kernel ipip device", (ref NetlinkWriter w, uint s) => LinkMessages.WriteNewIpip(ref w, s, "ipip0", IPAddress.Parse("10.9.0.1"), IPAddress.Parse("10.9.0.2"), 64, 0),
            IpSent(0x10, 0x605, "00000000000000000000000000000000 0a000300 69706970 30000000 70001200 08000100 69706970 64000200 05000900 00000000" +
                "08000200 0a090001 08000300 0a090002 05000a00 01000000 05000500 00000000 05000400 40000000 08000100 00000000 08001400 00000000" +
                "06000f00 00000000 06001000 00000000 06001100 00000000 06001200 00000000"));
        // ip -n A link add name br type bridge stp_state 0 forward_delay 0
        yield return Case("bridge that forwards at once", (ref NetlinkWriter w, uint s) => LinkMessages.WriteNewBridge(ref w, s, "br", null),
            IpSent(0x10, 0x605, "00000000000000000000000000000000 07000300 62720000 24001200 0a000100 62726964 67650000 14000200 08000500 00000000 08000100 00000000"));
        // ip -n A link set dev p0 master br (p0 index 4, br index 2)
        yield return Case("bridge port", (ref NetlinkWriter w, uint s) => LinkMessages.WriteSetMaster(ref w, s, 4, 2),
            IpSent(0x10, 0x05, "00000000 04000000 00000000 00000000 08000a00 02000000"));
        // ip -n H link add vxt mtu 1450 netns X type vxlan id 42 local 10.199.0.11 remote 10.199.0.12 dstport 4789 (X open as fd 4)
        yield return Case("point-to-point VXLAN moved into a namespace", (ref NetlinkWriter w, uint s) => VxlanMessages.WriteNewVxlan(ref w, s, "vxt", 4, 42, IPAddress.Parse("10.199.0.11"), IPAddress.Parse("10.199.0.12"), 4789, 1450),
            IpSent(0x10, 0x605, "00000000000000000000000000000000 08000400 aa050000 08001c00 04000000 08000300 76787400 3c001200 09000100 76786c61 6e000000" +
                "2c000200 08000100 2a000000 08000400 0ac7000b 08000200 0ac7000c 05000700 01000000 06000f00 12b50000"));
        // ip -n H link add vxm netns X type vxlan id 43 local 10.199.0.11 dstport 4789 nolearning
        yield return Case("VXLAN for head-end replication", (ref NetlinkWriter w, uint s) => VxlanMessages.WriteNewVxlan(ref w, s, "vxm", 4, 43, IPAddress.Parse("10.199.0.11"), null, 4789, null),
            IpSent(0x10, 0x605, "00000000000000000000000000000000 08001c00 04000000 08000300 76786d00 34001200 09000100 76786c61 6e000000" +
                "24000200 08000100 2b000000 08000400 0ac7000b 05000700 00000000 06000f00 12b50000"));
        // ip -n H link add vx6 netns X type vxlan id 44 local fd00::1 remote fd00::2 dstport 4789
        yield return Case("VXLAN over IPv6", (ref NetlinkWriter w, uint s) => VxlanMessages.WriteNewVxlan(ref w, s, "vx6", 4, 44, IPAddress.Parse("fd00::1"), IPAddress.Parse("fd00::2"), 4789, null),
            IpSent(0x10, 0x605, "00000000000000000000000000000000 08001c00 04000000 08000300 76783600 54001200 09000100 76786c61 6e000000" +
                "44000200 08000100 2c000000 14001100 fd000000000000000000000000000001 14001000 fd000000000000000000000000000002 05000700 01000000 06000f00 12b50000"));
        // bridge -n X fdb append 00:00:00:00:00:00 dev vxm dst 10.199.0.12 (vxm index 3)
        yield return Case("flood entry to a remote", (ref NetlinkWriter w, uint s) => VxlanMessages.WriteAppendFlood(ref w, s, 3, IPAddress.Parse("10.199.0.12")),
            IpSent(0x1c, 0xc05, "07000000 03000000 c0000200 0a000200 00000000 00000000 08000100 0ac7000c"));
    }

    private static (string, Write, byte[]) Case(string name, Write write, byte[] expected) => (name, write, expected);

    public static IEnumerable<object[]> IpCommands() => AllCases().Select(c => new object[] { c.Name });

    [Theory]
    [MemberData(nameof(IpCommands))]
    public void Requests_equal_what_iproute2_sends(string name)
    {
        var (_, write, expected) = AllCases().Single(c => c.Name == name);
        var actual = Encode(write);
        Assert.True(expected.AsSpan().SequenceEqual(actual), $"{name}:\n  ip:   {Convert.ToHexString(expected)}\n  ours: {Convert.ToHexString(actual)}");
    }

    [Fact]
    public void Setting_a_link_by_name_puts_the_name_and_no_index()
    {
        var bytes = Encode((ref NetlinkWriter w, uint s) => LinkMessages.WriteSetLinkByName(ref w, s, "eth0", up: true, mtu: 1500));
        var message = Single(bytes);
        Assert.Equal(Rtnl.RTM_NEWLINK, message.Type);
        Assert.Equal(0, BinaryPrimitives.ReadInt32LittleEndian(message.Payload[4..]));
        var attributes = Attributes(message, Rtnl.IfInfoLength);
        Assert.Equal("eth0", attributes[Ifla.IFLA_IFNAME]);
        Assert.Equal("dc050000", attributes[Ifla.IFLA_MTU]);
    }

    private static byte[] Data(string name) => Convert.FromHexString(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", name)).Trim());

    [Fact]
    public void Decodes_the_kernels_link_dump()
    {
        var links = new List<LinkRecord>();
        foreach (var message in new NetlinkMessageReader(Data("rtnl-link.hex")))
        {
            if (LinkMessages.Decode(message) is { } link)
            {
                links.Add(link);
            }
        }

        Assert.Equal(new[] { "lo", "a-b", "tun7" }, links.Select(l => l.Name));
        var lo = links[0];
        Assert.Equal(("loopback", 1, 65536), (lo.Kind, lo.Index, lo.Mtu));
        Assert.Equal(new[] { "LOOPBACK", "UP", "LOWER_UP" }, lo.FlagNames);
        var veth = links[1];
        Assert.Equal(("veth", 1400, "02:00:00:00:0a:0b", "UP"), (veth.Kind, veth.Mtu, veth.MacAddress, veth.OperationalState));
        Assert.NotNull(veth.PeerIndex);
        Assert.NotNull(veth.PeerNetNsId);
        var tun = links[2];
        Assert.Equal(("tun", 1500, "DOWN"), (tun.Kind, tun.Mtu, tun.OperationalState));
        Assert.Contains("POINTOPOINT", tun.FlagNames);
        Assert.Null(tun.MacAddress);
    }

    [Fact]
    public void Decodes_the_kernels_address_dump()
    {
        var addresses = new List<AddressRecord>();
        foreach (var message in new NetlinkMessageReader(Data("rtnl-addr.hex")))
        {
            if (AddressMessages.Decode(message) is { } address)
            {
                addresses.Add(address);
            }
        }

        var texts = addresses.Select(a => $"{a.InterfaceIndex} {a.Prefix} {AddressMessages.ScopeName(a.Scope)}").ToArray();
        Assert.Contains("1 127.0.0.1/8 host", texts);
        Assert.Contains("2 10.9.0.1/24 global", texts);
        Assert.Contains("1 ::1/128 host", texts);
        Assert.Contains("2 fd00::1/64 global", texts);
        Assert.Contains(texts, t => t.StartsWith("2 fe80::", StringComparison.Ordinal) && t.EndsWith("/64 link", StringComparison.Ordinal));
        Assert.Equal(5, addresses.Count);
        Assert.True((addresses.Single(a => a.Prefix.ToString() == "fd00::1/64").Flags & Ifa.IFA_F_NODAD) != 0);
    }

    [Fact]
    public void Decodes_the_kernels_route_dumps_keeping_the_main_table()
    {
        var routes = new List<RouteRecord>();
        foreach (var file in new[] { "rtnl-route4.hex", "rtnl-route6.hex" })
        {
            foreach (var message in new NetlinkMessageReader(Data(file)))
            {
                if (RouteMessages.Decode(message) is { Table: Rtnl.RT_TABLE_MAIN } route)
                {
                    routes.Add(route);
                }
            }
        }

        // What ip -j route show printed for the namespace (see the class comment).
        var texts = routes.Select(r => $"{r.Destination?.ToString() ?? "default"} gw={r.Gateway} oif={r.OutputInterface} metric={r.Priority} {RouteMessages.ProtocolName(r.Protocol)} {AddressMessages.ScopeName(r.Scope)} src={r.PreferredSource}").ToArray();
        Assert.Equal(new[]
        {
            "10.9.0.0/24 gw= oif=2 metric= kernel link src=10.9.0.1",
            "10.10.0.0/16 gw=10.9.0.2 oif=2 metric=3 boot global src=",
            "fd00::/64 gw= oif=2 metric=256 kernel global src=",
            "fe80::/64 gw= oif=2 metric=256 kernel global src=",
            "default gw=fd00::2 oif=2 metric=1024 boot global src=",
        }, texts);
    }

    [Fact]
    public void Truncated_and_foreign_messages_decode_to_nothing()
    {
        var link = Data("rtnl-link.hex");
        foreach (var cut in new[] { 16, 20, 31 })
        {
            var bytes = link[..cut].ToArray();
            BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)cut);
            foreach (var message in new NetlinkMessageReader(bytes))
            {
                Assert.Null(LinkMessages.Decode(message));
                Assert.Null(AddressMessages.Decode(message));
                Assert.Null(RouteMessages.Decode(message));
            }
        }
    }

    private static NetlinkMessageCopy Single(byte[] bytes)
    {
        var count = 0;
        NetlinkMessageCopy? copy = null;
        foreach (var message in new NetlinkMessageReader(bytes))
        {
            count++;
            copy = new NetlinkMessageCopy(message.Type, message.Payload.ToArray());
        }

        Assert.Equal(1, count);
        return copy!;
    }

    private static Dictionary<ushort, string> Attributes(NetlinkMessageCopy message, int headerLength)
    {
        var result = new Dictionary<ushort, string>();
        foreach (var attribute in new NetlinkAttributeReader(message.Payload.AsSpan(headerLength)))
        {
            result[attribute.Type] = attribute.Type == Ifla.IFLA_IFNAME ? attribute.String : Convert.ToHexString(attribute.Value).ToLowerInvariant();
        }

        return result;
    }

    private sealed record NetlinkMessageCopy(ushort Type, byte[] Payload);
}
