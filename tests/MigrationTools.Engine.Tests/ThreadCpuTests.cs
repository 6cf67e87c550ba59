using MigrationTools.Agent.Relay;
using Xunit;

namespace MigrationTools.Engine.Tests;

public sealed class ThreadCpuTests
{
    [Fact]
    public void UserAndSystemTimeAreFields14And15InHundredthsOfASecondEvenWhenTheCommandNameHoldsSpacesAndParentheses()
    {
        // A stat line as Linux writes it (proc(5)): pid, (comm), state, ppid ... utime stime cutime cstime ...
        const string Stat = "4242 (tun->raw (x) y) S 1 4242 4242 0 -1 4194624 120 0 0 0 1234 567 8 9 20 0 3 0 100 0 0";
        var (user, system) = ThreadCpu.Parse(Stat);
        Assert.Equal(12.34, user, 6);
        Assert.Equal(5.67, system, 6);
    }

    [Theory]
    [InlineData("")]
    [InlineData("4242 (cut short")]
    [InlineData("4242 (name) S 1 2")]
    public void AStatLineThatCannotBeReadIsNoTimeRatherThanAnError(string stat) =>
        Assert.Equal((0d, 0d), ThreadCpu.Parse(stat));

    [Fact]
    public void TheCallingThreadsOwnTimeGrowsWithWorkItDoesAndNeverFasterThanTheClock()
    {
        // Busy until its time has grown by 0.2 s (a loaded machine may take longer than that in wall time, but a
        // thread's CPU time can never grow faster than the clock; at a wrong scale one of the two bounds breaks).
        var id = ThreadCpu.Current();
        var before = ThreadCpu.Read(id);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var grown = 0d;
        while (grown < 0.2 && watch.Elapsed < System.TimeSpan.FromSeconds(10))
        {
            var now = ThreadCpu.Read(id);
            grown = now.User + now.System - before.User - before.System;
        }

        Assert.True(grown >= 0.2, $"grew {grown} s in {watch.Elapsed}");
        // One tick (0.01 s) of rounding at each end.
        Assert.True(grown <= watch.Elapsed.TotalSeconds + 0.02, $"grew {grown} s in {watch.Elapsed}");
        Assert.Equal((0d, 0d), ThreadCpu.Read(0));
    }
}
