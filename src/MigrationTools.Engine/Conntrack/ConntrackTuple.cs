using System.Net;

namespace MigrationTools.Engine.Conntrack;

/// <summary>One direction of a tracked connection.</summary>
public sealed class ConntrackTuple
{
    internal ConntrackTuple(IPAddress source, IPAddress destination, ushort? sourcePort, ushort? destinationPort, ushort? icmpId, byte? icmpType, byte? icmpCode)
    {
        Source = source;
        Destination = destination;
        SourcePort = sourcePort;
        DestinationPort = destinationPort;
        IcmpId = icmpId;
        IcmpType = icmpType;
        IcmpCode = icmpCode;
    }

    /// <summary>Source address.</summary>
    public IPAddress Source { get; }
    /// <summary>Destination address.</summary>
    public IPAddress Destination { get; }
    /// <summary>Source port (TCP, UDP, SCTP).</summary>
    public ushort? SourcePort { get; }
    /// <summary>Destination port (TCP, UDP, SCTP).</summary>
    public ushort? DestinationPort { get; }
    /// <summary>ICMP echo identifier.</summary>
    public ushort? IcmpId { get; }
    /// <summary>ICMP type.</summary>
    public byte? IcmpType { get; }
    /// <summary>ICMP code.</summary>
    public byte? IcmpCode { get; }

    /// <inheritdoc />
    public override string ToString()
    {
        static string Endpoint(IPAddress address, ushort? port) =>
            port is null ? address.ToString() : address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";
        var suffix = IcmpId is null ? string.Empty : $" id={IcmpId}";
        return $"{Endpoint(Source, SourcePort)} > {Endpoint(Destination, DestinationPort)}{suffix}";
    }
}
