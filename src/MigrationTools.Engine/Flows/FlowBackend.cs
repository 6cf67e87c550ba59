namespace MigrationTools.Engine.Flows;

/// <summary>Where a namespace's flow mappings live in the kernel.</summary>
public enum FlowBackend
{
    /// <summary>An nftables table <c>inet migrationtools</c> with one map per family; switched over netlink.</summary>
    Nftables,
    /// <summary>DNAT rules in an iptables/ip6tables chain <c>MIGRATIONTOOLS</c> of the nat table (the origin's way).</summary>
    Iptables,
}
