using System;
using System.Buffers.Binary;
using System.Threading;
using MigrationTools.Core.Interop;

namespace MigrationTools.Agent.Relay;

/// <summary>The tunnel's way out: packets read from the TUN device, encapsulated and sent to the remote end in batches.</summary>
internal sealed partial class UserspaceIpipRelay
{
    private const long ReadAgain = -1, ReadGone = -2;

    /// <summary>
    /// One read from the TUN device: the bytes read; 0 when it is empty (or a read failed and was logged);
    /// ReadAgain after a signal; ReadGone when the device went away (the relay is stopping).
    /// </summary>
    private unsafe long ReadTun(byte* buffer, int size)
    {
        var n = Libc.Read(_tun, buffer, size);
        if (n > 0)
        {
            return n;
        }

        var errno = n < 0 ? Libc.LastError : Errno.None;
        if (errno == Errno.EINTR)
        {
            return ReadAgain;
        }

        if (errno is Errno.EBADFD or Errno.EBADF or Errno.EIO or Errno.ENODEV or Errno.ENXIO)
        {
            Stop($"its TUN device {_settings.Name} went away ({Libc.Describe(errno)})");
            return ReadGone;
        }

        if (errno is not (Errno.None or Errno.EAGAIN))
        {
            _log.Write("tun-read", $"TUN read failed: {Libc.Describe(errno)} (errno {(int)errno})");
            Thread.Sleep(10);
        }

        return 0;
    }

    /// <summary>Wire-sized packets a send batch holds (a 64 KB GSO packet cut at a small segment size fits).</summary>
    private const int SegmentBatch = 128;

    /// <summary>
    /// Packets are read from the TUN device until it is empty (or a batch is full), and the batch leaves in one
    /// sendmmsg. Without offloads each packet is read 20 bytes into its send slot, so the outer header goes in front
    /// without a copy. With offloads the kernel hands over up to 64 KB at a time behind a virtio-net header: each is
    /// cut into wire-sized packets (<see cref="GsoSegmenter"/>) straight into the send slots, 20 bytes in.
    /// </summary>
    private unsafe void EncapsulateLoop()
    {
        const int InputSize = VirtioNetHeader.Size + 65536;
        var batch = _vnet ? SegmentBatch : Batch;
        var input = _vnet ? new byte[InputSize] : null;
        var lengths = new int[batch];
        RelayBatch.Allocate(batch, SlotSize, out var slots, out var vectors, out var messages);
        var remote = new SockAddrIn { Family = Sock.AF_INET, Address = ToNetworkOrder(_settings.Remote) };
        var outer = (Source: BinaryPrimitives.ReadUInt32BigEndian(_settings.Local.GetAddressBytes()), Destination: BinaryPrimitives.ReadUInt32BigEndian(_settings.Remote.GetAddressBytes()));
        Libc.Fcntl(_tun, FileConstants.F_SETFL, Libc.Fcntl(_tun, FileConstants.F_GETFL, 0) | FileConstants.O_NONBLOCK);
        Volatile.Write(ref _encapsulateThread, ThreadCpu.Current());
        for (var i = 0; i < batch; i++)
        {
            messages[i].Header.Name = &remote;
            messages[i].Header.NameLength = (uint)sizeof(SockAddrIn);
        }

        while (!_stopping)
        {
            var count = 0;
            while (count < batch)
            {
                var slot = slots + (count * SlotSize);
                long n;
                fixed (byte* buffer = input)
                {
                    n = input is null ? ReadTun(slot + 20, SlotSize - 20) : ReadTun(buffer, InputSize);
                }

                if (n == ReadAgain)
                {
                    continue;
                }

                if (n == ReadGone)
                {
                    return;
                }

                if (n <= 0)
                {
                    break;
                }

                _tunReads++;
                try
                {
                    if (input is null)
                    {
                        lengths[0] = (int)n;
                        count = Accept(slots, vectors, count, 1, lengths, outer);
                    }
                    else
                    {
                        count = Segment(input.AsSpan(0, (int)n), slots, vectors, messages, count, lengths, outer);
                    }
                }
                catch (Exception ex)
                {
                    Failed("encapsulate", ex);
                }
            }

            if (count == 0)
            {
                var wait = new PollFd { Fd = _tun.Number, Events = FileConstants.POLLIN };
                Libc.Poll(&wait, 1, 500);
                continue;
            }

            SendBatch(messages, vectors, count);
        }
    }

    /// <summary>
    /// Cuts one offloaded read (virtio-net header, then up to 64 KB) into the slots from <paramref name="count"/> on,
    /// sending what is ready first when they do not hold it; the new count of ready slots.
    /// </summary>
    private unsafe int Segment(Span<byte> read, byte* slots, IoVec* vectors, MMsgHdr* messages, int count, int[] lengths, (uint Source, uint Destination) outer)
    {
        if (read.Length < VirtioNetHeader.Size)
        {
            _malformed++;
            return count;
        }

        var header = VirtioNetHeader.Read(read);
        var packet = read[VirtioNetHeader.Size..];
        var output = new Span<byte>(slots, lengths.Length * SlotSize);
        var made = GsoSegmenter.Segment(packet, header, output[(count * SlotSize)..], SlotSize, 20, lengths.AsSpan(0, lengths.Length - count));
        if (made == -2 && count > 0)
        {
            // Not enough free slots for this one: send what is ready, then cut it into empty slots.
            SendBatch(messages, vectors, count);
            count = 0;
            made = GsoSegmenter.Segment(packet, header, output, SlotSize, 20, lengths);
        }

        if (made < 0)
        {
            _malformed++;
            return count;
        }

        if (made > 1)
        {
            _segmented++;
        }

        return Accept(slots, vectors, count, made, lengths, outer);
    }

    /// <summary>
    /// Checks the <paramref name="made"/> packets in the slots from <paramref name="first"/> on (their lengths in
    /// <paramref name="lengths"/>), compacts the accepted ones (almost always all) into consecutive slots and writes
    /// their outer headers; the new count of ready slots.
    /// </summary>
    private unsafe int Accept(byte* slots, IoVec* vectors, int first, int made, int[] lengths, (uint Source, uint Destination) outer)
    {
        var count = first;
        for (var i = 0; i < made; i++)
        {
            var from = slots + ((first + i) * SlotSize);
            var verdict = IpipPacket.CheckInner(new ReadOnlySpan<byte>(from + 20, lengths[i]));
            if (verdict != IpipDrop.None)
            {
                Count(verdict);
                continue;
            }

            var to = slots + (count * SlotSize);
            if (from != to)
            {
                Buffer.MemoryCopy(from + 20, to + 20, SlotSize - 20, lengths[i]);
            }

            vectors[count].Length = (nuint)IpipPacket.WriteOuterHeader(new Span<byte>(to, lengths[i] + 20), outer.Source, outer.Destination, _settings.Ttl, _settings.Tos, 0);
            count++;
        }

        return count;
    }

    private unsafe void SendBatch(MMsgHdr* messages, IoVec* vectors, int count)
    {
        // Room for a virtio-net header in front: with offloads every write to the TUN device starts with one.
        var icmpFrame = stackalloc byte[VirtioNetHeader.Size + IcmpBufferSize];
        new Span<byte>(icmpFrame, VirtioNetHeader.Size).Clear();
        var icmp = icmpFrame + VirtioNetHeader.Size;
        var start = 0;
        while (start < count)
        {
            var sent = Libc.SendMmsg(_send, messages + start, (uint)(count - start), 0);
            _sendCalls++;
            if (sent <= 0)
            {
                var errno = Libc.LastError;
                if (sent < 0 && errno == Errno.EINTR)
                {
                    continue;
                }

                try
                {
                    var inner = new ReadOnlySpan<byte>((byte*)vectors[start].Base + 20, (int)vectors[start].Length - 20);
                    if (errno == Errno.EMSGSIZE && IpipPacket.DontFragment(inner))
                    {
                        // Too big for the underlay: tell the sender the tunnel's real MTU, as a router would. The
                        // message comes from the inner destination: an address of this namespace would be a martian
                        // on the way in, and the destination's route points into the tunnel, so rp_filter passes it.
                        var size = IpipPacket.FragmentationNeeded(inner, BinaryPrimitives.ReadUInt32BigEndian(inner[16..]), (ushort)(UnderlayMtu() - 20), new Span<byte>(icmp, IcmpBufferSize));
                        if (_vnet ? Libc.Write(_tun, icmpFrame, size + VirtioNetHeader.Size) > 0 : Libc.Write(_tun, icmp, size) > 0)
                        {
                            _fragmentationNeeded++;
                        }
                    }
                }
                catch (Exception ex)
                {
                    Failed("answer a packet too big for the underlay", ex);
                }

                _sendErrors++;
                start++;
                continue;
            }

            for (var i = start; i < start + sent; i++)
            {
                _encapPackets++;
                _encapBytes += (long)vectors[i].Length - 20;
            }

            start += sent;
        }
    }

    /// <summary>The path MTU towards the remote end, read from a connected UDP socket (1500 if that fails).</summary>
    private unsafe int UnderlayMtu()
    {
        var probe = Libc.Socket(Sock.AF_INET, Sock.SOCK_DGRAM | Sock.SOCK_CLOEXEC, Sock.IPPROTO_UDP);
        try
        {
            var remote = new SockAddrIn { Family = Sock.AF_INET, Port = 9, Address = ToNetworkOrder(_settings.Remote) };
            int mtu = 0, size = sizeof(int);
            return probe >= 0 && Libc.Connect(probe, &remote, sizeof(SockAddrIn)) == 0 && Libc.GetSockOpt(probe, Sock.IPPROTO_IP, Sock.IP_MTU, &mtu, &size) == 0 && mtu >= 68 ? mtu : 1500;
        }
        finally
        {
            if (probe >= 0)
            {
                Libc.Close(probe);
            }
        }
    }
}
