using MigrationTools.Core.Errors;
using MigrationTools.Engine.Addressing;
using Xunit;

namespace MigrationTools.Engine.Tests;

public class IpPrefixTests
{
    [Theory]
    [InlineData("10.200.0.2/24", "10.200.0.2", 24, IpFamily.IPv4)]
    [InlineData("10.250.1.1", "10.250.1.1", 32, IpFamily.IPv4)]
    [InlineData("fd00:ab::a/64", "fd00:ab::a", 64, IpFamily.IPv6)]
    [InlineData("fe00::1", "fe00::1", 128, IpFamily.IPv6)]
    [InlineData("0.0.0.0/0", "0.0.0.0", 0, IpFamily.IPv4)]
    [InlineData("::/0", "::", 0, IpFamily.IPv6)]
    public void ParsesPrefixes(string text, string address, int length, IpFamily family)
    {
        var prefix = IpPrefix.Parse(text);
        Assert.Equal(address, prefix.Address.ToString());
        Assert.Equal(length, prefix.PrefixLength);
        Assert.Equal(family, prefix.Family);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("1.2.3")]
    [InlineData("10.0.0.1/33")]
    [InlineData("fd00::1/129")]
    [InlineData("10.0.0.1/")]
    [InlineData("10.0.0.1/-1")]
    [InlineData("10.0.0.1/ 8")]
    [InlineData("10.0.0.256/24")]
    [InlineData("fe80::1%2/64")]
    [InlineData("hello")]
    [InlineData("10.0.0.1/24/8")]
    public void RejectsMalformedPrefixes(string text)
    {
        var ex = Assert.Throws<MigrationToolsException>(() => IpPrefix.Parse(text));
        Assert.Equal("InvalidIpPrefix", ex.ErrorId);
        Assert.Equal(FailureKind.InvalidArgument, ex.Kind);
    }

    [Fact]
    public void ParseAddressRejectsPrefixes()
    {
        Assert.Equal("10.0.0.1", IpPrefix.ParseAddress("10.0.0.1").ToString());
        var ex = Assert.Throws<MigrationToolsException>(() => IpPrefix.ParseAddress("10.0.0.1/24"));
        Assert.Equal("InvalidIpAddress", ex.ErrorId);
    }

    [Theory]
    [InlineData("10.200.0.2/24", "10.200.0.0/24")]
    [InlineData("10.200.0.2/32", "10.200.0.2/32")]
    [InlineData("fd00:ab::a/64", "fd00:ab::/64")]
    [InlineData("10.1.2.3/9", "10.0.0.0/9")]
    public void NetworkClearsHostBits(string text, string network) =>
        Assert.Equal(network, IpPrefix.Parse(text).Network.ToString());
}
