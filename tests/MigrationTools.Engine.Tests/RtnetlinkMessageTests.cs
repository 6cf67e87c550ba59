using System;
using System.Linq;
using System.Net;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Netlink;
using MigrationTools.Engine.Netlink.Route;
using Xunit;
using static MigrationTools.Engine.Tests.NetlinkBytes;

namespace MigrationTools.Engine.Tests;

/// <summary>
/// The rtnetlink requests not covered by the iproute2 recordings (dumps and lookups), laid out as the kernel's
/// structs (ifinfomsg, ifaddrmsg, rtmsg in linux/rtnetlink.h and linux/if_link.h) say; the decoders on messages built
/// byte by byte for the cases a dump rarely holds; and the names iproute2 prints for each number.
/// </summary>
public sealed class RtnetlinkMessageTests
{
    private const uint Sequence = 7;

    private delegate void Write(ref NetlinkWriter writer, uint sequence);

    private static string Encode(Write write)
    {
        var buffer = new byte[512];
        var writer = new NetlinkWriter(buffer);
        write(ref writer, Sequence);
        return Convert.ToHexString(writer.Written).ToLowerInvariant();
    }

    private static string Hex(params byte[][] parts) => Convert.ToHexString(parts.SelectMany(p => p).ToArray()).ToLowerInvariant();

    private static byte[] B(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty));

    // Netlink flags: REQUEST 0x1, ACK 0x4, DUMP 0x300. IFLA_EXT_MASK 29 with RTEXT_FILTER_VF 1; IFLA_IFNAME 3.
    private static readonly byte[] ExtMaskVf = Attribute(29, 1, 0, 0, 0);

    [Fact]
    public void AnAddressDumpOfOneFamilyAndLinkIsWhatIpAddrShowSends()
    {
        // ip -4 addr show, and ip -6 addr show dev lo (index 1), recorded with strace: the same bytes but the sequence.
        Assert.Equal(Hex(Message(22, 0x301, B("02000000 00000000"))), Encode((ref NetlinkWriter w, uint s) => AddressMessages.WriteGetAddresses(ref w, s, IpFamily.IPv4)));
        Assert.Equal(Hex(Message(22, 0x301, B("0a000000 01000000"))), Encode((ref NetlinkWriter w, uint s) => AddressMessages.WriteGetAddresses(ref w, s, IpFamily.IPv6, 1)));
        Assert.Equal(Hex(Message(22, 0x301, B("00000000 00000000"))), Encode((ref NetlinkWriter w, uint s) => AddressMessages.WriteGetAddresses(ref w, s, null)));
    }

    [Fact]
    public void LinkDumpsAndLookupsAskForTheVirtualFunctionFilterOnly()
    {
        // ip link show sends the same dump with ifi_family AF_PACKET, which the kernel handles as AF_UNSPEC.
        Assert.Equal(Hex(Message(18, 0x301, new byte[16].Concat(ExtMaskVf).ToArray())),
            Encode((ref NetlinkWriter w, uint s) => LinkMessages.WriteGetLinks(ref w, s)));
        Assert.Equal(Hex(Message(18, 0x1, new byte[16].Concat(ExtMaskVf).Concat(Attribute(3, B("6c6f00"))).ToArray())),
            Encode((ref NetlinkWriter w, uint s) => LinkMessages.WriteGetLink(ref w, s, "lo")));
        Assert.Equal(Hex(Message(18, 0x1, B("00000000 05000000 00000000 00000000").Concat(ExtMaskVf).ToArray())),
            Encode((ref NetlinkWriter w, uint s) => LinkMessages.WriteGetLink(ref w, s, 5)));
    }

    [Fact]
    public void DeletingOrSettingALinkByNameLeavesTheIndexToTheKernel()
    {
        Assert.Equal(Hex(Message(17, 0x5, new byte[16].Concat(Attribute(3, B("612d6200"))).ToArray())),
            Encode((ref NetlinkWriter w, uint s) => LinkMessages.WriteDelLinkByName(ref w, s, "a-b")));
        Assert.Equal(Hex(Message(16, 0x5, B("00000000 00000000 00000000 01000000").Concat(Attribute(4, B("dc050000"))).Concat(Attribute(3, B("612d6200"))).ToArray())),
            Encode((ref NetlinkWriter w, uint s) => LinkMessages.WriteSetLinkByName(ref w, s, "a-b", up: false, mtu: 1500)));
        // Renaming: the new name as IFLA_IFNAME, flags untouched.
        Assert.Equal(Hex(Message(16, 0x5, B("00000000 02000000 00000000 00000000").Concat(Attribute(3, B("6e657700"))).ToArray())),
            Encode((ref NetlinkWriter w, uint s) => LinkMessages.WriteSetLink(ref w, s, 2, up: null, mtu: null, newName: "new")));
    }

    [Fact]
    public void AVethPairInOneNamespaceHasNoNamespaceForItsPeerAndFdZeroIsOne()
    {
        var sameNamespace = Encode((ref NetlinkWriter w, uint s) => LinkMessages.WriteNewVeth(ref w, s, "a", "b", -1, null));
        var fdZero = Encode((ref NetlinkWriter w, uint s) => LinkMessages.WriteNewVeth(ref w, s, "a", "b", 0, null));

        // IFLA_NET_NS_FD is 28 (0x1c): 08001c00 and the fd.
        Assert.DoesNotContain("08001c00", sameNamespace);
        Assert.Contains("08001c0000000000", fdZero);
        Assert.Equal(sameNamespace.Length + 16, fdZero.Length);
    }

    [Fact]
    public void ChangingAKernelIpipDeviceIsNoCreateAndAnInheritedTtlTurnsPathMtuDiscoveryOff()
    {
        var change = Encode((ref NetlinkWriter w, uint s) => LinkMessages.WriteNewIpip(ref w, s, "t", IPAddress.Parse("10.0.0.1"), IPAddress.Parse("10.0.0.2"), 0, 0, change: true));

        // Flags REQUEST|ACK only (no CREATE|EXCL); IFLA_IPTUN_PMTUDISC (10) 0 and IFLA_IPTUN_TTL (4) 0.
        Assert.Equal("0500", change[12..16]);
        Assert.Contains("05000a0000000000", change);
        Assert.Contains("0500040000000000", change);
    }

    [Fact]
    public void ARouteDumpAsksForOneFamilyOfEveryTable()
    {
        // ip route show adds RTA_TABLE main; the dump here reads every table and the decoder keeps the table.
        Assert.Equal(Hex(Message(26, 0x301, B("0a000000 00000000 00000000"))), Encode((ref NetlinkWriter w, uint s) => RouteMessages.WriteGetRoutes(ref w, s, IpFamily.IPv6)));
        Assert.Equal(Hex(Message(26, 0x301, B("02000000 00000000 00000000"))), Encode((ref NetlinkWriter w, uint s) => RouteMessages.WriteGetRoutes(ref w, s, IpFamily.IPv4)));
    }

    [Fact]
    public void ARouteLookupAsksForOneHostDestinationAsIpRouteGetDoes()
    {
        // What `ip route get 10.77.7.7` sends (recorded with strace): RTM_GETROUTE with NLM_F_REQUEST only, rtm_dst_len
        // 32, rtm_flags RTM_F_LOOKUP_TABLE, RTA_DST (type 1, length 8).
        Assert.Equal(Hex(Message(26, 0x001, B("02200000 00000000 00100000 08000100 0a4d0707"))),
            Encode((ref NetlinkWriter w, uint s) => RouteMessages.WriteGetRouteTo(ref w, s, System.Net.IPAddress.Parse("10.77.7.7"))));
        // For IPv6 the same without rtm_flags: iproute2 (a socket without strict checking) sends 0x1000 there too, and the
        // kernel's strict check of IPv6 route requests refuses it with EINVAL ("ipv6: Invalid flags for
        // FIB_GETROUTE request", seen live); the module's sockets are strict.
        Assert.Equal(Hex(Message(26, 0x001, B("0a800000 00000000 00000000 14000100 fe000000 00000000 00000000 00000001"))),
            Encode((ref NetlinkWriter w, uint s) => RouteMessages.WriteGetRouteTo(ref w, s, System.Net.IPAddress.Parse("fe00::1"))));
    }

    private delegate T? Decoder<T>(NetlinkMessage message)
        where T : class;

    /// <summary>The first message of <paramref name="bytes"/>, decoded.</summary>
    private static T? DecodeFirst<T>(byte[] bytes, Decoder<T> decode)
        where T : class
    {
        foreach (var message in new NetlinkMessageReader(bytes))
        {
            return decode(message);
        }

        return null;
    }

    private static AddressRecord? DecodeAddress(byte[] message) => DecodeFirst(message, AddressMessages.Decode);

    private static byte[] NewAddress(string header, params byte[][] attributes) => Message(20, 0, B(header).Concat(attributes.SelectMany(a => a)).ToArray());

    [Fact]
    public void APointToPointAddressIsItsLocalOneAndNotThePeers()
    {
        // ifaddrmsg: family 2, prefix 32, flags 0x80 (permanent), scope 0, index 3; IFA_ADDRESS (1) the peer, IFA_LOCAL (2) its own.
        var record = DecodeAddress(NewAddress("02208000 03000000", Attribute(1, 10, 0, 0, 2), Attribute(2, 10, 0, 0, 1)));

        Assert.Equal("10.0.0.1/32", record!.Prefix.ToString());
        Assert.Equal((3, 0x80u, (byte)0), (record.InterfaceIndex, record.Flags, record.Scope));
        // IPv6 sends only IFA_ADDRESS; IFA_FLAGS (8) holds the 32-bit flags.
        var v6 = DecodeAddress(NewAddress("0a40c8fd 02000000", Attribute(1, B("fd000000000000000000000000000001")), Attribute(8, 0x80, 0x02, 0, 0)));
        Assert.Equal("fd00::1/64", v6!.Prefix.ToString());
        Assert.Equal((0x280u, (byte)0xfd), (v6.Flags, v6.Scope));
    }

    [Fact]
    public void AddressesThatCannotBeReadDecodeToNothing()
    {
        // No address at all; a local address of the wrong length; another family; a prefix longer than the address.
        Assert.Null(DecodeAddress(NewAddress("02180000 02000000")));
        Assert.Null(DecodeAddress(NewAddress("02180000 02000000", Attribute(2, 10, 0, 0))));
        Assert.Null(DecodeAddress(NewAddress("07180000 02000000", Attribute(2, 10, 0, 0, 1))));
        Assert.Null(DecodeAddress(NewAddress("02210000 02000000", Attribute(2, 10, 0, 0, 1))));
        Assert.Equal("10.0.0.1/32", DecodeAddress(NewAddress("02200000 02000000", Attribute(2, 10, 0, 0, 1)))!.Prefix.ToString());
        Assert.Equal("fd00::1/128", DecodeAddress(NewAddress("0a800000 02000000", Attribute(1, B("fd000000000000000000000000000001"))))!.Prefix.ToString());
        Assert.Null(DecodeAddress(NewAddress("0a810000 02000000", Attribute(1, B("fd000000000000000000000000000001")))));
        // An ifaddrmsg one byte short, and a link message.
        Assert.Null(DecodeAddress(Message(20, 0, B("02180000 020000"))));
        Assert.Null(DecodeAddress(Message(16, 0, B("02180000 02000000 00000000 00000000"))));
    }

    private static RouteRecord? DecodeRoute(byte[] message) => DecodeFirst(message, RouteMessages.Decode);

    // rtmsg: family, dst_len, src_len, tos, table, protocol, scope, type, flags (32 bits).
    private static byte[] NewRoute(string header, params byte[][] attributes) => Message(24, 0, B(header).Concat(attributes.SelectMany(a => a)).ToArray());

    [Fact]
    public void RoutesDecodeWithTheirDestinationAndDefaultsHaveNone()
    {
        var route = DecodeRoute(NewRoute("02100000 fe030001 00000000", Attribute(1, 10, 10, 0, 0), Attribute(5, 10, 9, 0, 2), Attribute(4, 2, 0, 0, 0), Attribute(6, 3, 0, 0, 0), Attribute(7, 10, 9, 0, 1)));
        Assert.Equal(("10.10.0.0/16", "10.9.0.2", 2, 3u, "10.9.0.1"), (route!.Destination!.ToString(), route.Gateway!.ToString(), route.OutputInterface!.Value, route.Priority!.Value, route.PreferredSource!.ToString()));
        Assert.Equal((254u, (byte)3, (byte)0, (byte)1), (route.Table, route.Protocol, route.Scope, route.Type));

        // A default route with RTA_DST 0.0.0.0, and one without RTA_DST; RTA_TABLE (15) overrides the header's table.
        Assert.Null(DecodeRoute(NewRoute("02000000 fe030001 00000000", Attribute(1, 0, 0, 0, 0)))!.Destination);
        var noDst = DecodeRoute(NewRoute("02000000 fe030001 00000000", Attribute(15, 0, 1, 0, 0)));
        Assert.Null(noDst!.Destination);
        Assert.Equal(256u, noDst.Table);
        // dst_len 0 with a non-zero RTA_DST is not the default route; dst_len 8 without RTA_DST is 0.0.0.0/8 (::/8).
        Assert.Equal("10.0.0.0/0", DecodeRoute(NewRoute("02000000 fe030001 00000000", Attribute(1, 10, 0, 0, 0)))!.Destination!.ToString());
        Assert.Equal("0.0.0.0/8", DecodeRoute(NewRoute("02080000 fe030001 00000000"))!.Destination!.ToString());
        Assert.Equal("::/8", DecodeRoute(NewRoute("0a080000 fe030001 00000000"))!.Destination!.ToString());
        Assert.Equal("::/128", DecodeRoute(NewRoute("0a800000 fe030001 00000000"))!.Destination!.ToString());
    }

    [Fact]
    public void ClonedForeignAndImpossibleRoutesDecodeToNothing()
    {
        // RTM_F_CLONED (0x200), family 7, dst_len 33 for IPv4, 129 for IPv6, an rtmsg one byte short, an address message.
        Assert.Null(DecodeRoute(NewRoute("02100000 fe030001 00020000", Attribute(1, 10, 10, 0, 0))));
        Assert.Null(DecodeRoute(NewRoute("07100000 fe030001 00000000")));
        Assert.Null(DecodeRoute(NewRoute("02210000 fe030001 00000000")));
        Assert.Null(DecodeRoute(NewRoute("0a810000 fe030001 00000000")));
        Assert.NotNull(DecodeRoute(NewRoute("02200000 fe030001 00000000", Attribute(1, 10, 10, 0, 1))));
        Assert.Null(DecodeRoute(Message(24, 0, B("02100000 fe030001 000000"))));
        Assert.Null(DecodeRoute(Message(20, 0, B("02100000 fe030001 00000000"))));
        // Attributes of the wrong length are ignored: a 4-byte gateway on an IPv6 route.
        Assert.Null(DecodeRoute(NewRoute("0a000000 fe030001 00000000", Attribute(5, 10, 9, 0, 2)))!.Gateway);
    }

    private static LinkRecord? DecodeLink(byte[] message) => DecodeFirst(message, LinkMessages.Decode);

    [Fact]
    public void AKernelIpipDeviceDecodesWithItsEndpointsTtlAndTos()
    {
        // ifinfomsg: family 0, type ARPHRD_TUNNEL (768), index 9, flags UP|POINTOPOINT|NOARP|RUNNING, change 0.
        var data = Attribute(2, Attribute(2, 10, 0, 0, 1).Concat(Attribute(3, 10, 0, 0, 2)).Concat(Attribute(4, 64)).Concat(Attribute(5, 0x10)).ToArray());
        var linkInfo = Attribute(18, Attribute(1, B("6970697000")).Concat(data).ToArray());
        var link = DecodeLink(Message(16, 0, B("00000003 09000000 d1000000 00000000").Concat(Attribute(3, B("743000"))).Concat(Attribute(16, 6)).Concat(linkInfo).ToArray()));

        Assert.Equal(("t0", "ipip", 9, "UP"), (link!.Name, link.Kind, link.Index, link.OperationalState));
        Assert.Equal(new IpipLinkData(IPAddress.Parse("10.0.0.1"), IPAddress.Parse("10.0.0.2"), 64, 0x10), link.Ipip);
        Assert.Equal(new[] { "POINTOPOINT", "NOARP", "UP" }, link.FlagNames);
    }

    [Fact]
    public void ABridgePortDecodesWithItsMastersIndexAndOtherLinksWithNone()
    {
        // IFLA_MASTER (10) = 2, as the kernel reports a port of the bridge with index 2.
        var port = DecodeLink(Message(16, 0, B("00000100 04000000 00000000 00000000").Concat(Attribute(3, B("703000"))).Concat(Attribute(10, 2, 0, 0, 0)).ToArray()));
        var alone = DecodeLink(Message(16, 0, B("00000100 04000000 00000000 00000000").Concat(Attribute(3, B("703000"))).ToArray()));

        Assert.Equal(2, port!.MasterIndex);
        Assert.Null(alone!.MasterIndex);
    }

    [Fact]
    public void LinkInfoDataOfAnotherKindOrBeforeTheKindIsNotIpip()
    {
        var data = Attribute(2, Attribute(2, 10, 0, 0, 1).ToArray());
        var dataFirst = Attribute(18, data.Concat(Attribute(1, B("6970697000"))).ToArray());
        var gre = Attribute(18, Attribute(1, B("67726500")).Concat(data).ToArray());
        foreach (var linkInfo in new[] { dataFirst, gre })
        {
            var link = DecodeLink(Message(16, 0, B("00000003 09000000 00000000 00000000").Concat(Attribute(3, B("743000"))).Concat(linkInfo).ToArray()));
            Assert.Null(link!.Ipip);
        }

        // Endpoints of the wrong length are left out.
        var odd = Attribute(18, Attribute(1, B("6970697000")).Concat(Attribute(2, Attribute(2, 10, 0, 0).Concat(Attribute(3, 10, 0, 0, 2, 0)).ToArray())).ToArray());
        var oddLink = DecodeLink(Message(16, 0, B("00000003 09000000 00000000 00000000").Concat(Attribute(3, B("743000"))).Concat(odd).ToArray()));
        Assert.Equal(new IpipLinkData(null, null, 0, 0), oddLink!.Ipip);
    }

    [Theory]
    [InlineData("0100", "ether")]
    [InlineData("0403", "loopback")]
    [InlineData("feff", "none")]
    [InlineData("0003", "768")]
    public void ALinkWithoutLinkInfoIsNamedByItsDeviceType(string deviceType, string kind)
    {
        // An empty IFLA_ADDRESS (as a tun device has) is no MAC address.
        var link = DecodeLink(Message(16, 0, B($"0000{deviceType} 04000000 00000000 00000000").Concat(Attribute(3, B("783000"))).Concat(Attribute(1)).ToArray()));

        Assert.Equal(kind, link!.Kind);
        Assert.Null(link.MacAddress);
        Assert.Equal("UNKNOWN", link.OperationalState);
    }

    [Fact]
    public void ALinkMessageWithoutANameOrCutShortDecodesToNothing()
    {
        Assert.Null(DecodeLink(Message(16, 0, B("00000100 04000000 00000000 00000000"))));
        Assert.Null(DecodeLink(Message(16, 0, B("00000100 04000000 00000000 000000"))));
        Assert.Null(DecodeLink(Message(20, 0, B("00000100 04000000 00000000 00000000").Concat(Attribute(3, B("783000"))).ToArray())));
    }

    [Fact]
    public void NumbersAreNamedAsIproute2NamesThem()
    {
        // rt_scopes and rt_protos as iproute2 ships them (/etc/iproute2), its route type names (lib/rt_names.c), the operational states of RFC 2863
        // as ip link prints them, and the interface flags of linux/if.h in ip's order.
        Assert.Equal(new[] { "global", "site", "link", "host", "nowhere", "100" },
            new byte[] { 0, 200, 253, 254, 255, 100 }.Select(AddressMessages.ScopeName));
        Assert.Equal(new[]
            {
                "unspec", "redirect", "kernel", "boot", "static", "gated", "ra", "mrt", "zebra", "bird", "dnrouted", "xorp", "ntk", "dhcp",
                "keepalived", "babel", "openr", "bgp", "isis", "ospf", "rip", "eigrp", "77",
            },
            new byte[] { 0, 1, 2, 3, 4, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 42, 99, 186, 187, 188, 189, 192, 77 }.Select(RouteMessages.ProtocolName));
        Assert.Equal(new[] { "none", "unicast", "local", "broadcast", "anycast", "multicast", "blackhole", "unreachable", "prohibit", "throw", "nat", "xresolve", "12" },
            new byte[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 }.Select(RouteMessages.TypeName));
        Assert.Equal(new[] { "UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP", "UNKNOWN" },
            new byte[] { 0, 1, 2, 3, 4, 5, 6, 7 }.Select(LinkMessages.OperationalStateName));
        Assert.Equal(new[] { "LOOPBACK", "BROADCAST", "POINTOPOINT", "MULTICAST", "NOARP", "PROMISC", "UP", "LOWER_UP", "DORMANT" },
            LinkMessages.FlagNames(0x1 | 0x2 | 0x8 | 0x10 | 0x80 | 0x100 | 0x1000 | 0x10000 | 0x20000));
        Assert.Empty(LinkMessages.FlagNames(0x4 | 0x40 | 0x200));
    }
}
