using System;

namespace MigrationTools.Analysis.Capture;

/// <summary>A UDP datagram found in a captured frame, with the outer addresses when it came inside IP-in-IP.</summary>
internal readonly ref struct UdpDatagram
{
    internal UdpDatagram(NetEndpoint source, NetEndpoint destination, NetEndpoint? outerSource, NetEndpoint? outerDestination, ReadOnlySpan<byte> payload, int ipLength, bool truncated = false)
    {
        Truncated = truncated;
        Source = source;
        Destination = destination;
        OuterSource = outerSource;
        OuterDestination = outerDestination;
        Payload = payload;
        IpLength = ipLength;
    }

    /// <summary>Source address and port.</summary>
    public NetEndpoint Source { get; }
    /// <summary>Destination address and port.</summary>
    public NetEndpoint Destination { get; }
    /// <summary>The IP-in-IP outer source, if encapsulated.</summary>
    public NetEndpoint? OuterSource { get; }
    /// <summary>The IP-in-IP outer destination, if encapsulated.</summary>
    public NetEndpoint? OuterDestination { get; }
    /// <summary>The UDP payload.</summary>
    public ReadOnlySpan<byte> Payload { get; }
    /// <summary>The (inner) IP packet's length.</summary>
    public int IpLength { get; }
    /// <summary>True when the capture holds less of the datagram than was sent (snap length): <see cref="Payload"/> is its start.</summary>
    public bool Truncated { get; }
}
