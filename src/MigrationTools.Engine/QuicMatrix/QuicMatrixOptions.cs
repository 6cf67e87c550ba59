using System;
using System.Collections.Generic;
using MigrationTools.Engine.Labs;
using MigrationTools.Engine.Tunnels;

namespace MigrationTools.Engine.QuicMatrix;

/// <summary>How a matrix runs: where its files go, the transfer, the timing of the trigger, and the labs it builds.</summary>
internal sealed record QuicMatrixOptions
{
    /// <summary>The folder each cell's folder is made in.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>The shipped labs the scenarios use, by name (quic-migration, quic-lb).</summary>
    public required IReadOnlyDictionary<string, LabDefinition> Labs { get; init; }

    /// <summary>The size of the file the client downloads.</summary>
    public long FileSize { get; init; } = 2 * 1024 * 1024;

    /// <summary>The rate of the router's client-facing links, so that the transfer spans the trigger.</summary>
    public int RateMbit { get; init; } = 20;

    /// <summary>When, after the handshake, the network acts (or the client's migration flag fires).</summary>
    public TimeSpan TriggerAfter { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest a transfer may take; a client still running then is stopped and the transfer is incomplete.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Inject the origin's fault into the load-balancer scenario: the server's packets to the new path leave from its real address.</summary>
    public bool ProbeFromRealAddress { get; init; }

    /// <summary>How the load balancer's tunnel is made (null: the lab's own setting).</summary>
    public TunnelMode? TunnelMode { get; init; }

    /// <summary>Prepended to every cell's lab prefix, so that matrices run side by side.</summary>
    public string PrefixStem { get; init; } = "qm";
}

/// <summary>One cell: a server, a client, a scenario.</summary>
internal sealed record QuicCell(QuicImplementation Server, QuicImplementation Client, QuicScenario Scenario, int Index)
{
    /// <summary>The cell's folder name.</summary>
    public string Name(bool fault) => $"{Server.Name}--{Client.Name}--{Scenario}{(fault && Scenario == QuicScenario.DsrLoadBalancer ? "--ProbeFromRealAddress" : string.Empty)}";
}
