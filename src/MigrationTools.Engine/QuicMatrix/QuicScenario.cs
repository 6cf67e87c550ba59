namespace MigrationTools.Engine.QuicMatrix;

/// <summary>A migration scenario of Test-QuicMigration: a lab, what the network does during the transfer, and a pass rule.</summary>
internal enum QuicScenario
{
    /// <summary>A download with nothing done to it: the baseline every other scenario needs.</summary>
    Transfer,
    /// <summary>The router's NAT moves the client to another source port mid-transfer (a NAT rebinding).</summary>
    RebindPort,
    /// <summary>The router's NAT moves the client to another source address mid-transfer.</summary>
    RebindAddress,
    /// <summary>The client moves to its second path: its own migration flag, or a route change for a client bound to the wildcard address.</summary>
    ClientMigration,
    /// <summary>The origin's topology: the service address behind an IP-in-IP load balancer, the server answering directly from it; the client changes path.</summary>
    DsrLoadBalancer,
    /// <summary>The server offers a preferred address (RFC 9000 section 9.6) and the client moves to it.</summary>
    PreferredAddress,
}
