using System;
using System.Buffers.Binary;

namespace MigrationTools.Analysis.Quic;

/// <summary>The ChaCha20 block function (RFC 8439), for header protection only: .NET has no raw ChaCha20.</summary>
internal static class ChaCha20Block
{
    /// <summary>mask = ChaCha20(key, counter = sample[0..4] little-endian, nonce = sample[4..16]) over five zero bytes.</summary>
    public static void Mask(ReadOnlySpan<byte> key, ReadOnlySpan<byte> sample, Span<byte> mask)
    {
        Span<uint> state = stackalloc uint[16];
        state[0] = 0x61707865;
        state[1] = 0x3320646e;
        state[2] = 0x79622d32;
        state[3] = 0x6b206574;
        for (var i = 0; i < 8; i++)
        {
            state[4 + i] = BinaryPrimitives.ReadUInt32LittleEndian(key[(i * 4)..]);
        }

        for (var i = 0; i < 4; i++)
        {
            state[12 + i] = BinaryPrimitives.ReadUInt32LittleEndian(sample[(i * 4)..]);
        }

        Span<uint> working = stackalloc uint[16];
        state.CopyTo(working);
        for (var round = 0; round < 10; round++)
        {
            Quarter(working, 0, 4, 8, 12);
            Quarter(working, 1, 5, 9, 13);
            Quarter(working, 2, 6, 10, 14);
            Quarter(working, 3, 7, 11, 15);
            Quarter(working, 0, 5, 10, 15);
            Quarter(working, 1, 6, 11, 12);
            Quarter(working, 2, 7, 8, 13);
            Quarter(working, 3, 4, 9, 14);
        }

        Span<byte> block = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(block, working[0] + state[0]);
        BinaryPrimitives.WriteUInt32LittleEndian(block[4..], working[1] + state[1]);
        block[..5].CopyTo(mask);
    }

    private static void Quarter(Span<uint> x, int a, int b, int c, int d)
    {
        x[a] += x[b]; x[d] = uint.RotateLeft(x[d] ^ x[a], 16);
        x[c] += x[d]; x[b] = uint.RotateLeft(x[b] ^ x[c], 12);
        x[a] += x[b]; x[d] = uint.RotateLeft(x[d] ^ x[a], 8);
        x[c] += x[d]; x[b] = uint.RotateLeft(x[b] ^ x[c], 7);
    }
}
