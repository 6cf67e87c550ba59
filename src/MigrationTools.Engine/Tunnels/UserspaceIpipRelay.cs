using System;
using System.Buffers.Binary;
using System.IO;
using System.Net;
using System.Threading;
using MigrationTools.Engine.Interop;
using MigrationTools.Engine.Namespaces;
using MigrationTools.Engine.State;

namespace MigrationTools.Engine.Tunnels;

/// <summary>
/// The userspace IP-in-IP tunnel (RFC 2003): runs inside the tunnel's namespace, attached to a TUN device, a raw
/// IPv4 socket of protocol 4 bound to the local address (receiving) and a header-included raw socket (sending).
/// Packets routed into the TUN device get an outer header (source local, destination remote, protocol 4, the
/// tunnel's TTL and TOS, DF copied from the inner header as RFC 2003 section 3.1 asks) and go to the remote end;
/// one too big for the underlay with DF set is answered with an ICMP "fragmentation needed" into the tunnel, as
/// the kernel's ipip does (section 5.1). Protocol-4 packets from the remote end have their outer header checked
/// and removed and the inner packet is written to the TUN device. Anything malformed or foreign is dropped and
/// counted; a failure while handling one packet is counted and logged (rate-limited), never fatal. The relay
/// ends when its TUN device goes away or its namespace is removed, so it never outlives what it serves.
/// </summary>
public sealed class UserspaceIpipRelay
{
    private const int Batch = 32;
    private const int SlotSize = 65536 + 20;
    /// <summary>An ICMP error: 20 (IP) + 8 (ICMP) + the quoted header (at most 60) + 8 bytes of its payload.</summary>
    private const int IcmpBufferSize = 128;

    private readonly RelaySettings _settings;
    private readonly RateLimitedLog _log;
    private int _tun = -1;
    private int _raw = -1;
    private int _send = -1;
    private long _encapPackets, _encapBytes, _decapPackets, _decapBytes, _malformed, _notIpip, _wrongSource, _innerNotIPv4, _sendErrors, _internalErrors, _fragmentationNeeded;
    private volatile bool _stopping;
    private string _endReason = "stopped";
    private readonly ManualResetEventSlim _stopped = new();

    /// <summary>Prepares a relay; <see cref="Open"/> attaches it.</summary>
    public UserspaceIpipRelay(RelaySettings settings, TextWriter log)
    {
        _settings = settings;
        _log = new RateLimitedLog(log, TimeSpan.FromSeconds(1));
    }

    /// <summary>Attaches to the TUN device and opens the raw sockets; throws with the errno on failure.</summary>
    public unsafe void Open()
    {
        _tun = TunDevice.Attach(_settings.Name, 0);
        _raw = Libc.Socket(Sock.AF_INET, Sock.SOCK_RAW | Sock.SOCK_CLOEXEC, IpipPacket.ProtocolIpip);
        Check(_raw, "open a raw IP-in-IP socket");
        var address = new SockAddrIn { Family = Sock.AF_INET, Address = ToNetworkOrder(_settings.Local) };
        Check(Libc.Bind(_raw, &address, sizeof(SockAddrIn)), $"bind the raw socket to {_settings.Local}");
        // IPPROTO_RAW: header included, never receives. The relay writes the outer header; the kernel fills in the
        // identification and the checksum and does not fragment.
        _send = Libc.Socket(Sock.AF_INET, Sock.SOCK_RAW | Sock.SOCK_CLOEXEC, Sock.IPPROTO_RAW);
        Check(_send, "open a header-included raw socket");
        Libc.SetSockOptInt(_raw, Sock.SOL_SOCKET, Sock.SO_RCVBUFFORCE, 4 << 20);
        Libc.SetSockOptInt(_send, Sock.SOL_SOCKET, Sock.SO_SNDBUFFORCE, 4 << 20);
    }

    /// <summary>Relays until <see cref="Stop"/>, the device goes or the namespace goes; returns why it ended.</summary>
    public string Run()
    {
        var toRemote = new Thread(() => Guard(EncapsulateLoop, "tun->raw")) { IsBackground = true, Name = "tun->raw" };
        var fromRemote = new Thread(() => Guard(DecapsulateLoop, "raw->tun")) { IsBackground = true, Name = "raw->tun" };
        toRemote.Start();
        fromRemote.Start();
        do
        {
            WriteStats();
            if (_settings.NamespacePath is { } path && NetNsIdentity.Of(path) != _settings.NamespaceIdentity)
            {
                Stop($"its namespace {path} was removed");
            }
        }
        while (!_stopped.Wait(500));

        WriteStats();
        return _endReason;
    }

    /// <summary>Ends <see cref="Run"/>; the process exits after it.</summary>
    public void Stop(string reason)
    {
        lock (_stopped)
        {
            if (_stopping)
            {
                return;
            }

            _endReason = reason;
            _stopping = true;
        }

        _stopped.Set();
    }

    /// <summary>The counters so far.</summary>
    /// <remarks>
    /// Each counter has one writer (the thread of its direction; drops and send errors may come from both, and a
    /// rare lost increment there is acceptable); reads of aligned 64-bit fields are atomic on 64-bit platforms.
    /// </remarks>
    public IpipCounters Counters => new(
        Volatile.Read(ref _encapPackets), Volatile.Read(ref _encapBytes), Volatile.Read(ref _decapPackets), Volatile.Read(ref _decapBytes),
        Volatile.Read(ref _malformed), Volatile.Read(ref _notIpip), Volatile.Read(ref _wrongSource), Volatile.Read(ref _innerNotIPv4),
        Volatile.Read(ref _sendErrors), Volatile.Read(ref _internalErrors), Volatile.Read(ref _fragmentationNeeded), DateTime.UtcNow);

    /// <summary>Runs one direction; an exception that escapes the per-packet guard ends the relay with its reason, logged.</summary>
    private void Guard(Action loop, string direction)
    {
        try
        {
            loop();
        }
        catch (Exception ex)
        {
            _log.Write($"{direction} ended by an unexpected failure: {ex}");
            Stop($"the {direction} direction failed: {ex.Message}");
        }
    }

    private unsafe void EncapsulateLoop()
    {
        // Packets are read from the TUN device until it is empty (or a batch is full), each 20 bytes into its slot
        // so the outer header goes in front without a copy, and the batch leaves in one sendmmsg.
        RelayBatch.Allocate(Batch, SlotSize, out var slots, out var vectors, out var messages);
        var remote = new SockAddrIn { Family = Sock.AF_INET, Address = ToNetworkOrder(_settings.Remote) };
        var source = BinaryPrimitives.ReadUInt32BigEndian(_settings.Local.GetAddressBytes());
        var destination = BinaryPrimitives.ReadUInt32BigEndian(_settings.Remote.GetAddressBytes());
        Libc.Fcntl(_tun, FileConstants.F_SETFL, Libc.Fcntl(_tun, FileConstants.F_GETFL, 0) | FileConstants.O_NONBLOCK);
        for (var i = 0; i < Batch; i++)
        {
            messages[i].Header.Name = &remote;
            messages[i].Header.NameLength = (uint)sizeof(SockAddrIn);
        }

        while (!_stopping)
        {
            var count = 0;
            while (count < Batch)
            {
                var slot = slots + (count * SlotSize);
                var n = Libc.Read(_tun, slot + 20, SlotSize - 20);
                if (n <= 0)
                {
                    var errno = n < 0 ? Libc.LastError : Errno.None;
                    if (errno == Errno.EINTR)
                    {
                        continue;
                    }

                    if (errno is Errno.EBADFD or Errno.EBADF or Errno.EIO or Errno.ENODEV or Errno.ENXIO)
                    {
                        Stop($"its TUN device {_settings.Name} went away ({Libc.Describe(errno)})");
                        return;
                    }

                    if (errno is not (Errno.None or Errno.EAGAIN))
                    {
                        _log.Write("tun-read", $"TUN read failed: {Libc.Describe(errno)} (errno {(int)errno})");
                        Thread.Sleep(10);
                    }

                    break;
                }

                try
                {
                    var verdict = IpipPacket.CheckInner(new ReadOnlySpan<byte>(slot + 20, (int)n));
                    if (verdict != IpipDrop.None)
                    {
                        Count(verdict);
                        continue;
                    }

                    vectors[count].Length = (nuint)IpipPacket.WriteOuterHeader(new Span<byte>(slot, (int)n + 20), source, destination, _settings.Ttl, _settings.Tos, 0);
                    count++;
                }
                catch (Exception ex)
                {
                    Failed("encapsulate", ex);
                }
            }

            if (count == 0)
            {
                var wait = new PollFd { Fd = _tun, Events = FileConstants.POLLIN };
                Libc.Poll(&wait, 1, 500);
                continue;
            }

            SendBatch(messages, vectors, count);
        }
    }

    private unsafe void SendBatch(MMsgHdr* messages, IoVec* vectors, int count)
    {
        var icmp = stackalloc byte[IcmpBufferSize];
        var start = 0;
        while (start < count)
        {
            var sent = Libc.SendMmsg(_send, messages + start, (uint)(count - start), 0);
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
                        if (Libc.Write(_tun, icmp, size) > 0)
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

    private unsafe void DecapsulateLoop()
    {
        // recvmmsg takes whatever has queued up (at least one packet) in one call.
        RelayBatch.Allocate(Batch, SlotSize, out _, out var vectors, out var messages);
        var expected = BinaryPrimitives.ReadUInt32BigEndian(_settings.Remote.GetAddressBytes());
        while (!_stopping)
        {
            for (var i = 0; i < Batch; i++)
            {
                vectors[i].Length = SlotSize;
            }

            var received = Libc.RecvMmsg(_raw, messages, Batch, Sock.MSG_WAITFORONE, null);
            if (received < 0)
            {
                var errno = Libc.LastError;
                if (errno != Errno.EINTR)
                {
                    _log.Write("raw-read", $"raw socket read failed: {Libc.Describe(errno)} (errno {(int)errno})");
                    Thread.Sleep(10);
                }

                continue;
            }

            for (var i = 0; i < received; i++)
            {
                try
                {
                    var packet = (byte*)vectors[i].Base;
                    var verdict = IpipPacket.TryDecapsulate(new ReadOnlySpan<byte>(packet, (int)Math.Min(messages[i].Length, SlotSize)), expected, out var offset, out var innerLength);
                    if (verdict != IpipDrop.None)
                    {
                        Count(verdict);
                        continue;
                    }

                    if (Libc.Write(_tun, packet + offset, innerLength) < 0)
                    {
                        var errno = Libc.LastError;
                        if (errno is Errno.EBADFD or Errno.EBADF or Errno.EIO or Errno.ENODEV or Errno.ENXIO)
                        {
                            Stop($"its TUN device {_settings.Name} went away ({Libc.Describe(errno)})");
                            return;
                        }

                        _sendErrors++;
                        continue;
                    }

                    _decapPackets++;
                    _decapBytes += innerLength;
                }
                catch (Exception ex)
                {
                    Failed("decapsulate", ex);
                }
            }
        }
    }

    private void Failed(string what, Exception ex)
    {
        Interlocked.Increment(ref _internalErrors);
        _log.Write("internal:" + what, $"Could not {what} a packet (dropped): {ex.GetType().Name}: {ex.Message}");
    }

    private void Count(IpipDrop verdict)
    {
        switch (verdict)
        {
            case IpipDrop.Malformed: _malformed++; break;
            case IpipDrop.NotIpip: _notIpip++; break;
            case IpipDrop.WrongSource: _wrongSource++; break;
            case IpipDrop.InnerNotIPv4: _innerNotIPv4++; break;
        }
    }

    private void WriteStats()
    {
        try
        {
            StateFiles.Write(_settings.StatsPath, Counters);
        }
        catch (Exception ex)
        {
            _log.Write("stats", "Could not write stats: " + ex.Message);
        }
    }

    private static uint ToNetworkOrder(IPAddress address) => BitConverter.ToUInt32(address.GetAddressBytes(), 0);

    private static void Check(int result, string what)
    {
        if (result < 0)
        {
            var errno = Libc.LastError;
            throw new IOException($"Could not {what}: {Libc.Describe(errno)} (errno {(int)errno}).");
        }
    }
}
