using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using Xunit;

namespace MigrationTools.Cmdlets.Tests;

/// <summary>Parameter binding, pipelines and error records of the cmdlets, in a hosted runspace.</summary>
public sealed class BindingTests : IClassFixture<ModuleHostFixture>
{
    private readonly ModuleHost _host;

    public BindingTests(ModuleHostFixture fixture) => _host = fixture.Host;

    [Fact]
    public void ANameFromThePipelineBindsToNamespace()
    {
        var result = _host.Run("'mtc-none-1' | Get-NetNsLink");

        var error = Assert.Single(result.Errors);
        Assert.Equal("NetNsNotFound,MigrationTools.Commands.GetNetNsLinkCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal("mtc-none-1", error.TargetObject);
    }

    [Fact]
    public void AnObjectWithANamespacePropertyBindsByPropertyName()
    {
        var result = _host.Run("[pscustomobject]@{ Namespace = 'mtc-none-2' } | Get-NetNsAddress");

        Assert.Equal("mtc-none-2", Assert.Single(result.Errors).TargetObject);
    }

    [Fact]
    public void SeveralNamesEachGetTheirOwnError()
    {
        var result = _host.Run("Get-NetNsRoute -Namespace mtc-none-3, mtc-none-4");

        Assert.Equal(new[] { "NetNsNotFound", "NetNsNotFound" }, result.ErrorIds);
        Assert.Equal(new object?[] { "mtc-none-3", "mtc-none-4" }, result.Errors.Select(e => e.TargetObject).ToArray());
    }

    [Fact]
    public void AWildcardThatMatchesNothingIsNotAnError()
    {
        var result = _host.Run("Get-NetNsRoute -Namespace 'mtc-none-*'");

        Assert.Empty(result.Errors);
        Assert.Empty(result.Output);
    }

    [Fact]
    public void AnInvalidNameIsAnInvalidArgument()
    {
        var error = Assert.Single(_host.Run("Get-NetNsLink -Namespace 'bad/name'").Errors);

        Assert.StartsWith("InvalidNetNsName,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
    }

    [Theory]
    [InlineData("New-NetNsAddress", "Address", "IPAddress")]
    [InlineData("New-NetNsAddress", "Interface", "InterfaceAlias")]
    [InlineData("Remove-NetNsAddress", "Address", "IPAddress")]
    [InlineData("New-NetNsRoute", "Destination", "DestinationPrefix")]
    [InlineData("New-NetNsRoute", "Gateway", "NextHop")]
    [InlineData("New-NetNsRoute", "Metric", "RouteMetric")]
    [InlineData("Get-NetNsLink", "Name", "InterfaceAlias")]
    public void NetTcpIpNamesAreAliases(string command, string parameter, string alias)
    {
        var result = _host.Run($"(Get-Command {command}).Parameters['{parameter}'].Aliases");

        Assert.Contains(alias, result.Output.Cast<string>());
    }

    [Fact]
    public void AnAliasBindsLikeTheParameter()
    {
        // -InterfaceAlias reaches the same parameter as -Interface: the namespace check fails, not the binding.
        var result = _host.Run("Get-NetNsAddress -Namespace mtc-none-5 -InterfaceAlias eth0");

        Assert.Equal(new[] { "NetNsNotFound" }, result.ErrorIds);
    }

    [Fact]
    public void AFileThatIsNotACaptureIsCaptureUnreadableAndTheOthersAreStillRead()
    {
        var directory = Directory.CreateTempSubdirectory("mtc-").FullName;
        try
        {
            var garbage = Path.Combine(directory, "garbage.pcap");
            File.WriteAllText(garbage, "not a capture at all");
            var empty = Path.Combine(directory, "empty.pcap");
            File.WriteAllBytes(empty, new byte[] { 0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0 });

            var result = _host.Run($"Watch-QuicProbe -LiteralPath '{garbage}', '{empty}' -Summary");

            var error = Assert.Single(result.Errors);
            Assert.StartsWith("CaptureUnreadable,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void FileObjectsBindToLiteralPathAndANamespaceObjectDoesNotBindToAFile()
    {
        var directory = Directory.CreateTempSubdirectory("mtc-").FullName;
        try
        {
            var garbage = Path.Combine(directory, "x.pcap");
            File.WriteAllText(garbage, "not a capture");

            var fromFile = _host.Run($"Get-Item '{garbage}' | Watch-QuicProbe");
            Assert.Equal(new[] { "CaptureUnreadable" }, fromFile.ErrorIds);

            // A namespace object has a Path (its bind mount): it must pick the live watch, not read that path.
            var fromNamespace = _host.Run("[pscustomobject]@{ Name = 'mtc-none-6'; Namespace = 'mtc-none-6'; Path = '/run/netns/mtc-none-6' } | Watch-QuicProbe -TimeoutSeconds 1");
            Assert.DoesNotContain(fromNamespace.ErrorIds, id => id is "PathNotFound" or "IOFailed" or "CaptureUnreadable" or "CaptureNotFound");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void ShowNetLabDrawsAShippedLabWithoutRoot()
    {
        var text = string.Join("\n", _host.Run("Show-NetLab -Template ping-flow").Output);

        foreach (var node in new[] { "A", "B", "C", "D", "fe00::1" })
        {
            Assert.Contains(node, text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("Test-QuicMigration -Scenario Reb", new[] { "RebindPort", "RebindAddress" })]
    [InlineData("Test-QuicMigration -Server q", new[] { "quic-go" })]
    [InlineData("Test-QuicMigration -Server ngtcp2 -Client n", new[] { "ngtcp2" })]
    [InlineData("Get-QuicImplementation ", new[] { "ngtcp2", "quic-go" })]
    public void QuicImplementationsAndScenariosComplete(string line, string[] expected)
    {
        var result = _host.Run($"$line = '{line}'; (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText");

        Assert.Equal(expected, result.Output.Select(o => o?.ToString()).ToArray());
    }

    [Fact]
    public void LabTemplatesComplete()
    {
        var result = _host.Run("$line = 'New-NetLab -Template quic'; (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText");

        Assert.Equal(new object?[] { "quic-lb", "quic-migration", "quic-nat" }, result.Output.ToArray());
    }

    [Fact]
    public void AnUnknownTemplateIsObjectNotFound()
    {
        var error = Assert.Single(_host.Run("Show-NetLab -Template no-such-lab").Errors);

        Assert.StartsWith("LabTemplateNotFound,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
    }

    [Fact]
    public void EventKindsAreNamesInJson()
    {
        var result = _host.Run("[MigrationTools.Analysis.Quic.QuicProbeEvent]@{ Kind = 'UnansweredChallenge' } | ConvertTo-Json -Compress");

        Assert.Contains("\"KindName\":\"UnansweredChallenge\"", (string)result.Output.Single()!, StringComparison.Ordinal);
    }
}
