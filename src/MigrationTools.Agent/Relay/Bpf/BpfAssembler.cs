using System;
using System.Collections.Generic;

namespace MigrationTools.Agent.Relay.Bpf;

/// <summary>
/// Writes eBPF instructions (struct bpf_insn, 8 bytes each) with named jump targets, so the relay's small programs
/// read as assembly and their jump offsets are counted by the assembler rather than by hand.
/// </summary>
internal sealed class BpfAssembler
{
    /// <summary>Registers: R0 result, R1-R5 arguments (clobbered by calls), R6-R9 kept across calls, R10 the frame.</summary>
    internal const byte R0 = 0, R1 = 1, R2 = 2, R3 = 3, R4 = 4, R5 = 5, R6 = 6, R7 = 7, R8 = 8, R9 = 9, Fp = 10;

    private const byte Alu64 = 0x07, Alu32 = 0x04, Jmp = 0x05, Jmp32 = 0x06, Ldx = 0x01, Stx = 0x03, St = 0x02;
    private const byte SourceX = 0x08, Mem = 0x60;

    private readonly List<ulong> _code = new();
    private readonly Dictionary<string, int> _labels = new();
    private readonly List<(int At, string Label)> _jumps = new();

    /// <summary>Access sizes.</summary>
    internal enum Size : byte { Word = 0x00, Half = 0x08, Byte = 0x10, Double = 0x18 }

    /// <summary>ALU operations (the high nibble of the opcode).</summary>
    internal enum Op : byte { Add = 0x00, Sub = 0x10, Or = 0x40, And = 0x50, Lsh = 0x60, Rsh = 0x70, Xor = 0xa0, Mov = 0xb0 }

    /// <summary>Jump conditions (the high nibble of the opcode).</summary>
    internal enum Jump : byte { Always = 0x00, Equal = 0x10, Greater = 0x20, GreaterOrEqual = 0x30, AnyBit = 0x40, NotEqual = 0x50 }

    /// <summary>The instructions so far; every jump must have reached its label.</summary>
    internal ulong[] Build()
    {
        var code = _code.ToArray();
        foreach (var (at, label) in _jumps)
        {
            if (!_labels.TryGetValue(label, out var target))
            {
                throw new InvalidOperationException($"the eBPF label '{label}' is never placed");
            }

            var offset = target - at - 1;
            code[at] = (code[at] & ~0xffff_0000UL) | ((ulong)(ushort)checked((short)offset) << 16);
        }

        return code;
    }

    /// <summary>Places <paramref name="label"/> before the next instruction.</summary>
    internal BpfAssembler Label(string label)
    {
        _labels.Add(label, _code.Count);
        return this;
    }

    /// <summary>dst = op(dst, imm), 64 bits.</summary>
    internal BpfAssembler Alu(Op op, byte destination, int immediate) => Emit((byte)(Alu64 | (byte)op), destination, 0, 0, immediate);

    /// <summary>dst = op(dst, src), 64 bits.</summary>
    internal BpfAssembler AluX(Op op, byte destination, byte source) => Emit((byte)(Alu64 | SourceX | (byte)op), destination, source, 0, 0);

    /// <summary>dst = imm (64 bits, the immediate sign-extended).</summary>
    internal BpfAssembler Mov(byte destination, int immediate) => Alu(Op.Mov, destination, immediate);

    /// <summary>dst = src (64 bits).</summary>
    internal BpfAssembler MovX(byte destination, byte source) => AluX(Op.Mov, destination, source);

    /// <summary>dst = (u32)src: the upper half cleared.</summary>
    internal BpfAssembler Mov32X(byte destination, byte source) => Emit((byte)(Alu32 | SourceX | (byte)Op.Mov), destination, source, 0, 0);

    /// <summary>dst = the low <paramref name="bits"/> of dst in network byte order (BPF_END, to big-endian).</summary>
    internal BpfAssembler ToBigEndian(byte destination, int bits) => Emit(Alu32 | 0xd0 | SourceX, destination, 0, 0, bits);

    /// <summary>dst = *(size *)(src + offset).</summary>
    internal BpfAssembler Load(Size size, byte destination, byte source, short offset) => Emit((byte)(Mem | (byte)size | Ldx), destination, source, offset, 0);

    /// <summary>*(size *)(dst + offset) = src.</summary>
    internal BpfAssembler Store(Size size, byte destination, short offset, byte source) => Emit((byte)(Mem | (byte)size | Stx), destination, source, offset, 0);

    /// <summary>*(size *)(dst + offset) = imm.</summary>
    internal BpfAssembler StoreImmediate(Size size, byte destination, short offset, int immediate) => Emit((byte)(Mem | (byte)size | St), destination, 0, offset, immediate);

    /// <summary>*(u64 *)(dst + offset) += src, atomically.</summary>
    internal BpfAssembler AtomicAdd(byte destination, short offset, byte source) => Emit(0xc0 | (byte)Size.Double | Stx, destination, source, offset, 0);

    /// <summary>if (dst op imm) goto label, comparing 64 bits.</summary>
    internal BpfAssembler If(Jump condition, byte destination, int immediate, string label) => EmitJump((byte)(Jmp | (byte)condition), destination, 0, immediate, label);

    /// <summary>if (dst op src) goto label, comparing 64 bits.</summary>
    internal BpfAssembler IfX(Jump condition, byte destination, byte source, string label) => EmitJump((byte)(Jmp | SourceX | (byte)condition), destination, source, 0, label);

    /// <summary>if ((u32)dst op (u32)imm) goto label: for addresses and other values with the top bit set.</summary>
    internal BpfAssembler If32(Jump condition, byte destination, int immediate, string label) => EmitJump((byte)(Jmp32 | (byte)condition), destination, 0, immediate, label);

    /// <summary>goto label.</summary>
    internal BpfAssembler Goto(string label) => EmitJump(Jmp, 0, 0, 0, label);

    /// <summary>R0 = helper(R1..R5).</summary>
    internal BpfAssembler Call(BpfHelper helper) => Emit(Jmp | 0x80, 0, 0, 0, (int)helper);

    /// <summary>return R0.</summary>
    internal BpfAssembler Exit() => Emit(Jmp | 0x90, 0, 0, 0, 0);

    /// <summary>R0 = value; return.</summary>
    internal BpfAssembler Return(int value) => Mov(R0, value).Exit();

    /// <summary>dst = the map open as <paramref name="mapFd"/> (a two-slot load the kernel resolves to the map).</summary>
    internal BpfAssembler LoadMap(byte destination, int mapFd) =>
        Emit(0x18, destination, 1 /* BPF_PSEUDO_MAP_FD */, 0, mapFd).Emit(0, 0, 0, 0, 0);

    /// <summary>One instruction as its 8 bytes, little-endian.</summary>
    internal static ulong Encode(byte code, byte destination, byte source, short offset, int immediate) =>
        code | ((ulong)(byte)((source << 4) | destination) << 8) | ((ulong)(ushort)offset << 16) | ((ulong)(uint)immediate << 32);

    private BpfAssembler Emit(byte code, byte destination, byte source, short offset, int immediate)
    {
        _code.Add(Encode(code, destination, source, offset, immediate));
        return this;
    }

    private BpfAssembler EmitJump(byte code, byte destination, byte source, int immediate, string label)
    {
        _jumps.Add((_code.Count, label));
        return Emit(code, destination, source, 0, immediate);
    }
}

/// <summary>The kernel helpers the relay's programs call (their numbers in enum bpf_func_id).</summary>
internal enum BpfHelper
{
    MapLookupElement = 1,
    StoreBytes = 9,
    Redirect = 23,
    LoadBytes = 26,
    ChecksumDifference = 28,
    ChangeHead = 43,
    AdjustRoom = 50,
    FibLookup = 69,
    RedirectNeighbour = 152,
}
