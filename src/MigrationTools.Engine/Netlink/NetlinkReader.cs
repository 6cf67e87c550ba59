using System;
using System.Buffers.Binary;

namespace MigrationTools.Engine.Netlink;

/// <summary>One netlink message inside a received buffer.</summary>
internal readonly ref struct NetlinkMessage
{
    internal NetlinkMessage(ReadOnlySpan<byte> whole)
    {
        Whole = whole;
    }

    /// <summary>The whole message, header included.</summary>
    internal ReadOnlySpan<byte> Whole { get; }
    internal ushort Type => BinaryPrimitives.ReadUInt16LittleEndian(Whole[4..]);
    internal ushort Flags => BinaryPrimitives.ReadUInt16LittleEndian(Whole[6..]);
    internal uint Sequence => BinaryPrimitives.ReadUInt32LittleEndian(Whole[8..]);
    /// <summary>Everything after the netlink header.</summary>
    internal ReadOnlySpan<byte> Payload => Whole[Nl.HeaderLength..];
    /// <summary>For NLMSG_ERROR: the negative errno, or 0 for an acknowledgement.</summary>
    internal int Error => BinaryPrimitives.ReadInt32LittleEndian(Payload);
    /// <summary>The nfgenmsg family byte.</summary>
    internal byte NfFamily => Payload[0];
    /// <summary>Attributes after the nfgenmsg header.</summary>
    internal AttributeReader Attributes => new(Payload[Nl.NfGenLength..]);
}

/// <summary>Iterates the messages of a received buffer; stops at a truncated message instead of overrunning.</summary>
internal ref struct MessageReader
{
    private ReadOnlySpan<byte> _rest;

    internal MessageReader(ReadOnlySpan<byte> buffer)
    {
        _rest = buffer;
        Current = default;
    }

    public NetlinkMessage Current { get; private set; }

    public readonly MessageReader GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_rest.Length < Nl.HeaderLength)
        {
            return false;
        }

        var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(_rest);
        if (length < Nl.HeaderLength || length > _rest.Length)
        {
            _rest = default;
            return false;
        }

        Current = new NetlinkMessage(_rest[..length]);
        var aligned = Math.Min((length + 3) & ~3, _rest.Length);
        _rest = _rest[aligned..];
        return true;
    }
}

/// <summary>One attribute: its type (flags removed), whether it is nested, its payload and its whole encoding.</summary>
internal readonly ref struct NetlinkAttribute
{
    internal NetlinkAttribute(ReadOnlySpan<byte> whole)
    {
        Whole = whole;
    }

    internal ReadOnlySpan<byte> Whole { get; }
    internal ushort Type => (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(Whole[2..]) & Nl.AttrTypeMask);
    internal ReadOnlySpan<byte> Value => Whole[4..];
    internal AttributeReader Nested => new(Value);
    internal byte U8 => Value.Length >= 1 ? Value[0] : (byte)0;
    internal ushort Be16 => Value.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(Value) : (ushort)0;
    internal uint Be32 => Value.Length >= 4 ? BinaryPrimitives.ReadUInt32BigEndian(Value) : 0;
}

/// <summary>Iterates attributes; malformed lengths end the iteration rather than throwing.</summary>
internal ref struct AttributeReader
{
    private ReadOnlySpan<byte> _rest;

    internal AttributeReader(ReadOnlySpan<byte> buffer)
    {
        _rest = buffer;
        Current = default;
    }

    public NetlinkAttribute Current { get; private set; }

    public readonly AttributeReader GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_rest.Length < 4)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt16LittleEndian(_rest);
        if (length < 4 || length > _rest.Length)
        {
            _rest = default;
            return false;
        }

        Current = new NetlinkAttribute(_rest[..length]);
        var aligned = Math.Min((length + 3) & ~3, _rest.Length);
        _rest = _rest[aligned..];
        return true;
    }
}
