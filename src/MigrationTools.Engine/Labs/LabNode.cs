using System.Collections.Generic;

namespace MigrationTools.Engine.Labs;

/// <summary>One node of a lab: a namespace with its routes, forwarding, sysctls and nftables ruleset.</summary>
/// <param name="Name">The node's name in the lab.</param>
/// <param name="Forwarding">Turn on IP forwarding (both families).</param>
/// <param name="Sysctls">net.* sysctls to set, by key.</param>
/// <param name="Routes">Routes of its main table.</param>
/// <param name="Nftables">An nftables ruleset loaded in the node (nft -f), for NAT and filters the schema has no keys for.</param>
internal sealed record LabNode(string Name, bool Forwarding, IReadOnlyDictionary<string, string> Sysctls, IReadOnlyList<LabRoute> Routes, string? Nftables)
{
    /// <summary>The host (of the lab's Hosts) the node is on; null: the machine that builds the lab.</summary>
    public string? Host { get; init; }
}
