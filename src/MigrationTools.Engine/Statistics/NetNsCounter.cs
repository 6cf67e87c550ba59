namespace MigrationTools.Engine.Statistics;

/// <summary>One protocol counter of a namespace (from /proc/net/snmp, snmp6 or netstat).</summary>
public sealed class NetNsCounter
{
    internal NetNsCounter(string @namespace, string name, long value)
    {
        Namespace = @namespace;
        Name = name;
        Value = value;
    }

    /// <summary>The namespace.</summary>
    public string Namespace { get; }
    /// <summary>The counter name as the kernel spells it, prefixed by its group: IcmpInEchos, Icmp6InEchos, UdpInDatagrams, TcpExtListenDrops.</summary>
    public string Name { get; }
    /// <summary>The value.</summary>
    public long Value { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Name}={Value}";
}
