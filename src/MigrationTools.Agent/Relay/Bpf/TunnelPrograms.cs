using static MigrationTools.Agent.Relay.Bpf.BpfAssembler;

namespace MigrationTools.Agent.Relay.Bpf;

/// <summary>
/// The tunnel's two traffic-control programs, which do in the kernel what the relay's loops do in userspace, for
/// the packets where that is simple: <see cref="Encapsulate"/> on the TUN device's egress puts the outer header in
/// front of an IPv4 packet (a GSO packet stays one: the kernel marks it IP-in-IP and cuts it, if at all, where the
/// device needs it) and sends it to the underlay device through the neighbour table; <see cref="Decapsulate"/> on
/// the underlay device's ingress takes the outer header off a single protocol-4 packet from the remote end and hands
/// the inner packet to the TUN device's ingress. Whatever they do not take (other protocols, fragments, options,
/// packets too big for the underlay, GRO-joined ones) goes on as before to the relay's loops. Both read their
/// settings and count into one array map: entry 0 holds the underlay's ifindex (0 sends everything to the loops)
/// and MTU, entry 1 the counters.
/// </summary>
internal static class TunnelPrograms
{
    /// <summary>Size of each map entry: five 64-bit fields.</summary>
    internal const uint EntrySize = 40;
    /// <summary>Counter offsets in entry 1.</summary>
    internal const short EncapsulatedPackets = 0, EncapsulatedBytes = 8, DecapsulatedPackets = 16, DecapsulatedBytes = 24;

    // struct __sk_buff.
    private const short SkbLength = 0, SkbPacketType = 4, SkbProtocol = 16, SkbGsoSegments = 164, SkbGsoSize = 176;
    private const int EtherTypeIPv4 = 0x0008; // htons(ETH_P_IP) as the u32 field reads on a little-endian machine
    private const int Pass = 0, Drop = 2;
    /// <summary>BPF_ADJ_ROOM_MAC: room made or taken right behind the link header (BPF_ADJ_ROOM_NET, 0, is behind the IP header).</summary>
    private const int AdjustAtMac = 1;

    /// <summary>
    /// For the TUN device's egress: encapsulate from <paramref name="local"/> to <paramref name="remote"/> (both as the
    /// little-endian reading of their network-order bytes) with <paramref name="ttl"/> and <paramref name="tos"/>,
    /// DF copied from the inner header, as the relay's loop writes it.
    /// </summary>
    internal static ulong[] Encapsulate(int map, int local, int remote, byte ttl, byte tos)
    {
        var a = new BpfAssembler();
        a.MovX(R6, R1)
            .Load(Size.Word, R0, R6, SkbProtocol).If(Jump.NotEqual, R0, EtherTypeIPv4, "pass")
            // R9 = the settings: the underlay's ifindex and MTU.
            .StoreImmediate(Size.Word, Fp, -36, 0).LoadMap(R1, map).MovX(R2, Fp).Alu(Op.Add, R2, -36).Call(BpfHelper.MapLookupElement)
            .If(Jump.Equal, R0, 0, "pass").MovX(R9, R0)
            .Load(Size.Word, R0, R9, 0).If(Jump.Equal, R0, 0, "pass")
            .Load(Size.Word, R7, R6, SkbLength)
            .Load(Size.Word, R8, R6, SkbGsoSize)
            .Load(Size.Word, R1, R9, 4)
            // One packet: it and the outer header must fit the underlay; the loop answers "fragmentation needed".
            .If(Jump.NotEqual, R8, 0, "gso")
            .MovX(R0, R7).Alu(Op.Add, R0, 20).IfX(Jump.Greater, R0, R1, "pass").Goto("fits")
            // A GSO packet: its segments (at least 40 bytes of inner headers each) with the outer header must fit,
            // and the whole with the outer header must stay within an IPv4 total length.
            .Label("gso").Alu(Op.Add, R8, 60).IfX(Jump.Greater, R8, R1, "pass").If(Jump.Greater, R7, 65535 - 20, "pass")
            .Label("fits")
            // The wire packets it becomes, counted now: making room resets the kernel's count.
            .Load(Size.Word, R8, R6, SkbGsoSegments).If(Jump.NotEqual, R8, 0, "segments").Mov(R8, 1)
            .Label("segments")
            // The inner header's first 8 bytes (for DF) to fp-32.
            .MovX(R1, R6).Mov(R2, 0).MovX(R3, Fp).Alu(Op.Add, R3, -32).Mov(R4, 8).Call(BpfHelper.LoadBytes)
            .If(Jump.NotEqual, R0, 0, "pass")
            // A zeroed link header in front, which the neighbour table fills in (bpf_redirect_neigh takes packets
            // with one; the TUN device has none).
            .MovX(R1, R6).Mov(R2, 14).Mov(R3, 0).Call(BpfHelper.ChangeHead).If(Jump.NotEqual, R0, 0, "pass")
            // 20 bytes behind it, marked IP-in-IP (a GSO packet becomes SKB_GSO_IPXIP4), segment size kept.
            .MovX(R1, R6).Mov(R2, 20).Mov(R3, AdjustAtMac).Mov(R4, 1 /* FIXED_GSO */ | 2 /* ENCAP_L3_IPV4 */).Call(BpfHelper.AdjustRoom)
            .If(Jump.NotEqual, R0, 0, "drop")
            // The outer header at fp-24.
            .StoreImmediate(Size.Byte, Fp, -24, 0x45).StoreImmediate(Size.Byte, Fp, -23, tos)
            .MovX(R0, R7).Alu(Op.Add, R0, 20).ToBigEndian(R0, 16).Store(Size.Half, Fp, -22, R0)
            .StoreImmediate(Size.Half, Fp, -20, 0)
            .Load(Size.Byte, R0, Fp, -26).Alu(Op.And, R0, 0x40).Store(Size.Half, Fp, -18, R0)
            .StoreImmediate(Size.Byte, Fp, -16, ttl).StoreImmediate(Size.Byte, Fp, -15, IpipPacket.ProtocolIpip)
            .StoreImmediate(Size.Half, Fp, -14, 0)
            .StoreImmediate(Size.Word, Fp, -12, local).StoreImmediate(Size.Word, Fp, -8, remote)
            .Mov(R1, 0).Mov(R2, 0).MovX(R3, Fp).Alu(Op.Add, R3, -24).Mov(R4, 20).Mov(R5, 0).Call(BpfHelper.ChecksumDifference);
        Fold(a)
            .Alu(Op.Xor, R0, 0xffff).Store(Size.Half, Fp, -14, R0)
            // The outer header, and the link header's type (IPv4).
            .MovX(R1, R6).Mov(R2, 14).MovX(R3, Fp).Alu(Op.Add, R3, -24).Mov(R4, 20).Mov(R5, 0).Call(BpfHelper.StoreBytes)
            .If(Jump.NotEqual, R0, 0, "drop")
            .StoreImmediate(Size.Half, Fp, -40, EtherTypeIPv4)
            .MovX(R1, R6).Mov(R2, 12).MovX(R3, Fp).Alu(Op.Add, R3, -40).Mov(R4, 2).Mov(R5, 0).Call(BpfHelper.StoreBytes)
            .If(Jump.NotEqual, R0, 0, "drop");
        CountInto(a, map, EncapsulatedPackets, R8, EncapsulatedBytes, R7)
            .Load(Size.Word, R1, R9, 0).Mov(R2, 0).Mov(R3, 0).Mov(R4, 0).Call(BpfHelper.RedirectNeighbour).Exit()
            .Label("pass").Return(Pass)
            .Label("drop").Return(Drop);
        return a.Build();
    }

    /// <summary>
    /// For the underlay device's ingress (<paramref name="linkHeader"/> bytes of link header, 14 on Ethernet):
    /// decapsulate packets from <paramref name="remote"/> to <paramref name="local"/> into the TUN device
    /// <paramref name="tunIfindex"/>. A GSO packet (joined by the underlay's GRO, or sent whole through a veth) is
    /// taken only when it carries TCP and the kernel's routing would not forward its inner packet: it keeps its
    /// IP-in-IP marks, which local delivery ignores but a device cutting it for forwarding would not; those go on to
    /// the relay's reader of joined packets.
    /// </summary>
    internal static ulong[] Decapsulate(int map, int local, int remote, int linkHeader, int tunIfindex)
    {
        var a = new BpfAssembler();
        a.MovX(R6, R1)
            .Load(Size.Word, R0, R6, SkbProtocol).If(Jump.NotEqual, R0, EtherTypeIPv4, "pass")
            .Load(Size.Word, R0, R6, SkbPacketType).If(Jump.NotEqual, R0, 0 /* PACKET_HOST */, "pass")
            // The outer header to fp-40, the inner header (its first 20 bytes) to fp-20.
            .MovX(R1, R6).Mov(R2, linkHeader).MovX(R3, Fp).Alu(Op.Add, R3, -40).Mov(R4, 40).Call(BpfHelper.LoadBytes)
            .If(Jump.NotEqual, R0, 0, "pass")
            .Load(Size.Byte, R0, Fp, -40).If(Jump.NotEqual, R0, 0x45, "pass")
            .Load(Size.Byte, R0, Fp, -31).If(Jump.NotEqual, R0, IpipPacket.ProtocolIpip, "pass")
            // Not a fragment: MF and the offset clear (the kernel reassembles fragments for the relay's raw socket).
            .Load(Size.Half, R0, Fp, -34).Alu(Op.And, R0, 0xff3f).If(Jump.NotEqual, R0, 0, "pass")
            .Load(Size.Word, R0, Fp, -24).If32(Jump.NotEqual, R0, local, "pass")
            .Load(Size.Word, R0, Fp, -28).If32(Jump.NotEqual, R0, remote, "pass")
            .Load(Size.Byte, R0, Fp, -20).Alu(Op.Rsh, R0, 4).If(Jump.NotEqual, R0, 4, "pass")
            // The outer total length is the packet's (no link padding behind it).
            .Load(Size.Word, R7, R6, SkbLength).Alu(Op.Add, R7, -linkHeader)
            .Load(Size.Half, R0, Fp, -38).ToBigEndian(R0, 16).IfX(Jump.NotEqual, R0, R7, "pass")
            .Mov(R1, 0).Mov(R2, 0).MovX(R3, Fp).Alu(Op.Add, R3, -40).Mov(R4, 20).Mov(R5, 0).Call(BpfHelper.ChecksumDifference);
        Fold(a).If(Jump.NotEqual, R0, 0xffff, "pass")
            .Mov(R8, 1)
            .Load(Size.Word, R0, R6, SkbGsoSize).If(Jump.Equal, R0, 0, "take")
            .Load(Size.Byte, R0, Fp, -11).If(Jump.NotEqual, R0, 6 /* TCP */, "pass");
        // The kernel's own lookup for the inner packet as if it came in on the TUN device (struct bpf_fib_lookup at
        // fp-104): a unicast route out (0), or one waiting for its neighbour (7) or too big for it (8), is forwarding.
        for (short offset = -104; offset < -40; offset += 8)
        {
            a.StoreImmediate(Size.Double, Fp, offset, 0);
        }

        a.StoreImmediate(Size.Byte, Fp, -104, 2 /* AF_INET */).StoreImmediate(Size.Byte, Fp, -103, 6)
            .StoreImmediate(Size.Word, Fp, -96, tunIfindex)
            .Load(Size.Word, R0, Fp, -8).Store(Size.Word, Fp, -88, R0)
            .Load(Size.Word, R0, Fp, -4).Store(Size.Word, Fp, -72, R0)
            .MovX(R1, R6).MovX(R2, Fp).Alu(Op.Add, R2, -104).Mov(R3, 64).Mov(R4, 0).Call(BpfHelper.FibLookup)
            .If(Jump.Equal, R0, 0, "pass").If(Jump.Equal, R0, 7, "pass").If(Jump.Equal, R0, 8, "pass")
            .Mov32X(R0, R0).If(Jump.Greater, R0, 0x7fffffff, "pass")
            .Load(Size.Word, R8, R6, SkbGsoSegments).If(Jump.NotEqual, R8, 0, "take").Mov(R8, 1)
            .Label("take")
            // Off with the outer header; a GSO packet keeps its segment size.
            .MovX(R1, R6).Mov(R2, -20).Mov(R3, AdjustAtMac).Mov(R4, 1 /* FIXED_GSO */).Call(BpfHelper.AdjustRoom)
            .If(Jump.NotEqual, R0, 0, "pass")
            .Alu(Op.Add, R7, -20);
        CountInto(a, map, DecapsulatedPackets, R8, DecapsulatedBytes, R7)
            .Mov(R1, tunIfindex).Mov(R2, 1 /* BPF_F_INGRESS */).Call(BpfHelper.Redirect).Exit()
            .Label("pass").Return(Pass);
        return a.Build();
    }

    /// <summary>R0 = the 16-bit one's-complement fold of the 32-bit sum in R0.</summary>
    private static BpfAssembler Fold(BpfAssembler a) => a.Mov32X(R0, R0)
        .MovX(R1, R0).Alu(Op.Rsh, R1, 16).Alu(Op.And, R0, 0xffff).AluX(Op.Add, R0, R1)
        .MovX(R1, R0).Alu(Op.Rsh, R1, 16).Alu(Op.And, R0, 0xffff).AluX(Op.Add, R0, R1);

    /// <summary>Adds two registers to two counters of entry 1 (skipped if the map has no entry 1).</summary>
    private static BpfAssembler CountInto(BpfAssembler a, int map, short first, byte firstValue, short second, byte secondValue)
    {
        var done = "counted" + first;
        return a.StoreImmediate(Size.Word, Fp, -36, 1).LoadMap(R1, map).MovX(R2, Fp).Alu(Op.Add, R2, -36).Call(BpfHelper.MapLookupElement)
            .If(Jump.Equal, R0, 0, done)
            .AtomicAdd(R0, first, firstValue).AtomicAdd(R0, second, secondValue)
            .Label(done);
    }
}
