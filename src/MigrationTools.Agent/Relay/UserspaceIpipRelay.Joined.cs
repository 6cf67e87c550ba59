using System;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Threading;
using MigrationTools.Core.Interop;

namespace MigrationTools.Agent.Relay;

/// <summary>
/// The tunnel's way in for packets the underlay's receive offload (GRO) joined: an AF_PACKET socket reads them with
/// their virtio-net header, and each goes to the TUN device as one GSO packet (or, where the device cannot take
/// that, cut into wire-sized packets here). A thread of its own waits on that socket, so the raw socket's way in
/// keeps its single waiting read; where a flow has both joined and single packets, the two threads' writes may
/// interleave out of order, which TCP tolerates and which only happens while the underlay joins packets.
/// </summary>
internal sealed partial class UserspaceIpipRelay
{
    private const int JoinedBatch = 8;
    /// <summary>A joined packet: virtio-net header, link header (Ethernet at most), outer header and up to 64 KB.</summary>
    private const int JoinedSlotSize = VirtioNetHeader.Size + 14 + 65536 + 64;
    /// <summary>Wire-sized packets cut from a joined one the TUN device cannot take whole: a zeroed virtio-net header, then the packet.</summary>
    private const int CutStride = VirtioNetHeader.Size + 9216;
    private const int CutCount = 128;

    private long _joinedPackets, _joinedBytes, _joinedSegments, _joinedReceiveCalls, _joinedWrites;
    private byte[]? _cut;
    private int[]? _cutLengths;

    /// <summary>
    /// Opens the AF_PACKET socket and splits the way in with the two filters. Without eBPF socket filters (an old or
    /// locked-down kernel) the raw socket alone receives everything, as before, and the log says so.
    /// </summary>
    private unsafe void OpenJoined()
    {
        // Protocol 0 receives nothing until the bind below, so no packet is queued before the filter is in place.
        var packet = Libc.SocketOwned(Sock.AF_PACKET, Sock.SOCK_RAW | Sock.SOCK_CLOEXEC, 0);
        var everyDevice = new SockAddrLl { Family = Sock.AF_PACKET, Protocol = BinaryPrimitives.ReverseEndianness(Sock.ETH_P_IP) };
        var failure = packet.IsInvalid ? $"socket: {Libc.Describe(Libc.LastError)}"
            : Libc.SetSockOptInt(packet, Sock.SOL_PACKET, Sock.PACKET_VNET_HDR, 1) != 0 ? $"virtio-net header: {Libc.Describe(Libc.LastError)}"
            : GsoSocketFilter.Attach(packet, GsoSocketFilter.Joined(BinaryPrimitives.ReadUInt32BigEndian(_settings.Local.GetAddressBytes()))) is var joined && joined != Errno.None ? $"filter: {Libc.Describe(joined)}"
            : Libc.Bind(packet, &everyDevice, sizeof(SockAddrLl)) != 0 ? $"bind: {Libc.Describe(Libc.LastError)}"
            : GsoSocketFilter.Attach(_raw, GsoSocketFilter.NotJoined()) is var rest && rest != Errno.None ? $"raw socket filter: {Libc.Describe(rest)}"
            : null;
        if (failure is not null)
        {
            packet.Dispose();
            _log.Write($"packets joined by the underlay's receive offload (GRO) cannot be read whole ({failure}); the raw socket takes everything");
            return;
        }

        Libc.SetSockOptInt(packet, Sock.SOL_SOCKET, Sock.SO_RCVBUFFORCE, 4 << 20);
        _joined = packet;
    }

    /// <summary>Reads joined packets until the relay stops and relays each.</summary>
    private unsafe void JoinedLoop()
    {
        RelayBatch.Allocate(JoinedBatch, JoinedSlotSize, out _, out var vectors, out var messages);
        var sources = (SockAddrLl*)NativeMemory.AllocZeroed((nuint)(JoinedBatch * sizeof(SockAddrLl)));
        var expected = BinaryPrimitives.ReadUInt32BigEndian(_settings.Remote.GetAddressBytes());
        for (var i = 0; i < JoinedBatch; i++)
        {
            messages[i].Header.Name = &sources[i];
        }

        Volatile.Write(ref _joinedThread, ThreadCpu.Current());
        while (!_stopping)
        {
            // The kernel writes back each source address's length; each read offers the full size again.
            for (var i = 0; i < JoinedBatch; i++)
            {
                messages[i].Header.NameLength = (uint)sizeof(SockAddrLl);
            }

            var received = ReceiveBatch(_joined, messages, JoinedBatch, "AF_PACKET");
            if (received < 0)
            {
                continue;
            }

            _joinedReceiveCalls++;
            for (var i = 0; i < received; i++)
            {
                try
                {
                    var link = sources[i].HardwareType is Sock.ARPHRD_ETHER or Sock.ARPHRD_LOOPBACK ? 14 : 0;
                    if (!Relay((byte*)vectors[i].Base, (int)Math.Min(messages[i].Length, JoinedSlotSize), link, expected))
                    {
                        return;
                    }
                }
                catch (Exception ex)
                {
                    Failed("decapsulate", ex);
                }
            }
        }
    }

    /// <summary>One joined packet as read (virtio-net header, link header, outer packet); false when the relay stops.</summary>
    private unsafe bool Relay(byte* frame, int length, int link, uint expected)
    {
        if (length < VirtioNetHeader.Size + link)
        {
            _malformed++;
            return true;
        }

        var header = VirtioNetHeader.Read(new ReadOnlySpan<byte>(frame, VirtioNetHeader.Size));
        var outer = frame + VirtioNetHeader.Size + link;
        var verdict = IpipPacket.TryDecapsulate(new ReadOnlySpan<byte>(outer, length - VirtioNetHeader.Size - link), expected, out var offset, out var innerLength);
        if (verdict != IpipDrop.None)
        {
            Count(verdict);
            return true;
        }

        var inner = outer + offset;
        if (!JoinedPacket.TryPrepare(header, new Span<byte>(inner, innerLength), out var forTun))
        {
            _malformed++;
            return true;
        }

        return TunTakes(forTun.GsoType) ? WriteJoined(inner, innerLength, forTun) : WriteCut(inner, innerLength, forTun);
    }

    /// <summary>Whether the TUN device's offloads take a GSO packet of this type (TCP, with ECN or not, or UDP over IPv4).</summary>
    private bool TunTakes(byte gsoType)
    {
        var needed = (gsoType & ~VirtioNetHeader.GsoEcn) == VirtioNetHeader.GsoTcpV4
            ? TunConstants.TUN_F_TSO4 | ((gsoType & VirtioNetHeader.GsoEcn) != 0 ? TunConstants.TUN_F_TSO_ECN : 0)
            : TunConstants.TUN_F_USO4;
        return (_offloadFlags & needed) == needed;
    }

    /// <summary>One GSO write: the header goes into the room the outer header leaves in front of the inner packet.</summary>
    private unsafe bool WriteJoined(byte* inner, int innerLength, in VirtioNetHeader forTun)
    {
        forTun.Write(new Span<byte>(inner - VirtioNetHeader.Size, VirtioNetHeader.Size));
        return WriteJoinedTun(inner - VirtioNetHeader.Size, innerLength + VirtioNetHeader.Size, innerLength, JoinedPacket.Segments(forTun, innerLength));
    }

    /// <summary>Cuts the joined packet into wire-sized packets (every checksum computed) and writes each.</summary>
    private unsafe bool WriteCut(byte* inner, int innerLength, in VirtioNetHeader forTun)
    {
        _cut ??= new byte[CutStride * CutCount];
        _cutLengths ??= new int[CutCount];
        var headroom = _vnet ? VirtioNetHeader.Size : 0;
        var made = GsoSegmenter.Segment(new ReadOnlySpan<byte>(inner, innerLength), forTun, _cut, CutStride, VirtioNetHeader.Size, _cutLengths);
        if (made <= 0)
        {
            _malformed++;
            return true;
        }

        fixed (byte* cut = _cut)
        {
            for (var i = 0; i < made; i++)
            {
                var start = cut + (i * CutStride) + VirtioNetHeader.Size - headroom;
                new Span<byte>(start, headroom).Clear();
                if (!WriteJoinedTun(start, _cutLengths[i] + headroom, _cutLengths[i], 1))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>A write to the TUN device from this thread, counted in its own counters: <paramref name="segments"/> wire packets as one.</summary>
    private unsafe bool WriteJoinedTun(byte* data, int length, int innerLength, int segments)
    {
        _joinedWrites++;
        if (!WriteTun(data, length))
        {
            return !_stopping;
        }

        _joinedPackets++;
        _joinedBytes += innerLength;
        _joinedSegments += segments - 1;
        return true;
    }
}
