namespace MigrationTools.Engine.QuicMatrix;

/// <summary>
/// Where a scenario runs: its lab (shipped lab files: quic-migration, or quic-lb for the load balancer), the nodes
/// and addresses the cell needs, and where the router captures what the server sees.
/// </summary>
internal sealed record QuicScenarioPlan(string Lab, string ClientNode, string RouterNode, string ServerNode, string ServerAddress,
    string ServerRoute, string NewPathGateway, string? CaptureInterface, string? PreferredAddress)
{
    /// <summary>The lab of the load-balancer scenario.</summary>
    public const string LoadBalancerLab = "quic-lb";

    /// <summary>The lab of every other scenario.</summary>
    public const string MigrationLab = "quic-migration";

    /// <summary>The router's client-facing interfaces (shaped, so that the transfer spans the scenario's trigger).</summary>
    public static readonly string[] ClientFacing = { "eth0", "eth1" };

    /// <summary>The client's address on its second path.</summary>
    public const string NewClientAddress = "10.210.0.2";

    /// <summary>The server's real address in the load-balancer lab (the injected fault sends from it).</summary>
    public const string RealServerAddress = "10.220.0.2";

    /// <summary>The plan of <paramref name="scenario"/>.</summary>
    public static QuicScenarioPlan For(QuicScenario scenario) => scenario == QuicScenario.DsrLoadBalancer
        // router1 sees both client paths and the tunnel: its capture on every interface holds the whole connection.
        ? new(LoadBalancerLab, "client", "router1", "server", "10.250.1.1", "10.250.1.1/32", "10.210.0.254", null, null)
        // The router's server-facing interface sees what the server sees, after the NAT.
        : new(MigrationLab, "client", "router", "server", "10.240.0.2", "10.240.0.0/24", "10.210.0.254", "eth2",
            scenario == QuicScenario.PreferredAddress ? "10.240.0.3" : null);
}
