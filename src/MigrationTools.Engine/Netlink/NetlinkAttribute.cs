using System;
using System.Buffers.Binary;
using System.Text;

namespace MigrationTools.Engine.Netlink;

/// <summary>One attribute: its type (flags removed), its payload and its whole encoding. Short values read as 0.</summary>
internal readonly ref struct NetlinkAttribute
{
    internal NetlinkAttribute(ReadOnlySpan<byte> whole)
    {
        Whole = whole;
    }

    internal ReadOnlySpan<byte> Whole { get; }
    internal ushort Type => (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(Whole[2..]) & Nl.NLA_TYPE_MASK);
    internal ReadOnlySpan<byte> Value => Whole[4..];
    internal NetlinkAttributeReader Nested => new(Value);
    internal byte U8 => Value.Length >= 1 ? Value[0] : (byte)0;
    internal ushort Be16 => Value.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(Value) : (ushort)0;
    internal uint Be32 => Value.Length >= 4 ? BinaryPrimitives.ReadUInt32BigEndian(Value) : 0;
    /// <summary>A host-order (little-endian here) 32-bit value, as rtnetlink sends most numbers.</summary>
    internal uint U32 => Value.Length >= 4 ? BinaryPrimitives.ReadUInt32LittleEndian(Value) : 0;
    internal int S32 => Value.Length >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(Value) : 0;

    /// <summary>A NUL-terminated string (without the NUL).</summary>
    internal string String
    {
        get
        {
            var value = Value;
            var end = value.IndexOf((byte)0);
            return Encoding.UTF8.GetString(end < 0 ? value : value[..end]);
        }
    }
}
