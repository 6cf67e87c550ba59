using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace MigrationTools.Analysis.Capture;

/// <summary>
/// Writes a pcapng capture (little-endian, one section): an Interface Description Block per link type on first use
/// (microsecond timestamps), an Enhanced Packet Block per frame, and Decryption Secrets Blocks with a TLS key log,
/// as Wireshark and <c>editcap --inject-secrets</c> write them, so the capture opens decrypted.
/// </summary>
internal sealed class PcapngWriter : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly Dictionary<int, uint> _interfaces = new();
    private byte[] _block = new byte[64 * 1024];

    /// <summary>Starts a capture on <paramref name="stream"/> with its section header.</summary>
    public PcapngWriter(Stream stream, bool ownsStream = true)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        Span<byte> body = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(body, PcapngBlock.ByteOrderMagic);
        BinaryPrimitives.WriteUInt16LittleEndian(body[4..], 1);
        BinaryPrimitives.WriteUInt16LittleEndian(body[6..], 0);
        BinaryPrimitives.WriteInt64LittleEndian(body[8..], -1);
        WriteBlock(PcapngBlock.SectionHeader, body, ReadOnlySpan<byte>.Empty);
    }

    /// <summary>Frames written.</summary>
    public long Packets { get; private set; }

    /// <summary>Writes a Decryption Secrets Block holding <paramref name="keyLog"/> (NSS key log lines).</summary>
    public void WriteSecrets(string keyLog)
    {
        var data = Encoding.UTF8.GetBytes(keyLog);
        Span<byte> head = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(head, PcapngBlock.SecretsTlsKeyLog);
        BinaryPrimitives.WriteUInt32LittleEndian(head[4..], (uint)data.Length);
        WriteBlock(PcapngBlock.DecryptionSecrets, head, data);
    }

    /// <summary>Writes one frame of link type <paramref name="linkType"/> captured at <paramref name="microseconds"/>.</summary>
    public void WritePacket(long microseconds, int linkType, ReadOnlySpan<byte> data)
    {
        if (!_interfaces.TryGetValue(linkType, out var id))
        {
            id = (uint)_interfaces.Count;
            _interfaces[linkType] = id;
            Span<byte> description = stackalloc byte[8];
            BinaryPrimitives.WriteUInt16LittleEndian(description, (ushort)linkType);
            BinaryPrimitives.WriteUInt16LittleEndian(description[2..], 0);
            BinaryPrimitives.WriteUInt32LittleEndian(description[4..], 262144);
            WriteBlock(PcapngBlock.InterfaceDescription, description, ReadOnlySpan<byte>.Empty);
        }

        Span<byte> head = stackalloc byte[20];
        var ticks = (ulong)Math.Max(0, microseconds);
        BinaryPrimitives.WriteUInt32LittleEndian(head, id);
        BinaryPrimitives.WriteUInt32LittleEndian(head[4..], (uint)(ticks >> 32));
        BinaryPrimitives.WriteUInt32LittleEndian(head[8..], (uint)ticks);
        BinaryPrimitives.WriteUInt32LittleEndian(head[12..], (uint)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(head[16..], (uint)data.Length);
        WriteBlock(PcapngBlock.EnhancedPacket, head, data);
        Packets++;
    }

    /// <summary>Pushes what was written to the stream.</summary>
    public void Flush() => _stream.Flush();

    private void WriteBlock(uint type, ReadOnlySpan<byte> head, ReadOnlySpan<byte> data)
    {
        var padded = (head.Length + data.Length + 3) & ~3;
        var total = PcapngBlock.BlockOverhead + padded;
        if (_block.Length < total)
        {
            _block = new byte[Math.Max(total, _block.Length * 2)];
        }

        var block = _block.AsSpan(0, total);
        block.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(block, type);
        BinaryPrimitives.WriteUInt32LittleEndian(block[4..], (uint)total);
        head.CopyTo(block[8..]);
        data.CopyTo(block[(8 + head.Length)..]);
        BinaryPrimitives.WriteUInt32LittleEndian(block[^4..], (uint)total);
        _stream.Write(block);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stream.Flush();
        if (_ownsStream)
        {
            _stream.Dispose();
        }
    }
}
