namespace MigrationTools.Agent.Relay;

/// <summary>Why a packet was not forwarded.</summary>
internal enum IpipDrop
{
    /// <summary>Forwarded.</summary>
    None,
    /// <summary>Too short, wrong version, bad header length or total length.</summary>
    Malformed,
    /// <summary>The outer header's protocol is not 4 (IP-in-IP).</summary>
    NotIpip,
    /// <summary>The outer source is not the tunnel's remote end.</summary>
    WrongSource,
    /// <summary>The inner packet is not IPv4 (RFC 2003 carries IPv4).</summary>
    InnerNotIPv4,
}
