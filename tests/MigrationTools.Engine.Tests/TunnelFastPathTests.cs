using System;
using System.Buffers.Binary;
using System.Linq;
using MigrationTools.Agent.Relay;
using MigrationTools.Agent.Relay.Bpf;
using MigrationTools.Core.Interop;
using Xunit;

namespace MigrationTools.Engine.Tests;

/// <summary>
/// The tunnel's kernel fast path: the assembler's jumps, the kernel's verdict on both programs, the decapsulating
/// program run by the kernel on frames written here (BPF_PROG_TEST_RUN), and the relay finishing checksums a
/// sender's kernel left to the device. Checksums are checked with the RFC 1071 sum written in the tests.
/// </summary>
public sealed class TunnelFastPathTests
{
    private const int Local = 0x0200dc0a, Remote = 0x0100dc0a; // 10.220.0.2 and 10.220.0.1, as a program compares them

    [Fact]
    public void JumpsLandOnTheirLabelsForwardAndBack()
    {
        var code = new BpfAssembler()
            .Label("top").Mov(BpfAssembler.R0, 1)
            .If(BpfAssembler.Jump.Equal, BpfAssembler.R0, 2, "end")
            .Goto("top")
            .Label("end").Exit()
            .Build();

        Assert.Equal(4, code.Length);
        Assert.Equal(1, (short)(code[1] >> 16)); // over the goto to the exit
        Assert.Equal(-3, (short)(code[2] >> 16)); // back to the first instruction
        Assert.Equal(0x15UL, code[1] & 0xff); // BPF_JMP | BPF_JEQ | BPF_K
        Assert.Equal(2UL, code[1] >> 32);
    }

    [Fact]
    public void AJumpToALabelNeverPlacedIsRefused()
    {
        var assembler = new BpfAssembler().Goto("nowhere").Exit();
        Assert.Throws<InvalidOperationException>(() => assembler.Build());
    }

    [Fact]
    public void TheKernelVerifiesBothPrograms()
    {
        if (Environment.UserName != "root")
        {
            return; // loading a BPF program needs root; CI runs as root
        }

        using var map = BpfObjects.CreateArray(TunnelPrograms.EntrySize, 2);
        Assert.False(map.IsInvalid);
        foreach (var program in new[] { TunnelPrograms.Encapsulate(map.Number, Local, Remote, 64, 0), TunnelPrograms.Decapsulate(map.Number, Local, Remote, 14, 1) })
        {
            var (loaded, error, log) = BpfObjects.LoadProgram(BpfObjects.SchedClassifier, "mt_test", program);
            using (loaded)
            {
                Assert.True(error == Errno.None, $"{error}: {log}");
            }
        }
    }

    [Fact]
    public void TheDecapsulatingProgramTakesOffTheOuterHeaderOfAPacketFromTheRemoteEndAndRedirectsIt()
    {
        if (Environment.UserName != "root")
        {
            return;
        }

        var inner = TunOffloadTests.TcpPacket(false, 200);
        var (verdict, frame) = RunDecapsulate(Frame(Outer(inner, Remote, Local)));

        Assert.Equal(7, verdict); // TC_ACT_REDIRECT, to the TUN device
        Assert.Equal(14 + inner.Length, frame.Length);
        Assert.Equal(inner, frame.Skip(14).ToArray());
        Assert.Equal(0x0800, BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(12)));
    }

    [Theory]
    [InlineData("stranger")]
    [InlineData("not ours")]
    [InlineData("bad checksum")]
    [InlineData("fragment")]
    [InlineData("not ipip")]
    [InlineData("padded")]
    public void TheDecapsulatingProgramLeavesEverythingElseToTheRelay(string what)
    {
        if (Environment.UserName != "root")
        {
            return;
        }

        var outer = Outer(TunOffloadTests.TcpPacket(false, 200), what == "stranger" ? 0x0900dd0a : Remote, what == "not ours" ? 0x0300dc0a : Local);
        switch (what)
        {
            case "bad checksum": outer[10] ^= 1; break;
            case "fragment": outer[6] |= 0x20; Checksum(outer); break;
            case "not ipip": outer[9] = 47; Checksum(outer); break;
        }

        var sent = Frame(what == "padded" ? outer.Concat(new byte[4]).ToArray() : outer);
        var (verdict, frame) = RunDecapsulate(sent);

        Assert.Equal(0, verdict); // TC_ACT_OK: on to the stack and the relay's raw socket
        Assert.Equal(sent, frame);
    }

    [Fact]
    public void TheRelayFinishesATcpChecksumTheSendersKernelLeftToTheDevice()
    {
        var packet = TunOffloadTests.TcpPacket(false, 1000);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(36), PseudoSum(packet, 6));
        Assert.False(TunOffloadTests.TransportValid(packet, 6));

        Assert.True(PartialChecksum.TryFinish(packet));

        Assert.True(TunOffloadTests.TransportValid(packet, 6));
    }

    [Fact]
    public void TheRelayFinishesAUdpChecksumTheSendersKernelLeftToTheDevice()
    {
        var packet = TunOffloadTests.UdpPacket(300);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(26), PseudoSum(packet, 17));

        Assert.True(PartialChecksum.TryFinish(packet));

        Assert.True(TunOffloadTests.TransportValid(packet, 17));
    }

    [Fact]
    public void TheRelayLeavesACompleteChecksumThatEqualsThePseudoHeaderSumAsItIs()
    {
        // A complete checksum that equals the pseudo-header sum: one payload word is chosen to make it so.
        var packet = TunOffloadTests.TcpPacket(false, 100);
        var target = PseudoSum(packet, 6);
        for (var word = 0; word <= 0xffff; word++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(60), (ushort)word);
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(36), 0);
            var sum = (ushort)~TunOffloadTests.NaiveSum(TunOffloadTests.Pseudo(packet, 6, packet.Length - 20).Concat(packet.Skip(20)));
            if (sum == target)
            {
                BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(36), sum);
                break;
            }
        }

        Assert.True(TunOffloadTests.TransportValid(packet, 6));
        var before = packet.ToArray();

        Assert.False(PartialChecksum.TryFinish(packet));

        Assert.Equal(before, packet);
    }

    [Theory]
    [InlineData("complete")]
    [InlineData("corrupt")]
    [InlineData("fragment")]
    [InlineData("icmp")]
    public void TheRelayLeavesOtherChecksumsAsTheyAre(string what)
    {
        var packet = TunOffloadTests.TcpPacket(false, 500);
        switch (what)
        {
            case "corrupt": packet[40] ^= 0xff; break;
            case "fragment": BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(36), PseudoSum(packet, 6)); packet[6] |= 0x20; break;
            case "icmp": BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(36), PseudoSum(packet, 6)); packet[9] = 1; break;
        }

        var before = packet.ToArray();

        Assert.False(PartialChecksum.TryFinish(packet));

        Assert.Equal(before, packet);
    }

    /// <summary>What a kernel leaves in the field for the device: the folded pseudo-header sum, not complemented.</summary>
    private static ushort PseudoSum(byte[] packet, byte protocol) => TunOffloadTests.NaiveSum(TunOffloadTests.Pseudo(packet, protocol, packet.Length - 20));

    private static byte[] Outer(byte[] inner, int source, int destination)
    {
        var outer = new byte[20 + inner.Length];
        outer[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(outer.AsSpan(2), (ushort)outer.Length);
        outer[8] = 64;
        outer[9] = 4;
        BinaryPrimitives.WriteInt32LittleEndian(outer.AsSpan(12), source);
        BinaryPrimitives.WriteInt32LittleEndian(outer.AsSpan(16), destination);
        Checksum(outer);
        inner.CopyTo(outer, 20);
        return outer;
    }

    private static void Checksum(byte[] outer)
    {
        BinaryPrimitives.WriteUInt16BigEndian(outer.AsSpan(10), 0);
        BinaryPrimitives.WriteUInt16BigEndian(outer.AsSpan(10), (ushort)~TunOffloadTests.NaiveSum(outer.Take(20)));
    }

    /// <summary>An Ethernet frame to the loopback device's address (all zeros), which the test run takes as for this host.</summary>
    private static byte[] Frame(byte[] packet) => new byte[12].Concat(new byte[] { 0x08, 0x00 }).Concat(packet).ToArray();

    private static (int Verdict, byte[] Frame) RunDecapsulate(byte[] frame)
    {
        using var map = BpfObjects.CreateArray(TunnelPrograms.EntrySize, 2);
        var (program, error, log) = BpfObjects.LoadProgram(BpfObjects.SchedClassifier, "mt_test", TunnelPrograms.Decapsulate(map.Number, Local, Remote, 14, 1));
        using (program)
        {
            Assert.True(error == Errno.None, $"{error}: {log}");
            var result = BpfObjects.Run(program, frame);
            Assert.NotNull(result);
            return result!.Value;
        }
    }
}
