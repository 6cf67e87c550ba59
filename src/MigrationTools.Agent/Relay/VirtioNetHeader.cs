using System;
using System.Buffers.Binary;

namespace MigrationTools.Agent.Relay;

/// <summary>
/// The virtio-net header a TUN device opened with IFF_VNET_HDR puts before every packet (struct virtio_net_hdr,
/// 10 bytes, little-endian as the TUN device uses it on this platform): whether the checksum is left to finish,
/// and for a GSO super-packet its type and segment size.
/// </summary>
internal readonly record struct VirtioNetHeader(byte Flags, byte GsoType, ushort HeaderLength, ushort GsoSize, ushort ChecksumStart, ushort ChecksumOffset)
{
    /// <summary>The header's size.</summary>
    public const int Size = 10;
    /// <summary>VIRTIO_NET_HDR_F_NEEDS_CSUM: the checksum at ChecksumStart + ChecksumOffset holds only the pseudo-header sum.</summary>
    public const byte NeedsChecksum = 1;
    /// <summary>VIRTIO_NET_HDR_GSO_NONE.</summary>
    public const byte GsoNone = 0;
    /// <summary>VIRTIO_NET_HDR_GSO_TCPV4.</summary>
    public const byte GsoTcpV4 = 1;
    /// <summary>VIRTIO_NET_HDR_GSO_TCPV6.</summary>
    public const byte GsoTcpV6 = 4;
    /// <summary>VIRTIO_NET_HDR_GSO_UDP_L4 (USO).</summary>
    public const byte GsoUdpL4 = 5;
    /// <summary>VIRTIO_NET_HDR_GSO_ECN, or'ed into the type.</summary>
    public const byte GsoEcn = 0x80;

    /// <summary>Reads a header.</summary>
    public static VirtioNetHeader Read(ReadOnlySpan<byte> data) => new(
        data[0], data[1], BinaryPrimitives.ReadUInt16LittleEndian(data[2..]), BinaryPrimitives.ReadUInt16LittleEndian(data[4..]),
        BinaryPrimitives.ReadUInt16LittleEndian(data[6..]), BinaryPrimitives.ReadUInt16LittleEndian(data[8..]));

    /// <summary>Writes the header.</summary>
    public void Write(Span<byte> data)
    {
        data[0] = Flags;
        data[1] = GsoType;
        BinaryPrimitives.WriteUInt16LittleEndian(data[2..], HeaderLength);
        BinaryPrimitives.WriteUInt16LittleEndian(data[4..], GsoSize);
        BinaryPrimitives.WriteUInt16LittleEndian(data[6..], ChecksumStart);
        BinaryPrimitives.WriteUInt16LittleEndian(data[8..], ChecksumOffset);
    }
}
