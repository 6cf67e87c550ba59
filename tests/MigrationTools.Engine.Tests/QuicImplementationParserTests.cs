using System;
using System.Collections;
using System.Collections.Generic;
using MigrationTools.Analysis.Quic;
using MigrationTools.Core.Errors;
using MigrationTools.Engine.QuicMatrix;
using Xunit;
using static MigrationTools.Engine.Tests.DataTables;
using Scenario = MigrationTools.Engine.QuicMatrix.QuicScenario;

namespace MigrationTools.Engine.Tests;

/// <summary>Implementation files (as a .psd1 file yields them) read into implementations, every rule that refuses one, and the judgement of a cell.</summary>
public sealed class QuicImplementationParserTests
{
    /// <summary>A file with only the keys the issue names: Name, Server and Client with placeholders.</summary>
    private static Hashtable Minimal() => H(
        ("Name", "mine"),
        ("Server", H(("Command", "my-server"), ("Arguments", A("{ServerAddress}", "{Port}", "{KeyFile}", "{CertificateFile}", "{WwwDirectory}")))),
        ("Client", H(("Command", "my-client"), ("Arguments", A("{Url}", "--out={DownloadDirectory}")), ("Environment", H(("SSLKEYLOGFILE", "{KeyLogFile}"), ("QLOG", "{QlogDirectory}"))))));

    private static QuicImplementation Parse(Hashtable data) => QuicImplementationParser.Parse(data, "x.psd1", "/cache");

    private static string Refused(Hashtable data)
    {
        var error = Assert.Throws<MigrationToolsException>(() => Parse(data));
        Assert.Equal(ErrorIds.QuicImplementationInvalid, error.ErrorId);
        return error.Message;
    }

    [Fact]
    public void AFileWithOnlyNameServerAndClientIsNativeOnPort4433AndSupportsAllButPreferredAddress()
    {
        var implementation = Parse(Minimal());
        Assert.Equal("mine", implementation.Name);
        Assert.Equal("Native", implementation.Layout);
        Assert.Equal(4433, implementation.Port);
        Assert.Equal("my-server", implementation.ServerCommand);
        Assert.Equal(new[] { Scenario.Transfer, Scenario.RebindPort, Scenario.RebindAddress, Scenario.ClientMigration, Scenario.DsrLoadBalancer }, implementation.ScenarioKinds);
        Assert.True(implementation.IsBuilt);
        Assert.Equal(string.Empty, implementation.BuildDirectory);
    }

    [Fact]
    public void PreferredAddressArgumentsAddTheScenarioAndTheInteropLayoutListensOn443()
    {
        var data = Minimal();
        ((Hashtable)data["Server"]!)["PreferredAddressArguments"] = A("--preferred={PreferredAddress}:{Port}");
        Assert.Contains(Scenario.PreferredAddress, Parse(data).ScenarioKinds);

        var interop = Minimal();
        interop["Layout"] = "InteropRunner";
        var parsed = Parse(interop);
        Assert.Equal(443, parsed.Port);
        Assert.Equal("InteropRunner", parsed.Layout);
        Assert.Contains(Scenario.PreferredAddress, parsed.ScenarioKinds);
    }

    [Fact]
    public void BuildStepsGoUnderTheBuildRootByName()
    {
        var data = Minimal();
        data["Build"] = A(H(("Command", "go"), ("Arguments", A("build", "-o", "{BuildDirectory}/server")), ("Creates", "server")));
        var implementation = Parse(data);
        Assert.Equal("/cache/mine", implementation.BuildDirectory);
        Assert.False(implementation.IsBuilt);
    }

    [Theory]
    [InlineData("Colour", "Colour: unknown key")]
    [InlineData("Layout", "Layout: 'Docker' is not a layout: Native or InteropRunner")]
    [InlineData("Port", "Port: 70000 is out of range (1 to 65535)")]
    [InlineData("Scenarios", "Scenarios[1]: 'Teleport' is not a scenario")]
    public void TopLevelKeysAreChecked(string key, string message)
    {
        var data = Minimal();
        data[key] = key switch
        {
            "Layout" => "Docker",
            "Port" => 70000,
            "Scenarios" => A("Transfer", "Teleport"),
            _ => "blue",
        };
        Assert.Contains(message, Refused(data), StringComparison.Ordinal);
    }

    [Fact]
    public void ANameIsNeededAndMustBeAName()
    {
        var data = Minimal();
        data.Remove("Name");
        Assert.Contains("Name: a value is needed", Refused(data), StringComparison.Ordinal);
        data["Name"] = "my server";
        Assert.Contains("'my server' is not a name", Refused(data), StringComparison.Ordinal);
    }

    [Fact]
    public void ServerAndClientAreNeededWithACommand()
    {
        var data = Minimal();
        data.Remove("Client");
        Assert.Contains("Client: the client is needed", Refused(data), StringComparison.Ordinal);
        data = Minimal();
        ((Hashtable)data["Server"]!).Remove("Command");
        Assert.Contains("Server.Command: a value is needed", Refused(data), StringComparison.Ordinal);
    }

    [Fact]
    public void EachSideHasItsOwnScenarioKey()
    {
        var data = Minimal();
        ((Hashtable)data["Server"]!)["MigrationArguments"] = A("--move");
        Assert.Contains("Server.MigrationArguments: unknown key", Refused(data), StringComparison.Ordinal);
        data = Minimal();
        ((Hashtable)data["Client"]!)["PreferredAddressArguments"] = A("--x");
        Assert.Contains("Client.PreferredAddressArguments: unknown key", Refused(data), StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownPlaceholderIsNamedWithItsKeyPath()
    {
        var data = Minimal();
        ((Hashtable)data["Client"]!)["Arguments"] = A("{Url}", "{ServerPort}");
        var message = Refused(data);
        Assert.Contains("Client.Arguments[1]: {ServerPort} is not a placeholder", message, StringComparison.Ordinal);
        Assert.Contains("{Port}", message, StringComparison.Ordinal);
        data = Minimal();
        ((Hashtable)((Hashtable)data["Client"]!)["Environment"]!)["X"] = "{Secret}";
        Assert.Contains("Client.Environment.X: {Secret} is not a placeholder", Refused(data), StringComparison.Ordinal);
    }

    [Fact]
    public void EnvironmentValuesAreStringsOrNumbers()
    {
        var data = Minimal();
        ((Hashtable)((Hashtable)data["Client"]!)["Environment"]!)["X"] = A("a", "b");
        Assert.Contains("Client.Environment.X: expected a string", Refused(data), StringComparison.Ordinal);
        data = Minimal();
        ((Hashtable)((Hashtable)data["Client"]!)["Environment"]!)["N"] = 3;
        Assert.Equal("3", ((IReadOnlyDictionary<string, string>)Parse(data).Client.Environment)["N"]);
    }

    [Theory]
    [InlineData("/usr/bin/server")]
    [InlineData("../server")]
    [InlineData("bin//server")]
    public void ABuildMakesFilesInsideItsDirectoryOnly(string creates)
    {
        var data = Minimal();
        data["Build"] = A(H(("Command", "go"), ("Creates", creates)));
        Assert.Contains($"Build[0].Creates: '{creates}' must be a path inside the build directory", Refused(data), StringComparison.Ordinal);
        data["Build"] = A(H(("Command", "go")));
        Assert.Contains("Build[0].Creates: a value is needed", Refused(data), StringComparison.Ordinal);
    }

    [Fact]
    public void PlaceholdersExpandAndUnknownOnesStay()
    {
        var values = new Dictionary<string, string> { ["Port"] = "443", ["ServerAddress"] = "10.0.0.1" };
        Assert.Equal("https://10.0.0.1:443/{FileName}", QuicPlaceholders.Expand("https://{ServerAddress}:{Port}/{FileName}", values));
        Assert.Null(QuicPlaceholders.Unknown("{Port}{Url}"));
        Assert.Equal("Nope", QuicPlaceholders.Unknown("{Port}{Nope}"));
    }

    private static QuicProbeEvent Event(QuicProbeEventKind kind, string sender, string source, string destination, bool certain = true, string evidence = "") =>
        new() { Kind = kind, Sender = sender, Source = source, Destination = destination, Certain = certain, Evidence = evidence };

    private static (QuicOutcome, string) Judge(Scenario scenario, bool complete, params QuicProbeEvent[] events)
    {
        var implementation = Parse(Minimal());
        var cell = new QuicCell(implementation, implementation, scenario, 0);
        var observed = new QuicCellRun.Observed { Handshake = true, Triggered = true, ClientExit = complete ? 0 : null, TimedOut = !complete };
        return QuicVerdict.Judge(cell, QuicScenarioPlan.For(scenario), observed, complete, complete ? 100 : 40, 100, events);
    }

    [Fact]
    public void ARebindingPassesOnlyWhenTheServerValidatedTheNewAddress()
    {
        var move = Event(QuicProbeEventKind.Migration, "Client", "10.240.0.1:20001", "10.240.0.2:4433");
        var validated = Event(QuicProbeEventKind.PathValidated, "Client", "10.240.0.1:20001", "10.240.0.2:4433");
        Assert.Equal(QuicOutcome.Passed, Judge(Scenario.RebindPort, true, move, validated).Item1);
        var (outcome, reason) = Judge(Scenario.RebindPort, true, move);
        Assert.Equal(QuicOutcome.Failed, outcome);
        Assert.Contains("did not validate the client's new address 10.240.0.1:20001", reason, StringComparison.Ordinal);
        // The client validating the server's address is not the server validating the client's.
        Assert.Equal(QuicOutcome.Failed, Judge(Scenario.RebindPort, true, move, Event(QuicProbeEventKind.PathValidated, "Server", "10.240.0.2:4433", "10.240.0.1:20001")).Item1);
    }

    [Fact]
    public void ACertainVerdictOrAnIncompleteTransferFailsAndUncertainVerdictsDoNot()
    {
        var verdict = Event(QuicProbeEventKind.MigrationNotFollowed, "Server", "10.240.0.2:4433", "10.240.0.1:20000", evidence: "kept sending to the old address.");
        var (outcome, reason) = Judge(Scenario.Transfer, true, verdict);
        Assert.Equal(QuicOutcome.Failed, outcome);
        Assert.StartsWith("Watch-QuicProbe found MigrationNotFollowed (MigrationNotFollowed: kept sending to the old address)", reason, StringComparison.Ordinal);
        Assert.Equal(QuicOutcome.Passed, Judge(Scenario.Transfer, true, Event(QuicProbeEventKind.NoChallengeOnNewPath, "Server", "a", "b", certain: false)).Item1);
        Assert.Equal("The transfer did not complete within the timeout (40 bytes of 100 bytes).", Judge(Scenario.Transfer, false).Item2);
    }

    [Fact]
    public void AClientThatDidNotMoveFailsAndAPreferredAddressNeedsAValidatedPathToIt()
    {
        Assert.Equal("The client did not move: no packet from its new address reached the server.", Judge(Scenario.ClientMigration, true).Item2);
        var implementation = Parse(Minimal());
        var cell = new QuicCell(implementation, implementation, Scenario.DsrLoadBalancer, 0);
        var (outcome, reason) = QuicVerdict.Judge(cell, QuicScenarioPlan.For(Scenario.DsrLoadBalancer), new QuicCellRun.Observed { Handshake = true, Triggered = true, ClientExit = 0 }, true, 100, 100,
            Array.Empty<QuicProbeEvent>(), activeMigrationDisabled: true);
        Assert.Equal(QuicOutcome.Failed, outcome);
        Assert.EndsWith("and the server had sent disable_active_migration, which forbids the client to move (RFC 9000 section 9).", reason, StringComparison.Ordinal);
        Assert.Contains("preferred address 10.240.0.3", Judge(Scenario.PreferredAddress, true).Item2, StringComparison.Ordinal);
        Assert.Equal(QuicOutcome.Passed, Judge(Scenario.PreferredAddress, true, Event(QuicProbeEventKind.PathValidated, "Server", "10.240.0.3:4433", "10.200.0.2:5000")).Item1);
    }

    [Fact]
    public void ExitCode127IsUnsupportedAndALostServerIsAnError()
    {
        var implementation = Parse(Minimal());
        var cell = new QuicCell(implementation, implementation, Scenario.Transfer, 0);
        var plan = QuicScenarioPlan.For(Scenario.Transfer);
        Assert.Equal(QuicOutcome.Unsupported, QuicVerdict.Judge(cell, plan, new QuicCellRun.Observed { ServerExit = 127 }, false, 0, 1, null).Outcome);
        var (outcome, reason) = QuicVerdict.Judge(cell, plan, new QuicCellRun.Observed { ServerExit = 1, ServerError = "bind: address in use" }, false, 0, 1, null);
        Assert.Equal(QuicOutcome.Error, outcome);
        Assert.Contains("before it listened on UDP 4433: bind: address in use", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TheReportIsATablePerScenarioWithLinksRelativeToIt()
    {
        var results = new[]
        {
            new QuicMigrationResult { Server = "a", Client = "b", ScenarioKind = Scenario.RebindPort, OutcomeKind = QuicOutcome.Failed, Reason = "x|y", Verdicts = new[] { "MigrationNotFollowed" }, TimelinePath = "/r/cells/a--b--RebindPort/timeline.svg" },
            new QuicMigrationResult { Server = "a", Client = "a", ScenarioKind = Scenario.RebindPort, OutcomeKind = QuicOutcome.Passed, Reason = "ok" },
        };
        var markdown = QuicMatrixReport.Render("/r/report.md", results, new[] { "a" }, new[] { "a", "b" });
        Assert.Contains("## RebindPort\n\n| server \\ client | a | b |\n|---|---|---|\n| a | **Passed** | **Failed** MigrationNotFollowed ([timeline](cells/a--b--RebindPort/timeline.svg)) |", markdown, StringComparison.Ordinal);
        Assert.Contains("1 Passed, 1 Failed.", markdown, StringComparison.Ordinal);
        Assert.Contains("x\\|y", markdown, StringComparison.Ordinal);
        var html = QuicMatrixReport.Render("/r/report.html", results, new[] { "a" }, new[] { "a", "b" });
        Assert.Contains("<td class=\"Failed\" title=\"x|y\"><b>Failed</b><br>MigrationNotFollowed<br><a href=\"cells/a--b--RebindPort/timeline.svg\">timeline</a>", html, StringComparison.Ordinal);
        Assert.Equal(ErrorIds.OutFileInvalid, Assert.Throws<MigrationToolsException>(() => QuicMatrixReport.Render("/r/report.txt", results, new[] { "a" }, new[] { "a" })).ErrorId);
    }
}
