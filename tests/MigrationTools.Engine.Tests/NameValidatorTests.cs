using MigrationTools.Core.Errors;
using MigrationTools.Engine.Validation;
using Xunit;

namespace MigrationTools.Engine.Tests;

public class NameValidatorTests
{
    [Theory]
    [InlineData("A")]
    [InlineData("lab-client")]
    [InlineData("router1")]
    [InlineData("ns.with.dots")]
    public void AcceptsValidNamespaceNames(string name) => Assert.Null(NameValidator.NamespaceNameProblem(name));

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("has space")]
    [InlineData("tab\tname")]
    [InlineData("lab-*")]
    [InlineData("q?")]
    public void RejectsInvalidNamespaceNames(string name)
    {
        var ex = Assert.Throws<MigrationToolsException>(() => NameValidator.EnsureNamespaceName(name));
        Assert.Equal("InvalidNetNsName", ex.ErrorId);
        Assert.Equal(FailureKind.InvalidArgument, ex.Kind);
    }

    [Fact]
    public void RejectsNamespaceNamesOverNameMax()
    {
        Assert.Null(NameValidator.NamespaceNameProblem(new string('n', 255)));
        Assert.NotNull(NameValidator.NamespaceNameProblem(new string('n', 256)));
        // Counted in bytes: 128 two-byte characters are 256 bytes.
        Assert.NotNull(NameValidator.NamespaceNameProblem(new string('é', 128)));
    }

    [Theory]
    [InlineData("eth0")]
    [InlineData("a-b")]
    [InlineData("ipip0")]
    [InlineData("fifteen-bytes15")]
    public void AcceptsValidInterfaceNames(string name) => Assert.Null(NameValidator.InterfaceNameProblem(name));

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("sixteen-bytes-16")]
    [InlineData("a/b")]
    [InlineData("a:b")]
    [InlineData("a b")]
    [InlineData("ééééééééé")]
    public void RejectsInvalidInterfaceNames(string name)
    {
        var ex = Assert.Throws<MigrationToolsException>(() => NameValidator.EnsureInterfaceName(name));
        Assert.Equal("InvalidInterfaceName", ex.ErrorId);
    }
}
