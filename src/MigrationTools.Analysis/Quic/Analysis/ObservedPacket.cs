using System;
using MigrationTools.Analysis.Capture;

namespace MigrationTools.Analysis.Quic;

/// <summary>One QUIC packet of a followed connection, as the analyzer saw it, for the outputs that record packets.</summary>
internal readonly ref struct ObservedPacket
{
    /// <summary>Capture time, microseconds since the epoch.</summary>
    public long Micros { get; init; }
    /// <summary>The connection.</summary>
    public QuicConnection Connection { get; init; }
    /// <summary>Who sent it.</summary>
    public Side Sender { get; init; }
    /// <summary>The UDP source the packet came from (the path it used).</summary>
    public NetEndpoint Source { get; init; }
    /// <summary>The UDP destination.</summary>
    public NetEndpoint Destination { get; init; }
    /// <summary>The packet type.</summary>
    public QuicPacketType Type { get; init; }
    /// <summary>The packet number, when the packet was decrypted.</summary>
    public ulong? PacketNumber { get; init; }
    /// <summary>The Destination Connection ID.</summary>
    public ReadOnlySpan<byte> Dcid { get; init; }
    /// <summary>The packet's length on the wire.</summary>
    public int PacketLength { get; init; }
    /// <summary>The UDP payload length of the datagram that carried it.</summary>
    public int DatagramLength { get; init; }
    /// <summary>The decrypted frames (empty when the packet could not be or was not decrypted).</summary>
    public ReadOnlySpan<byte> Frames { get; init; }
    /// <summary>True when <see cref="Frames"/> holds the packet's decrypted payload.</summary>
    public bool Decrypted { get; init; }
    /// <summary>The data of the packet's PATH_CHALLENGE, if it carried one.</summary>
    public ulong? Challenge { get; init; }
    /// <summary>The data of the packet's PATH_RESPONSE, if it carried one.</summary>
    public ulong? Response { get; init; }
}
