using MigrationTools.Agent.Relay.Bpf;
using MigrationTools.Core.Interop;

namespace MigrationTools.Agent.Relay;

/// <summary>
/// The two socket filters (eBPF, BPF_PROG_TYPE_SOCKET_FILTER) that split what arrives for the tunnel by whether the
/// underlay's receive offload (GRO) joined it: a joined packet (gso_size set) goes to the AF_PACKET socket, which
/// reads it with its virtio-net header (segment size, checksum state); everything else to the raw IP socket as
/// before, after the kernel's reassembly and firewall. A joined packet read from the raw socket would lose what
/// the header says: its TCP checksum holds only the pseudo-header sum and joined UDP datagrams lose their bounds.
/// </summary>
internal static class GsoSocketFilter
{
    /// <summary>offsetof(struct __sk_buff, gso_size).</summary>
    private const short GsoSizeOffset = 176;
    /// <summary>offsetof(struct __sk_buff, pkt_type).</summary>
    private const short PacketTypeOffset = 4;
    /// <summary>SKF_NET_OFF: absolute loads from the network header.</summary>
    private const int NetworkOffset = -0x100000;
    /// <summary>What a filter returns to keep a packet whole (more than any packet's length).</summary>
    private const int KeepAll = 0x40000;

    private const byte LdxMemW = 0x61, JeqK = 0x15, JneK = 0x55, Jne32K = 0x56, MovK = 0xb7, MovX = 0xbf, LdAbsB = 0x30, LdAbsW = 0x20, Exit = 0x95;

    /// <summary>
    /// For the AF_PACKET socket: packets for this host that GRO joined, of protocol 4, to <paramref name="local"/>
    /// (host order of the address's bytes).
    /// </summary>
    internal static ulong[] Joined(uint local) => new[]
    {
        Insn(MovX, 6, 1, 0, 0),
        Insn(LdxMemW, 0, 6, GsoSizeOffset, 0),
        Insn(JeqK, 0, 0, 8, 0),
        Insn(LdxMemW, 0, 6, PacketTypeOffset, 0),
        Insn(JneK, 0, 0, 6, 0),
        Insn(LdAbsB, 0, 0, 0, NetworkOffset + 9),
        Insn(JneK, 0, 0, 4, IpipPacket.ProtocolIpip),
        Insn(LdAbsW, 0, 0, 0, NetworkOffset + 16),
        Insn(Jne32K, 0, 0, 2, unchecked((int)local)),
        Insn(MovK, 0, 0, 0, KeepAll),
        Insn(Exit, 0, 0, 0, 0),
        Insn(MovK, 0, 0, 0, 0),
        Insn(Exit, 0, 0, 0, 0),
    };

    /// <summary>For the raw socket: everything GRO did not join.</summary>
    internal static ulong[] NotJoined() => new[]
    {
        Insn(LdxMemW, 0, 1, GsoSizeOffset, 0),
        Insn(JneK, 0, 0, 2, 0),
        Insn(MovK, 0, 0, 0, KeepAll),
        Insn(Exit, 0, 0, 0, 0),
        Insn(MovK, 0, 0, 0, 0),
        Insn(Exit, 0, 0, 0, 0),
    };

    private static ulong Insn(byte code, byte destination, byte source, short offset, int immediate) => BpfAssembler.Encode(code, destination, source, offset, immediate);

    /// <summary>Loads <paramref name="program"/> and attaches it to <paramref name="socket"/>; the errno on failure (the program's descriptor is closed either way: the socket holds it).</summary>
    internal static unsafe Errno Attach(FileDescriptor socket, ulong[] program)
    {
        var (loaded, error, _) = BpfObjects.LoadProgram(BpfObjects.SocketFilter, "mt_ipip_split", program);
        using (loaded)
        {
            if (loaded.IsInvalid)
            {
                return error;
            }

            var fd = loaded.Number;
            return Libc.SetSockOpt(socket, Sock.SOL_SOCKET, Sock.SO_ATTACH_BPF, &fd, sizeof(int)) == 0 ? Errno.None : Libc.LastError;
        }
    }
}
