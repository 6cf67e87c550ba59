using System.Buffers.Binary;
using System.Collections.Generic;

namespace MigrationTools.Engine.Tests;

/// <summary>
/// pcap and pcapng files laid out byte by byte as the format documents (draft-ietf-opsawg-pcap, -pcapng) describe
/// them, in either byte order, for tests of the capture reader and of what reads captures.
/// </summary>
internal sealed class CaptureBytes(bool bigEndian = false)
{
    private readonly List<byte> _bytes = new();

    public CaptureBytes U32(uint value)
    {
        var b = new byte[4];
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(b, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        }

        _bytes.AddRange(b);
        return this;
    }

    public CaptureBytes U16(ushort value)
    {
        var b = new byte[2];
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(b, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(b, value);
        }

        _bytes.AddRange(b);
        return this;
    }

    public CaptureBytes Raw(params byte[] data)
    {
        _bytes.AddRange(data);
        return this;
    }

    /// <summary>A pcap file header: magic, version 2.4, zone, sigfigs, snap length, link type.</summary>
    public CaptureBytes PcapHeader(uint magic, uint linkType) => U32(magic).U16(2).U16(4).U32(0).U32(0).U32(65535).U32(linkType);

    /// <summary>A pcap record header and its data.</summary>
    public CaptureBytes Record(uint seconds, uint fraction, byte[] data, uint? captured = null) =>
        U32(seconds).U32(fraction).U32(captured ?? (uint)data.Length).U32((uint)data.Length).Raw(data);

    /// <summary>A pcapng block: type, total length, body padded to 32 bits, total length again.</summary>
    public CaptureBytes Block(uint type, byte[] body, uint? total = null)
    {
        var padded = (body.Length + 3) & ~3;
        var length = total ?? (uint)(12 + padded);
        U32(type).U32(length).Raw(body).Raw(new byte[padded - body.Length]);
        return U32(length);
    }

    /// <summary>A section header block: byte-order magic, version 1.0, section length unknown.</summary>
    public CaptureBytes Section(uint? total = null, uint magic = 0x1a2b3c4d) =>
        Block(0x0a0d0d0a, new CaptureBytes(bigEndian).U32(magic).U16(1).U16(0).U32(0xffffffff).U32(0xffffffff).ToArray(), total);

    /// <summary>An Interface Description Block: link type, reserved, snap length, then the options as given.</summary>
    public CaptureBytes Interface(ushort linkType, params byte[] options) =>
            Block(1, new CaptureBytes(bigEndian).U16(linkType).U16(0).U32(262144).Raw(options).ToArray());

    /// <summary>An Enhanced Packet Block: interface id, timestamp (high, low), captured and original length, data.</summary>
    public CaptureBytes Enhanced(uint interfaceId, ulong ticks, byte[] data, uint? captured = null) =>
            Block(6, new CaptureBytes(bigEndian).U32(interfaceId).U32((uint)(ticks >> 32)).U32((uint)ticks).U32(captured ?? (uint)data.Length).U32((uint)data.Length).Raw(data).ToArray());

    /// <summary>A Simple Packet Block: original length, data.</summary>
    public CaptureBytes Simple(uint original, byte[] data) => Block(3, new CaptureBytes(bigEndian).U32(original).Raw(data).ToArray());

    /// <summary>A Decryption Secrets Block: secrets type, length, data.</summary>
    public CaptureBytes Secrets(uint type, byte[] data, uint? length = null) =>
            Block(10, new CaptureBytes(bigEndian).U32(type).U32(length ?? (uint)data.Length).Raw(data).ToArray());

    public byte[] ToArray() => _bytes.ToArray();
}
