using System;
using System.Buffers.Binary;

namespace MigrationTools.Engine.Tests;

/// <summary>Netlink messages and attributes laid out byte by byte as netlink(7) describes them, for decoder tests.</summary>
internal static class NetlinkBytes
{
    /// <summary>One attribute: length and type (little endian), the value, padded to 4 bytes.</summary>
    public static byte[] Attribute(ushort type, params byte[] value)
    {
        var length = 4 + value.Length;
        var bytes = new byte[(length + 3) & ~3];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)length);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2), type);
        value.CopyTo(bytes, 4);
        return bytes;
    }

    /// <summary>One message: a 16-byte header (length, type, flags, sequence 7, port 0), then the payload.</summary>
    public static byte[] Message(ushort type, ushort flags, byte[] payload)
    {
        var whole = new byte[16 + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(whole, (uint)whole.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(whole.AsSpan(4), type);
        BinaryPrimitives.WriteUInt16LittleEndian(whole.AsSpan(6), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(whole.AsSpan(8), 7);
        payload.CopyTo(whole, 16);
        return whole;
    }
}
