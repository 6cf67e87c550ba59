using System.Net;

namespace MigrationTools.Engine.Addressing;

/// <summary>An address assigned to an interface inside a namespace.</summary>
public sealed class NetAddress
{
    internal NetAddress(string @namespace, string @interface, IpPrefix prefix, string scope)
    {
        Namespace = @namespace;
        Interface = @interface;
        Prefix = prefix;
        Scope = scope;
    }

    /// <summary>The namespace.</summary>
    public string Namespace { get; }
    /// <summary>The interface the address is on.</summary>
    public string Interface { get; }
    /// <summary>The address and its prefix length.</summary>
    public IpPrefix Prefix { get; }
    /// <summary>The address alone.</summary>
    public IPAddress Address => Prefix.Address;
    /// <summary>The prefix length.</summary>
    public int PrefixLength => Prefix.PrefixLength;
    /// <summary>IPv4 or IPv6.</summary>
    public IpFamily AddressFamily => Prefix.Family;
    /// <summary>The scope: global, link, host.</summary>
    public string Scope { get; }

    /// <inheritdoc />
    public override string ToString() => Prefix.ToString();
}
