using MigrationTools.Core.Errors;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Routing;
using Xunit;

namespace MigrationTools.Engine.Tests;

public class RouteSpecTests
{
    [Fact]
    public void DefaultRouteTakesFamilyFromGateway()
    {
        var spec = RouteSpec.Create("default", "fd00:ab::b", null, null, null, null);
        Assert.Equal(IpFamily.IPv6, spec.Family);
        Assert.Equal("default", spec.DestinationText);
    }

    [Fact]
    public void BareAddressIsAHostRoute() =>
        Assert.Equal("10.250.1.1/32", RouteSpec.Create("10.250.1.1", "10.200.0.254", null, null, null, null).DestinationText);

    [Theory]
    [InlineData("10.250.1.1/32", "fd00::1", null)]
    [InlineData("fc01::/64", "10.0.0.1", null)]
    [InlineData("10.0.0.0/24", "10.0.0.1", "fd00::2")]
    public void RejectsMixedFamilies(string destination, string gateway, string? source)
    {
        var ex = Assert.Throws<MigrationToolsException>(() => RouteSpec.Create(destination, gateway, null, null, source, null));
        Assert.Equal("RouteFamilyMismatch", ex.ErrorId);
    }

    [Fact]
    public void RejectsExplicitFamilyThatDoesNotFit()
    {
        var ex = Assert.Throws<MigrationToolsException>(() => RouteSpec.Create("default", "10.0.0.1", null, null, null, IpFamily.IPv6));
        Assert.Equal("RouteFamilyMismatch", ex.ErrorId);
    }

    [Fact]
    public void RejectsHostBitsInDestination()
    {
        var ex = Assert.Throws<MigrationToolsException>(() => RouteSpec.Create("10.0.0.1/24", "10.0.0.254", null, null, null, null));
        Assert.Equal("InvalidRoutePrefix", ex.ErrorId);
        Assert.Contains("10.0.0.0/24", ex.Message);
    }

    [Fact]
    public void RequiresANextHopToAddButNotToRemove()
    {
        var ex = Assert.Throws<MigrationToolsException>(() => RouteSpec.Create("10.0.0.0/24", null, null, null, null, null));
        Assert.Equal("RouteNeedsNextHop", ex.ErrorId);
        Assert.Equal("10.0.0.0/24", RouteSpec.Create("10.0.0.0/24", null, null, null, null, null, requireNextHop: false).DestinationText);
    }

    [Fact]
    public void RejectsBadInterfaceName()
    {
        var ex = Assert.Throws<MigrationToolsException>(() => RouteSpec.Create("10.0.0.0/24", null, "much-too-long-name", null, null, null));
        Assert.Equal("InvalidInterfaceName", ex.ErrorId);
    }
}
