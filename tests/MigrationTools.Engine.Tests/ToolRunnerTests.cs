using MigrationTools.Core.Errors;
using MigrationTools.Engine.Tools;
using Xunit;

namespace MigrationTools.Engine.Tests;

public class ToolRunnerTests
{
    [Theory]
    [InlineData("RTNETLINK answers: File exists", FailureKind.ResourceExists)]
    [InlineData("Cannot find device \"a\"", FailureKind.ObjectNotFound)]
    [InlineData("Cannot open network namespace \"x\": No such file or directory", FailureKind.ObjectNotFound)]
    [InlineData("RTNETLINK answers: Operation not permitted", FailureKind.PermissionDenied)]
    [InlineData("Error: inet prefix is expected rather than \"x\".", FailureKind.InvalidArgument)]
    [InlineData("something odd happened", FailureKind.OperationFailed)]
    public void ClassifiesToolMessages(string message, FailureKind kind) =>
        Assert.Equal(kind, ErrorCatalog.KindOf(ToolRunner.ClassifyMessage(message)));

    [Fact]
    public void MissingProgramNamesItsDebianPackage()
    {
        Assert.Equal("conntrack", ToolCatalog.PackageFor("conntrack"));
        Assert.Equal("ngtcp2-server", ToolCatalog.PackageFor("gtlsserver"));
        var ex = Assert.Throws<MigrationToolsException>(() => ToolCatalog.Resolve("definitely-not-installed-mt"));
        Assert.Equal("ToolNotInstalled", ex.ErrorId);
        Assert.Equal(FailureKind.NotInstalled, ex.Kind);
    }

    [Fact]
    public void RunsProgramsWithArgumentListsNotShellStrings()
    {
        // One argument containing shell syntax arrives verbatim.
        var result = ToolRunner.Run("printf", new[] { "%s", "a b; echo $HOME" });
        Assert.Equal("a b; echo $HOME", result.StandardOutput);
    }

    [Fact]
    public void FailedRunBecomesClassifiedError()
    {
        var ex = Assert.Throws<MigrationToolsException>(() => ToolRunner.Run("ls", new[] { "/definitely/not/here" }));
        Assert.Equal(FailureKind.ObjectNotFound, ex.Kind);
        Assert.Contains("exit code", ex.Message);
    }
}
