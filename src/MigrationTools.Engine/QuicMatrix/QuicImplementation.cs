using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace MigrationTools.Engine.QuicMatrix;

/// <summary>
/// A QUIC implementation as its file describes it: how to start its server and its client, the scenarios it
/// supports, and how to build it when it is built from source. Get-QuicImplementation lists them; Test-QuicMigration
/// takes them (or their names) for -Server and -Client.
/// </summary>
public sealed class QuicImplementation
{
    internal QuicImplementation(string name, string? description, string source, bool interopRunner, int port, IReadOnlyList<QuicScenario> scenarios,
        QuicEndpointSpec server, QuicEndpointSpec client, IReadOnlyList<QuicBuildStep> build, string buildDirectory)
    {
        Name = name;
        Description = description;
        Source = source;
        InteropRunner = interopRunner;
        Port = port;
        ScenarioKinds = scenarios;
        Server = server;
        Client = client;
        Build = build;
        BuildDirectory = buildDirectory;
    }

    /// <summary>The implementation's name (the file's Name).</summary>
    public string Name { get; }

    /// <summary>What the file says about it.</summary>
    public string? Description { get; }

    /// <summary>The file it was read from.</summary>
    public string Source { get; }

    /// <summary>
    /// How its programs are run: <c>Native</c> (as the file's command lines say) or <c>InteropRunner</c> (the
    /// quic-interop-runner contract: ROLE, TESTCASE, SSLKEYLOGFILE, QLOGDIR, REQUESTS, and /www, /downloads, /certs,
    /// /logs bind-mounted per run in a private mount namespace).
    /// </summary>
    public string Layout => InteropRunner ? "InteropRunner" : "Native";

    /// <summary>The UDP port its server listens on.</summary>
    public int Port { get; }

    /// <summary>The names of the scenarios it supports, as server and as client.</summary>
    public IReadOnlyList<string> Scenarios => ScenarioKinds.Select(s => s.ToString()).ToArray();

    internal IReadOnlyList<QuicScenario> ScenarioKinds { get; }

    /// <summary>The program its server runs.</summary>
    public string ServerCommand => Server.Command;

    /// <summary>The program its client runs.</summary>
    public string ClientCommand => Client.Command;

    /// <summary>Where its build steps write (under the module's build cache); empty when it is not built from source.</summary>
    public string BuildDirectory { get; }

    /// <summary>True when it needs no build, or every file its build makes is there.</summary>
    public bool IsBuilt => Build.All(step => File.Exists(Path.Combine(BuildDirectory, step.Creates)));

    internal bool InteropRunner { get; }

    internal QuicEndpointSpec Server { get; }

    internal QuicEndpointSpec Client { get; }

    internal IReadOnlyList<QuicBuildStep> Build { get; }

    /// <summary>True when it supports <paramref name="scenario"/>.</summary>
    internal bool Supports(QuicScenario scenario) => ScenarioKinds.Contains(scenario);

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>How one side of an implementation is started; every string may hold placeholders (<see cref="QuicPlaceholders"/>).</summary>
internal sealed record QuicEndpointSpec(string Command, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment, IReadOnlyList<string> ScenarioArguments);

/// <summary>One build step: a command that makes <see cref="Creates"/> (relative to the build directory); skipped when that file exists.</summary>
internal sealed record QuicBuildStep(string Command, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment, string Creates);
