using MigrationTools.Engine.Captures;
using MigrationTools.Engine.LiveCapture;
using Xunit;

namespace MigrationTools.Engine.Tests;

/// <summary>The counts a capture reports come from what tcpdump writes when it ends.</summary>
public sealed class CaptureCountsTests
{
    [Fact]
    public void TheClosingLinesOfTcpdumpGiveCapturedReceivedAndDropped()
    {
        // tcpdump 4.99's stderr, as it ends on SIGTERM.
        const string log = "tcpdump: listening on any, link-type LINUX_SLL2 (Linux cooked v2), snapshot length 262144 bytes\n" +
            "1234 packets captured\n1240 packets received by filter\n6 packets dropped by kernel\n";
        Assert.Equal((1234L, 1240L, 6L), NetNsCaptureManager.Counts(log));
    }

    [Fact]
    public void OnePacketIsSingularAndMissingLinesAreZero()
    {
        Assert.Equal((1L, 1L, 0L), NetNsCaptureManager.Counts("1 packet captured\n1 packet received by filter\n"));
        Assert.Equal((0L, 0L, 0L), NetNsCaptureManager.Counts("tcpdump: listening on lo\n"));
    }

    [Fact]
    public void ALiveWatchTakesTheKernelsDropsFromTcpdumpsClosingCountsAndNothingWithoutThem()
    {
        Assert.Equal(6L, QuicProbeWatcher.KernelDrops("tcpdump: listening on any\n1234 packets captured\n1240 packets received by filter\n6 packets dropped by kernel\n"));
        Assert.Equal(0L, QuicProbeWatcher.KernelDrops("1 packet captured\n1 packet received by filter\n0 packets dropped by kernel\n"));
        // Killed, tcpdump writes no counts: the drops are unknown, not zero.
        Assert.Null(QuicProbeWatcher.KernelDrops("tcpdump: listening on any, link-type LINUX_SLL2\n"));
    }
}
