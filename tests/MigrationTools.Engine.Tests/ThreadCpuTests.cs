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
    public void TheCallingThreadsOwnTimeIsReadAndGrowsWithWorkItDoes()
    {
        var id = ThreadCpu.Current();
        var before = ThreadCpu.Read(id);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var spin = 0L;
        while (watch.ElapsedMilliseconds < 300)
        {
            spin++;
        }

        var after = ThreadCpu.Read(id);
        Assert.True(spin > 0);
        Assert.True(after.User + after.System - before.User - before.System >= 0.2, $"{before} then {after}");
        Assert.Equal((0d, 0d), ThreadCpu.Read(0));
    }
}
