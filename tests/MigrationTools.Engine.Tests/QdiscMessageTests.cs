using System;
using MigrationTools.Engine.Netlink;
using MigrationTools.Engine.Netlink.Route;
using Xunit;

namespace MigrationTools.Engine.Tests;

/// <summary>
/// netem requests byte for byte as iproute2's tc sends them: each expected message was recorded once with
/// <c>strace -e trace=sendmsg -xx tc qdisc replace dev lo root netem ...</c> (iproute2 6.x, loopback index 1,
/// /proc/net/psched 000003e8 00000040 000f4240 3b9aca00: 15.625 ticks per microsecond); only the sequence number,
/// which tc takes from the clock, is set to the test's.
/// </summary>
public sealed class QdiscMessageTests
{
    private const double TicksPerMicrosecond = 15.625;

    private static string Encode(NetemSettings settings)
    {
        var buffer = new byte[256];
        var writer = new NetlinkWriter(buffer);
        QdiscMessages.WriteNetem(ref writer, 7, 1, settings, TicksPerMicrosecond);
        return Convert.ToHexString(writer.Written).ToLowerInvariant();
    }

    // The header as recorded: length, RTM_NEWQDISC (0x24), REQUEST|ACK|REPLACE|CREATE (0x505), sequence 7, port 0;
    // then tcmsg (ifindex 1, parent TC_H_ROOT) and TCA_KIND "netem".
    private static string Recorded(string length, string body) =>
        (length + "000000 2400 0505 07000000 00000000 " +
        "00000000 01000000 00000000 ffffffff 00000000 0a000100 6e6574656d000000 " + body).Replace(" ", string.Empty);

    [Fact]
    public void DelayJitterLossDuplicateAndReorderAreWhatTcSends() =>
        // tc qdisc replace dev lo root netem delay 20ms 5ms loss 5% duplicate 1% reorder 10%
        Assert.Equal(Recorded("58", "28000200 b4c40400 e8030000 cdcccc0c 01000000 295c8f02 2d310100 0c000300 9a999919 00000000"),
            Encode(new NetemSettings(20, 5, 5, 1, 10)));

    [Fact]
    public void LossAloneIsWhatTcSends() =>
        // tc qdisc replace dev lo root netem loss 5%
        Assert.Equal(Recorded("4c", "1c000200 00000000 e8030000 cdcccc0c 00000000 00000000 00000000"),
            Encode(new NetemSettings(0, 0, 5, 0, 0)));

    [Fact]
    public void DelayAloneIsWhatTcSends() =>
        // tc qdisc replace dev lo root netem delay 100ms
        Assert.Equal(Recorded("4c", "1c000200 84d71700 e8030000 00000000 00000000 00000000 00000000"),
            Encode(new NetemSettings(100, 0, 0, 0, 0)));

    [Fact]
    public void DelayLossAndDuplicateAreWhatTcSends() =>
        // tc qdisc replace dev lo root netem delay 10ms loss 2% duplicate 3%
        Assert.Equal(Recorded("4c", "1c000200 5a620200 e8030000 52b81e05 00000000 7b14ae07 00000000"),
            Encode(new NetemSettings(10, 0, 2, 3, 0)));

    [Theory]
    [InlineData(0, 0u)]
    [InlineData(100, uint.MaxValue)]
    [InlineData(5, 0x0ccccccdu)]
    [InlineData(10, 0x1999999au)]
    public void PercentagesAreFractionsOfTheFullRange(double percent, uint expected) =>
        Assert.Equal(expected, QdiscMessages.Fraction(percent));
}
