using System.Linq;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Errors;
using MigrationTools.Engine.Tools;
using Xunit;

namespace MigrationTools.Engine.Tests;

public class IpJsonTests
{
    // Captured from iproute2 6.1 (ip -n X -details -json address show).
    private const string AddressJson = """
        [{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"qdisc":"noqueue","operstate":"UNKNOWN","group":"default","txqlen":1000,"link_type":"loopback","address":"00:00:00:00:00:00","broadcast":"00:00:00:00:00:00","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host","label":"lo","valid_life_time":4294967295,"preferred_life_time":4294967295},{"family":"inet6","local":"::1","prefixlen":128,"scope":"host","valid_life_time":4294967295,"preferred_life_time":4294967295}]},
         {"ifindex":2,"link_index":2,"ifname":"a","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"qdisc":"noqueue","operstate":"UP","group":"default","txqlen":1000,"link_type":"ether","address":"66:94:3c:a2:4f:f1","broadcast":"ff:ff:ff:ff:ff:ff","link_netnsid":0,"linkinfo":{"info_kind":"veth"},"addr_info":[{"family":"inet","local":"10.9.0.1","prefixlen":24,"scope":"global","label":"a","valid_life_time":4294967295,"preferred_life_time":4294967295},{"family":"inet6","local":"fd00::1","prefixlen":64,"scope":"global","nodad":true,"valid_life_time":4294967295,"preferred_life_time":4294967295},{"family":"inet6","local":"fe80::6494:3cff:fea2:4ff1","prefixlen":64,"scope":"link","tentative":true,"valid_life_time":4294967295,"preferred_life_time":4294967295}]},
         {"ifindex":3,"ifname":"tun0","flags":["POINTOPOINT","MULTICAST","NOARP","UP","LOWER_UP"],"mtu":1480,"operstate":"UNKNOWN","link_type":"none","addr_info":[]}]
        """;

    [Fact]
    public void ParsesInterfacesWithKindsAndAddresses()
    {
        var interfaces = IpJson.ParseInterfaces("A", AddressJson);
        Assert.Equal(new[] { "lo", "a", "tun0" }, interfaces.Select(i => i.Name));
        Assert.Equal("loopback", interfaces[0].Kind);
        Assert.Equal("veth", interfaces[1].Kind);
        Assert.Equal("tun", interfaces[2].Kind);
        Assert.True(interfaces[1].IsUp);
        Assert.Equal("UP", interfaces[1].State);
        Assert.Equal(1500, interfaces[1].Mtu);
        Assert.Equal("66:94:3c:a2:4f:f1", interfaces[1].MacAddress);
        Assert.Equal(new[] { "10.9.0.1/24", "fd00::1/64", "fe80::6494:3cff:fea2:4ff1/64" }, interfaces[1].Addresses.Select(a => a.ToString()));
        Assert.All(interfaces, i => Assert.Equal("A", i.Namespace));
    }

    [Fact]
    public void ParsesOneObjectPerAddress()
    {
        var addresses = IpJson.ParseAddresses("A", AddressJson);
        Assert.Equal(5, addresses.Count);
        var v6 = addresses.Single(a => a.Address.ToString() == "fd00::1");
        Assert.Equal("a", v6.Interface);
        Assert.Equal(64, v6.PrefixLength);
        Assert.Equal(IpFamily.IPv6, v6.AddressFamily);
        Assert.Equal("global", v6.Scope);
    }

    [Fact]
    public void ParsesRoutesAndNormalizesHostDestinations()
    {
        const string json = """
            [{"dst":"default","gateway":"10.200.0.254","dev":"eth1","flags":[]},
             {"dst":"10.9.0.0/24","dev":"a","protocol":"kernel","scope":"link","prefsrc":"10.9.0.1","flags":[]},
             {"dst":"10.250.1.1","gateway":"10.210.0.254","dev":"eth0","flags":[]},
             {"type":"blackhole","dst":"10.66.0.0/16","flags":[]}]
            """;
        var routes = IpJson.ParseRoutes("client", IpFamily.IPv4, json);
        Assert.Equal(new[] { "default", "10.9.0.0/24", "10.250.1.1/32", "10.66.0.0/16" }, routes.Select(r => r.Destination));
        Assert.Equal("10.200.0.254", routes[0].Gateway!.ToString());
        Assert.Equal("kernel", routes[1].Protocol);
        Assert.Equal("10.9.0.1", routes[1].Source!.ToString());
        Assert.Null(routes[1].Gateway);
        Assert.Equal("unicast", routes[2].Type);
        Assert.Equal("blackhole", routes[3].Type);
    }

    [Fact]
    public void ParsesNetNsListWithAndWithoutIds()
    {
        var list = IpJson.ParseNetNsList("""[{"name":"B","id":1},{"name":"A"}]""");
        Assert.Equal(("B", (int?)1), list[0]);
        Assert.Equal(("A", (int?)null), list[1]);
        Assert.Empty(IpJson.ParseNetNsList(""));
    }

    [Fact]
    public void ReportsOutputThatIsNotJson()
    {
        var ex = Assert.Throws<MigrationToolsException>(() => IpJson.ParseNetNsList("Object \"netns\" is unknown").ToList());
        Assert.Equal("UnexpectedToolOutput", ex.ErrorId);
    }
}
