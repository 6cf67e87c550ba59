using System;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace MigrationTools.Agent.Relay;

/// <summary>The Internet checksum (RFC 1071) and the TCP/UDP pseudo-header sums (RFC 9293, RFC 8200 section 8.1).</summary>
internal static class InternetChecksum
{
    /// <summary>Adds the 16-bit big-endian words of <paramref name="data"/> (an odd last byte padded with zero) to <paramref name="sum"/>, unfolded.</summary>
    public static ulong Add(ReadOnlySpan<byte> data, ulong sum = 0)
    {
        // Whole 32-bit words at a time into a 64-bit accumulator: the one's complement sum does not depend on word
        // size once folded, and big-endian order is kept by summing the words as they are and swapping once.
        ulong native = 0;
        var words = MemoryMarshal.Cast<byte, uint>(data[..(data.Length & ~3)]);
        foreach (var word in words)
        {
            native += word;
        }

        var folded = FoldTo16(native);
        sum += BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(folded) : folded;
        var rest = data[(data.Length & ~3)..];
        for (var i = 0; i + 1 < rest.Length; i += 2)
        {
            sum += (ulong)((rest[i] << 8) | rest[i + 1]);
        }

        if ((rest.Length & 1) != 0)
        {
            sum += (ulong)(rest[^1] << 8);
        }

        return sum;
    }

    /// <summary>Folds a sum to 16 bits (end-around carry), not complemented.</summary>
    public static ushort Fold(ulong sum)
    {
        while ((sum >> 16) != 0)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        return (ushort)sum;
    }

    /// <summary>The checksum to store: the complement of the folded sum.</summary>
    public static ushort Finish(ulong sum) => (ushort)~Fold(sum);

    /// <summary>The pseudo-header sum of a TCP or UDP segment over IPv4 (source, destination, protocol, length).</summary>
    public static ulong PseudoHeaderV4(ReadOnlySpan<byte> ipHeader, byte protocol, int length) =>
        Add(ipHeader.Slice(12, 8)) + protocol + (ulong)length;

    /// <summary>The pseudo-header sum of a TCP or UDP segment over IPv6.</summary>
    public static ulong PseudoHeaderV6(ReadOnlySpan<byte> ipHeader, byte protocol, int length) =>
        Add(ipHeader.Slice(8, 32)) + protocol + (ulong)length;

    private static ushort FoldTo16(ulong sum)
    {
        // The 64-bit native sum of 32-bit little-endian words; fold to 16 bits in native order.
        sum = (sum & 0xffffffff) + (sum >> 32);
        sum = (sum & 0xffffffff) + (sum >> 32);
        var s32 = (uint)sum;
        var s16 = (s32 & 0xffff) + (s32 >> 16);
        s16 = (s16 & 0xffff) + (s16 >> 16);
        return (ushort)s16;
    }
}
