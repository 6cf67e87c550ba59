using System;
using System.Runtime.InteropServices;
using System.Text;
using MigrationTools.Core.Interop;

namespace MigrationTools.Agent.Relay.Bpf;

/// <summary>
/// The few bpf(2) commands the relay uses: load a program (with the verifier's log when it refuses), an array map,
/// reading and writing its entries, and TCX links, which attach a traffic-control program to a device for as long
/// as their descriptor is open: when the relay ends, for whatever reason, the kernel takes its programs away.
/// </summary>
internal static class BpfObjects
{
    private const int ProgramLoad = 5, MapCreate = 0, MapLookup = 1, MapUpdate = 2, TestRun = 10, LinkCreate = 28;
    private const int AttributesSize = 128;

    /// <summary>Program types and attach points (enum bpf_prog_type, enum bpf_attach_type).</summary>
    internal const uint SocketFilter = 1, SchedClassifier = 3, TcxIngress = 46, TcxEgress = 47;

    /// <summary>
    /// Loads a program; its descriptor, or the errno and the verifier's log (empty when the kernel gave none).
    /// </summary>
    internal static unsafe (FileDescriptor Program, Errno Error, string Log) LoadProgram(uint type, string name, ulong[] program)
    {
        var license = stackalloc byte[] { (byte)'G', (byte)'P', (byte)'L', 0 };
        const int LogSize = 16384;
        var log = (byte*)NativeMemory.AllocZeroed(LogSize);
        try
        {
            var attributes = stackalloc byte[AttributesSize];
            new Span<byte>(attributes, AttributesSize).Clear();
            fixed (ulong* instructions = program)
            {
                *(uint*)attributes = type;
                *(uint*)(attributes + 4) = (uint)program.Length;
                *(ulong*)(attributes + 8) = (ulong)instructions;
                *(ulong*)(attributes + 16) = (ulong)license;
                Encoding.ASCII.GetBytes(name.AsSpan(0, Math.Min(name.Length, 15)), new Span<byte>(attributes + 48, 15));
                var fd = (int)Libc.Syscall(SyscallNumber, ProgramLoad, (long)attributes, AttributesSize);
                if (fd >= 0)
                {
                    return (new FileDescriptor(fd), Errno.None, "");
                }

                var error = Libc.LastError;
                // Again with the log, which the kernel fills only when asked, to say which instruction it refused.
                *(uint*)(attributes + 24) = 1;
                *(uint*)(attributes + 28) = LogSize;
                *(ulong*)(attributes + 32) = (ulong)log;
                fd = (int)Libc.Syscall(SyscallNumber, ProgramLoad, (long)attributes, AttributesSize);
                if (fd >= 0)
                {
                    Libc.Close(fd);
                }

                return (new FileDescriptor(-1), error, Marshal.PtrToStringUTF8((nint)log)?.Trim() ?? "");
            }
        }
        finally
        {
            NativeMemory.Free(log);
        }
    }

    /// <summary>An array map (BPF_MAP_TYPE_ARRAY) of <paramref name="entries"/> values of <paramref name="valueSize"/> bytes, zeroed.</summary>
    internal static unsafe FileDescriptor CreateArray(uint valueSize, uint entries)
    {
        var attributes = stackalloc byte[AttributesSize];
        new Span<byte>(attributes, AttributesSize).Clear();
        *(uint*)attributes = 2;
        *(uint*)(attributes + 4) = sizeof(uint);
        *(uint*)(attributes + 8) = valueSize;
        *(uint*)(attributes + 12) = entries;
        return new FileDescriptor((int)Libc.Syscall(SyscallNumber, MapCreate, (long)attributes, AttributesSize));
    }

    /// <summary>Reads entry <paramref name="key"/> of an array map into <paramref name="value"/>; false on failure.</summary>
    internal static unsafe bool Read(FileDescriptor map, uint key, Span<byte> value) => Element(MapLookup, map, key, value);

    /// <summary>Writes entry <paramref name="key"/> of an array map; false on failure.</summary>
    internal static unsafe bool Write(FileDescriptor map, uint key, Span<byte> value) => Element(MapUpdate, map, key, value);

    /// <summary>Attaches a loaded classifier to a device's ingress or egress (a TCX link); the link, invalid on failure.</summary>
    internal static unsafe FileDescriptor Attach(FileDescriptor program, int ifindex, uint attachType)
    {
        var attributes = stackalloc byte[AttributesSize];
        new Span<byte>(attributes, AttributesSize).Clear();
        *(uint*)attributes = (uint)program.Number;
        *(uint*)(attributes + 4) = (uint)ifindex;
        *(uint*)(attributes + 8) = attachType;
        return new FileDescriptor((int)Libc.Syscall(SyscallNumber, LinkCreate, (long)attributes, AttributesSize));
    }

    /// <summary>
    /// Runs a loaded classifier once on <paramref name="frame"/> (an Ethernet frame, as BPF_PROG_TEST_RUN takes it)
    /// without attaching it; the program's verdict and the frame as it left it, or null when the kernel refused.
    /// </summary>
    internal static unsafe (int Verdict, byte[] Frame)? Run(FileDescriptor program, byte[] frame)
    {
        var attributes = stackalloc byte[AttributesSize];
        new Span<byte>(attributes, AttributesSize).Clear();
        var output = new byte[frame.Length + 256];
        fixed (byte* input = frame, result = output)
        {
            *(uint*)attributes = (uint)program.Number;
            *(uint*)(attributes + 8) = (uint)frame.Length;
            *(uint*)(attributes + 12) = (uint)output.Length;
            *(ulong*)(attributes + 16) = (ulong)input;
            *(ulong*)(attributes + 24) = (ulong)result;
            *(uint*)(attributes + 32) = 1;
            if (Libc.Syscall(SyscallNumber, TestRun, (long)attributes, AttributesSize) != 0)
            {
                return null;
            }
        }

        return (*(int*)(attributes + 4), output[..(int)*(uint*)(attributes + 12)]);
    }

    private static unsafe bool Element(int command, FileDescriptor map, uint key, Span<byte> value)
    {
        var attributes = stackalloc byte[AttributesSize];
        new Span<byte>(attributes, AttributesSize).Clear();
        fixed (byte* data = value)
        {
            *(uint*)attributes = (uint)map.Number;
            *(ulong*)(attributes + 8) = (ulong)&key;
            *(ulong*)(attributes + 16) = (ulong)data;
            return Libc.Syscall(SyscallNumber, command, (long)attributes, AttributesSize) == 0;
        }
    }

    private static long SyscallNumber => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 280 : 321;
}
