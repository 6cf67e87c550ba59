namespace MigrationTools.Engine.Labs;

/// <summary>
/// One way a live lab differs from its definition (Get-NetLab -Detailed), or one repair Repair-NetLab made: what
/// kind of thing, where, what the definition says and what the kernel has.
/// </summary>
public sealed class LabDifference
{
    internal LabDifference(string lab, string node, string @namespace, string kind, string item, string expected, string actual)
    {
        Lab = lab;
        Node = node;
        Namespace = @namespace;
        Kind = kind;
        Item = item;
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The lab.</summary>
    public string Lab { get; }

    /// <summary>The lab node.</summary>
    public string Node { get; }

    /// <summary>The node's namespace.</summary>
    public string Namespace { get; }

    /// <summary>What differs: Namespace, Link, LinkState, Mtu, Address, Route, Sysctl, Nftables, Tunnel, FlowMapping or Qdisc.</summary>
    public string Kind { get; }

    /// <summary>Which one (an interface, an address, a route, a sysctl key, a table, a virtual address).</summary>
    public string Item { get; }

    /// <summary>What the lab's definition says.</summary>
    public string Expected { get; }

    /// <summary>What the kernel has.</summary>
    public string Actual { get; }

    /// <summary>What Repair-NetLab did about it (empty in Get-NetLab's answer).</summary>
    public string? Action { get; internal set; }

    /// <inheritdoc />
    public override string ToString() => $"{Node} {Kind} {Item}: expected {Expected}, found {Actual}";
}
