using System;
using System.Buffers.Binary;
using System.IO;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading;

namespace MigrationTools.Engine.Tunnels;

/// <summary>Packet and drop counters of a userspace tunnel, written by the relay to its stats file.</summary>
public sealed record IpipCounters(
    long EncapsulatedPackets, long EncapsulatedBytes, long DecapsulatedPackets, long DecapsulatedBytes,
    long DroppedMalformed, long DroppedNotIpip, long DroppedWrongSource, long DroppedInnerNotIPv4, long SendErrors, DateTime Updated);

/// <summary>
/// The userspace IP-in-IP tunnel (RFC 2003): runs inside the tunnel's namespace, attached to a TUN device, a raw
/// IPv4 socket of protocol 4 bound to the local address (receiving) and a header-included raw socket (sending).
/// Packets routed into the TUN device get an outer header (source local, destination remote, protocol 4, the
/// tunnel's TTL and TOS, DF copied from the inner header as RFC 2003 section 3.1 asks) and go to the remote end;
/// one too big for the underlay with DF set is answered with an ICMP "fragmentation needed" into the tunnel, as
/// the kernel's ipip does (section 5.1). Protocol-4 packets from the remote end have their outer header checked
/// and removed and the inner packet is written to the TUN device. Anything malformed or foreign is dropped and
/// counted, never fatal.
/// </summary>
public sealed class UserspaceIpipRelay
{
    private const int AfInet = 2;
    private const int SockRaw = 3;
    private const int SockCloexec = 0x80000;
    private const int OrdWr = 2;
    private const int OCloexec = 0x80000;
    private const uint TunSetIff = 0x400454ca;
    private const short IffTun = 0x0001;
    private const short IffNoPi = 0x1000;
    private const int IpProtoIp = 0;
    private const int IpProtoRaw = 255;
    private const int IpProtoUdp = 17;
    private const int SockDgram = 2;
    private const int IpMtu = 14;
    private const int Emsgsize = 90;
    private const int Eagain = 11;
    private const int FGetFl = 3;
    private const int FSetFl = 4;
    private const int ONonBlock = 0x800;
    private const short PollIn = 1;
    private const int MsgWaitForOne = 0x10000;
    private const int Batch = 32;
    private const int SlotSize = 65536 + 20;
    private const int SolSocket = 1;
    private const int SoRcvBufForce = 33;
    private const int SoSndBufForce = 32;
    private const int Eintr = 4;

    private readonly string _name;
    private readonly IPAddress _local;
    private readonly IPAddress _remote;
    private readonly byte _ttl;
    private readonly byte _tos;
    private readonly string _statsPath;
    private readonly TextWriter _log;
    private int _tun = -1;
    private int _raw = -1;
    private int _send = -1;
    private long _encapPackets, _encapBytes, _decapPackets, _decapBytes, _malformed, _notIpip, _wrongSource, _innerNotIPv4, _sendErrors;
    private volatile bool _stopping;
    private readonly ManualResetEventSlim _stopped = new();

    /// <summary>Prepares a relay; <see cref="Open"/> attaches it.</summary>
    public UserspaceIpipRelay(string name, IPAddress local, IPAddress remote, byte ttl, byte tos, string statsPath, TextWriter log)
    {
        _name = name;
        _local = local;
        _remote = remote;
        _ttl = ttl;
        _tos = tos;
        _statsPath = statsPath;
        _log = log;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct SockAddrIn
    {
        public ushort Family;
        public ushort Port;
        public uint Address;
        public ulong Zero;
    }

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MMsgHdr
    {
        public MsgHdr Header;
        public uint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Returned;
    }

    [DllImport("libc", SetLastError = true)] private static extern int open(string path, int flags);
    [DllImport("libc", SetLastError = true)] private static extern int fcntl(int fd, int command, int argument);
    [DllImport("libc", SetLastError = true)] private static extern unsafe int poll(PollFd* fds, nuint count, int timeout);
    [DllImport("libc", SetLastError = true)] private static extern unsafe int sendmmsg(int fd, MMsgHdr* messages, uint count, int flags);
    [DllImport("libc", SetLastError = true)] private static extern unsafe int recvmmsg(int fd, MMsgHdr* messages, uint count, int flags, void* timeout);
    [DllImport("libc", SetLastError = true)] private static extern unsafe int ioctl(int fd, ulong request, byte* argument);
    [DllImport("libc", SetLastError = true)] private static extern int socket(int domain, int type, int protocol);
    [DllImport("libc", SetLastError = true)] private static extern int bind(int fd, ref SockAddrIn address, int length);
    [DllImport("libc", SetLastError = true)] private static extern int setsockopt(int fd, int level, int name, ref int value, int length);
    [DllImport("libc", SetLastError = true)] private static extern unsafe nint read(int fd, byte* buffer, nint count);
    [DllImport("libc", SetLastError = true)] private static extern unsafe nint write(int fd, byte* buffer, nint count);
    [DllImport("libc", SetLastError = true)] private static extern int close(int fd);
    [DllImport("libc", SetLastError = true)] private static extern int connect(int fd, ref SockAddrIn address, int length);
    [DllImport("libc", SetLastError = true)] private static extern int getsockopt(int fd, int level, int name, ref int value, ref int length);

    /// <summary>Attaches to the TUN device and opens the raw socket; throws with the errno on failure.</summary>
    public unsafe void Open()
    {
        _tun = open("/dev/net/tun", OrdWr | OCloexec);
        Check(_tun, "open /dev/net/tun");
        var request = stackalloc byte[40];
        new Span<byte>(request, 40).Clear();
        var nameBytes = System.Text.Encoding.ASCII.GetBytes(_name);
        nameBytes.CopyTo(new Span<byte>(request, 16));
        *(short*)(request + 16) = IffTun | IffNoPi;
        Check(ioctl(_tun, TunSetIff, request), $"attach to TUN device {_name}");

        _raw = socket(AfInet, SockRaw | SockCloexec, IpipPacket.ProtocolIpip);
        Check(_raw, "open a raw IP-in-IP socket");
        var address = new SockAddrIn { Family = AfInet, Address = ToNetworkOrder(_local) };
        Check(bind(_raw, ref address, Marshal.SizeOf<SockAddrIn>()), $"bind the raw socket to {_local}");
        // IPPROTO_RAW: header included, never receives. The relay writes the outer header; the kernel fills in the
        // identification and the checksum and does not fragment.
        _send = socket(AfInet, SockRaw | SockCloexec, IpProtoRaw);
        Check(_send, "open a header-included raw socket");
        int buffer = 4 << 20;
        setsockopt(_raw, SolSocket, SoRcvBufForce, ref buffer, sizeof(int));
        setsockopt(_send, SolSocket, SoSndBufForce, ref buffer, sizeof(int));
    }

    /// <summary>Relays until <see cref="Stop"/>; the two directions run on their own threads.</summary>
    public void Run()
    {
        var toRemote = new Thread(EncapsulateLoop) { IsBackground = true, Name = "tun->raw" };
        var fromRemote = new Thread(DecapsulateLoop) { IsBackground = true, Name = "raw->tun" };
        toRemote.Start();
        fromRemote.Start();
        do
        {
            WriteStats();
        }
        while (!_stopped.Wait(500));

        WriteStats();
    }

    /// <summary>Ends <see cref="Run"/>; the process exits after it.</summary>
    public void Stop()
    {
        _stopping = true;
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
        Volatile.Read(ref _sendErrors), DateTime.UtcNow);

    private unsafe void EncapsulateLoop()
    {
        // Packets are read from the TUN device until it is empty (or a batch is full), each 20 bytes into its slot
        // so the outer header goes in front without a copy, and the batch leaves in one sendmmsg.
        AllocateBatch(out var slots, out var vectors, out var messages);
        var remote = new SockAddrIn { Family = AfInet, Address = ToNetworkOrder(_remote) };
        var source = BinaryPrimitives.ReadUInt32BigEndian(_local.GetAddressBytes());
        var destination = BinaryPrimitives.ReadUInt32BigEndian(_remote.GetAddressBytes());
        fcntl(_tun, FSetFl, fcntl(_tun, FGetFl, 0) | ONonBlock);
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
                var n = read(_tun, slot + 20, SlotSize - 20);
                if (n <= 0)
                {
                    var errno = n < 0 ? Marshal.GetLastPInvokeError() : 0;
                    if (errno == Eintr)
                    {
                        continue;
                    }

                    if (errno != 0 && errno != Eagain)
                    {
                        Log($"TUN read failed: errno {errno}");
                        Thread.Sleep(10);
                    }

                    break;
                }

                var verdict = IpipPacket.CheckInner(new ReadOnlySpan<byte>(slot + 20, (int)n));
                if (verdict != IpipDrop.None)
                {
                    Count(verdict);
                    continue;
                }

                vectors[count].Length = (nuint)IpipPacket.WriteOuterHeader(new Span<byte>(slot, (int)n + 20), source, destination, _ttl, _tos, 0);
                count++;
            }

            if (count == 0)
            {
                var wait = new PollFd { Fd = _tun, Events = PollIn };
                poll(&wait, 1, 500);
                continue;
            }

            SendBatch(messages, vectors, count);
        }
    }

    /// <summary>Batch buffers for one direction: a slot per message, each message's single iovec pointing at its slot.</summary>
    private static unsafe void AllocateBatch(out byte* slots, out IoVec* vectors, out MMsgHdr* messages)
    {
        slots = (byte*)NativeMemory.Alloc((nuint)(Batch * SlotSize));
        vectors = (IoVec*)NativeMemory.AllocZeroed((nuint)(Batch * sizeof(IoVec)));
        messages = (MMsgHdr*)NativeMemory.AllocZeroed((nuint)(Batch * sizeof(MMsgHdr)));
        for (var i = 0; i < Batch; i++)
        {
            vectors[i].Base = slots + (i * SlotSize);
            messages[i].Header.Iov = &vectors[i];
            messages[i].Header.IovLength = 1;
        }

    }

    private unsafe void SendBatch(MMsgHdr* messages, IoVec* vectors, int count)
    {
        var icmp = stackalloc byte[64];
        var start = 0;
        while (start < count)
        {
            var sent = sendmmsg(_send, messages + start, (uint)(count - start), 0);
            if (sent <= 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (sent < 0 && errno == Eintr)
                {
                    continue;
                }

                var inner = new ReadOnlySpan<byte>((byte*)vectors[start].Base + 20, (int)vectors[start].Length - 20);
                if (errno == Emsgsize && IpipPacket.DontFragment(inner))
                {
                    // Too big for the underlay: tell the sender the tunnel's real MTU, as a router would. The
                    // message comes from the inner destination: an address of this namespace would be a martian
                    // on the way in, and the destination's route points into the tunnel, so rp_filter passes it.
                    var size = IpipPacket.FragmentationNeeded(inner, BinaryPrimitives.ReadUInt32BigEndian(inner[16..]), (ushort)(UnderlayMtu() - 20), new Span<byte>(icmp, 64));
                    write(_tun, icmp, size);
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
    private int UnderlayMtu()
    {
        var probe = socket(AfInet, SockDgram | SockCloexec, IpProtoUdp);
        try
        {
            var remote = new SockAddrIn { Family = AfInet, Port = 9, Address = ToNetworkOrder(_remote) };
            int mtu = 0, size = sizeof(int);
            return probe >= 0 && connect(probe, ref remote, Marshal.SizeOf<SockAddrIn>()) == 0 && getsockopt(probe, IpProtoIp, IpMtu, ref mtu, ref size) == 0 && mtu >= 68 ? mtu : 1500;
        }
        finally
        {
            if (probe >= 0)
            {
                close(probe);
            }
        }
    }

    private unsafe void DecapsulateLoop()
    {
        // recvmmsg takes whatever has queued up (at least one packet) in one call.
        AllocateBatch(out _, out var vectors, out var messages);
        for (var i = 0; i < Batch; i++)
        {
            vectors[i].Length = SlotSize;
        }

        var expected = BinaryPrimitives.ReadUInt32BigEndian(_remote.GetAddressBytes());
        while (!_stopping)
        {
            var received = recvmmsg(_raw, messages, Batch, MsgWaitForOne, null);
            for (var i = 0; i < received; i++)
            {
                var packet = (byte*)vectors[i].Base;
                var verdict = IpipPacket.TryDecapsulate(new ReadOnlySpan<byte>(packet, (int)messages[i].Length), expected, out var offset, out var innerLength);
                if (verdict != IpipDrop.None)
                {
                    Count(verdict);
                    continue;
                }

                if (write(_tun, packet + offset, innerLength) < 0)
                {
                    _sendErrors++;
                    continue;
                }

                _decapPackets++;
                _decapBytes += innerLength;
            }
        }
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
            var temporary = _statsPath + ".tmp";
            File.WriteAllText(temporary, JsonSerializer.Serialize(Counters));
            File.Move(temporary, _statsPath, overwrite: true);
        }
        catch (IOException ex)
        {
            Log("Could not write stats: " + ex.Message);
        }
    }

    private void Log(string message)
    {
        lock (_log)
        {
            _log.WriteLine($"{DateTime.UtcNow:O} {message}");
            _log.Flush();
        }
    }

    private static uint ToNetworkOrder(IPAddress address) => BitConverter.ToUInt32(address.GetAddressBytes(), 0);

    private static void Check(int result, string what)
    {
        if (result < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"Could not {what}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
        }
    }
}
