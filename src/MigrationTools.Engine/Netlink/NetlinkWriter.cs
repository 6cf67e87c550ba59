using System;
using System.Buffers.Binary;
using System.Text;

namespace MigrationTools.Engine.Netlink;

/// <summary>
/// Builds netlink messages into a caller-owned buffer: the netlink header, a family header (nfgenmsg, ifinfomsg,
/// ifaddrmsg, rtmsg) written as bytes, and attributes; nested ones are closed by <see cref="EndNested"/>, which fills
/// in their length. No allocation; a buffer too small is a programming error.
/// </summary>
internal ref struct NetlinkWriter
{
    private readonly Span<byte> _buffer;
    private int _messageStart;

    internal NetlinkWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        Length = 0;
        _messageStart = -1;
    }

    /// <summary>Bytes written so far.</summary>
    internal int Length { get; private set; }

    /// <summary>The bytes written so far.</summary>
    internal readonly ReadOnlySpan<byte> Written => _buffer[..Length];

    /// <summary>Starts a message with its netlink header (length filled in by <see cref="EndMessage"/>).</summary>
    internal void BeginMessage(ushort type, ushort flags, uint sequence)
    {
        _messageStart = Length;
        var header = Reserve(Nl.HeaderLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], type);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], flags);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], 0);
    }

    /// <summary>Starts a netfilter message: the netlink header and the nfgenmsg header.</summary>
    internal void BeginNfMessage(ushort type, ushort flags, uint sequence, byte family, ushort resourceId = 0)
    {
        BeginMessage(type, flags, sequence);
        var nfgen = Reserve(Nfnl.GenHeaderLength);
        nfgen[0] = family;
        nfgen[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(nfgen[2..], resourceId);
    }

    /// <summary>Reserves a zeroed family header of <paramref name="length"/> bytes to fill in.</summary>
    internal Span<byte> ReserveHeader(int length)
    {
        var span = Reserve(length);
        span.Clear();
        Pad();
        return span;
    }

    /// <summary>Closes the current message, writing its length.</summary>
    internal void EndMessage()
    {
        if (_messageStart < 0)
        {
            throw new InvalidOperationException("No netlink message is open.");
        }

        BinaryPrimitives.WriteUInt32LittleEndian(_buffer[_messageStart..], (uint)(Length - _messageStart));
        _messageStart = -1;
    }

    /// <summary>
    /// Starts a nested attribute; returns the offset to pass to <see cref="EndNested"/>. rtnetlink tools leave
    /// NLA_F_NESTED off (<paramref name="flagged"/> false), nf_tables sets it.
    /// </summary>
    internal int BeginNested(ushort type, bool flagged = true)
    {
        var start = Length;
        var header = Reserve(4);
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], flagged ? (ushort)(type | Nl.NLA_F_NESTED) : type);
        return start;
    }

    /// <summary>Closes a nested attribute.</summary>
    internal readonly void EndNested(int start) =>
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer[start..], (ushort)(Length - start));

    internal void PutBytes(ushort type, scoped ReadOnlySpan<byte> value)
    {
        var header = Reserve(4);
        BinaryPrimitives.WriteUInt16LittleEndian(header, (ushort)(4 + value.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], type);
        value.CopyTo(Reserve(value.Length));
        Pad();
    }

    internal void PutU8(ushort type, byte value) => PutBytes(type, stackalloc byte[] { value });

    internal void PutBe16(ushort type, ushort value)
    {
        Span<byte> bytes = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        PutBytes(type, bytes);
    }

    internal void PutBe32(ushort type, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        PutBytes(type, bytes);
    }

    /// <summary>A host-order (little-endian here) 32-bit attribute, as rtnetlink takes numbers.</summary>
    internal void PutU32(ushort type, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        PutBytes(type, bytes);
    }

    /// <summary>A NUL-terminated string attribute.</summary>
    internal void PutString(ushort type, string value)
    {
        Span<byte> bytes = stackalloc byte[Encoding.UTF8.GetByteCount(value) + 1];
        Encoding.UTF8.GetBytes(value, bytes);
        bytes[^1] = 0;
        PutBytes(type, bytes);
    }

    /// <summary>A string attribute without the NUL, as iproute2 writes IFLA_INFO_KIND (the kernel compares it by length).</summary>
    internal void PutText(ushort type, string value)
    {
        Span<byte> bytes = stackalloc byte[Encoding.UTF8.GetByteCount(value)];
        Encoding.UTF8.GetBytes(value, bytes);
        PutBytes(type, bytes);
    }

    /// <summary>Copies already-encoded bytes (e.g. an attribute taken from a kernel message) as they are.</summary>
    internal void PutRaw(scoped ReadOnlySpan<byte> encoded)
    {
        encoded.CopyTo(Reserve(encoded.Length));
        Pad();
    }

    private void Pad()
    {
        var aligned = (Length + 3) & ~3;
        if (aligned != Length)
        {
            Reserve(aligned - Length).Clear();
        }
    }

    private Span<byte> Reserve(int count)
    {
        if (Length + count > _buffer.Length)
        {
            throw new InvalidOperationException("Netlink message buffer is too small.");
        }

        var span = _buffer.Slice(Length, count);
        Length += count;
        return span;
    }
}
