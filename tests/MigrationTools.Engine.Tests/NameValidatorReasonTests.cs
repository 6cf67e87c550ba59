using MigrationTools.Core.Errors;
using MigrationTools.Engine.Validation;
using Xunit;

namespace MigrationTools.Engine.Tests;

/// <summary>The reason given for each kind of bad name, and the byte limits counted in UTF-8.</summary>
public sealed class NameValidatorReasonTests
{
    [Theory]
    [InlineData("", "the name is empty")]
    [InlineData(".", "'.' is reserved")]
    [InlineData("..", "'..' is reserved")]
    [InlineData("a/b", "the name contains '/'")]
    [InlineData("a b", "the name contains whitespace or a control character")]
    [InlineData("a\u0001b", "the name contains whitespace or a control character")]
    [InlineData("lab-*", "the name contains the wildcard character '*'")]
    [InlineData("q?", "the name contains the wildcard character '?'")]
    [InlineData("[a", "the name contains the wildcard character '['")]
    [InlineData("a]", "the name contains the wildcard character ']'")]
    public void ANamespaceNameIsRefusedWithItsReason(string name, string reason)
    {
        Assert.Equal(reason, NameValidator.NamespaceNameProblem(name));
        var thrown = Assert.Throws<MigrationToolsException>(() => NameValidator.EnsureNamespaceName(name));
        Assert.Equal(("InvalidNetNsName", FailureKind.InvalidArgument), (thrown.ErrorId, thrown.Kind));
        Assert.Equal($"'{name}' is not a valid network namespace name: {reason}.", thrown.Message);
    }

    [Fact]
    public void NamespaceNamesAreLimitedTo255BytesOfUtf8()
    {
        Assert.Null(NameValidator.NamespaceNameProblem(new string('n', 255)));
        Assert.Equal("the name is longer than 255 bytes", NameValidator.NamespaceNameProblem(new string('n', 256)));
        // 128 two-byte characters: 128 characters, 256 bytes.
        Assert.Equal("the name is longer than 255 bytes", NameValidator.NamespaceNameProblem(new string('é', 128)));
        Assert.Null(NameValidator.NamespaceNameProblem(new string('é', 127)));
        Assert.Equal("ok-name", NameValidator.EnsureNamespaceName("ok-name"));
    }

    [Theory]
    [InlineData("", "the name is empty")]
    [InlineData(".", "'.' is reserved")]
    [InlineData("..", "'..' is reserved")]
    [InlineData("a/b", "the name contains '/', ':', whitespace or a control character")]
    [InlineData("a:b", "the name contains '/', ':', whitespace or a control character")]
    [InlineData("a b", "the name contains '/', ':', whitespace or a control character")]
    [InlineData("a\u007fb", "the name contains '/', ':', whitespace or a control character")]
    [InlineData("sixteen-bytes-16", "the name is longer than 15 bytes")]
    [InlineData("éééééééé", "the name is longer than 15 bytes")]
    [InlineData("all", "'all' is reserved by the kernel (net.ipv4.conf.all)")]
    [InlineData("default", "'default' is reserved by the kernel (net.ipv4.conf.default)")]
    public void AnInterfaceNameIsRefusedWithItsReason(string name, string reason)
    {
        Assert.Equal(reason, NameValidator.InterfaceNameProblem(name));
        var thrown = Assert.Throws<MigrationToolsException>(() => NameValidator.EnsureInterfaceName(name));
        Assert.Equal(("InvalidInterfaceName", FailureKind.InvalidArgument), (thrown.ErrorId, thrown.Kind));
        Assert.Equal($"'{name}' is not a valid interface name: {reason}.", thrown.Message);
    }

    [Fact]
    public void InterfaceNamesMayUseFifteenBytesAndWildcardCharacters()
    {
        Assert.Null(NameValidator.InterfaceNameProblem("fifteen-bytes15"));
        Assert.Null(NameValidator.InterfaceNameProblem("ééééééé")); // 14 bytes
        Assert.Null(NameValidator.InterfaceNameProblem("veth*"));
        Assert.Equal("eth0", NameValidator.EnsureInterfaceName("eth0"));
        Assert.Equal("the name is empty", NameValidator.InterfaceNameProblem(null));
        Assert.Equal("the name is empty", NameValidator.NamespaceNameProblem(null));
    }

    [Fact]
    public void ANameThatMatchesNothingGetsTheClosestKnownNames()
    {
        var names = new[] { "Icmp6InEchos", "Icmp6InEchoReplies", "IcmpInEchos", "Udp6InDatagrams", "TcpActiveOpens" };

        Assert.Equal(new[] { "Icmp6InEchos", "Icmp6InEchoReplies", "IcmpInEchos" }, NameSuggestions.Closest("Icmp6InEcho", names));
        Assert.Equal("IcmpInEchos", NameSuggestions.Closest("IcmpInEchoss", names)[0]);
        Assert.Empty(NameSuggestions.Closest("Xyzzy", names));
        Assert.Equal(3, NameSuggestions.Distance("kitten", "sitting"));
    }
}
