namespace MigrationTools.Engine.Links;

/// <summary>A veth pair joining two namespaces (or two interfaces of one).</summary>
public sealed class VethPair
{
    internal VethPair(string @namespace, string @interface, string peerNamespace, string peerInterface)
    {
        Namespace = @namespace;
        Interface = @interface;
        PeerNamespace = peerNamespace;
        PeerInterface = peerInterface;
    }

    /// <summary>The namespace of the first end.</summary>
    public string Namespace { get; }
    /// <summary>The interface name of the first end.</summary>
    public string Interface { get; }
    /// <summary>The namespace of the second end.</summary>
    public string PeerNamespace { get; }
    /// <summary>The interface name of the second end.</summary>
    public string PeerInterface { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Namespace}/{Interface} <-> {PeerNamespace}/{PeerInterface}";
}
