using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace MigrationTools.Analysis.Quic;

/// <summary>A connection ID of up to 20 bytes as a value.</summary>
internal readonly record struct CidKey(UInt128 Head, uint Tail, int Length)
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static CidKey From(ReadOnlySpan<byte> cid)
    {
        Span<byte> padded = stackalloc byte[20]; // zeroed: shorter IDs are padded with zeros
        cid[..Math.Min(cid.Length, 20)].CopyTo(padded);
        return new CidKey(BinaryPrimitives.ReadUInt128BigEndian(padded), BinaryPrimitives.ReadUInt32BigEndian(padded[16..]), Math.Min(cid.Length, 20));
    }

    /// <summary>The key of a connection ID given in hex (as transport parameters are kept).</summary>
    public static CidKey FromHex(string hex) => From(Convert.FromHexString(hex));

    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[20];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, Head);
        BinaryPrimitives.WriteUInt32BigEndian(bytes[16..], Tail);
        return Convert.ToHexString(bytes[..Length]).ToLowerInvariant();
    }
}
