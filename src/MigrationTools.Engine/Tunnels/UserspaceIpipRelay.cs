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
/// The userspace IP-in-IP tunnel (RFC 2003): runs inside the tunnel's namespace, attached to a TUN device and a raw
/// IPv4 socket of protocol 4 bound to the local address. Packets routed into the TUN device are sent through the
/// raw socket to the remote end (the kernel adds the outer header: source local, destination remote, protocol 4);
/// protocol-4 packets from the remote end have their outer header checked and removed and the inner packet is
/// written to the TUN device. Anything malformed or foreign is dropped and counted, never fatal.
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
    private const int IpTos = 1;
    private const int IpTtl = 2;
    private const int IpMtuDiscover = 10;
    private const int IpPmtuDiscDont = 0;
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

    [DllImport("libc", SetLastError = true)] private static extern int open(string path, int flags);
    [DllImport("libc", SetLastError = true)] private static extern unsafe int ioctl(int fd, ulong request, byte* argument);
    [DllImport("libc", SetLastError = true)] private static extern int socket(int domain, int type, int protocol);
    [DllImport("libc", SetLastError = true)] private static extern int bind(int fd, ref SockAddrIn address, int length);
    [DllImport("libc", SetLastError = true)] private static extern int setsockopt(int fd, int level, int name, ref int value, int length);
    [DllImport("libc", SetLastError = true)] private static extern unsafe nint read(int fd, byte* buffer, nint count);
    [DllImport("libc", SetLastError = true)] private static extern unsafe nint write(int fd, byte* buffer, nint count);
    [DllImport("libc", SetLastError = true)] private static extern unsafe nint recv(int fd, byte* buffer, nint count, int flags);
    [DllImport("libc", SetLastError = true)] private static extern unsafe nint sendto(int fd, byte* buffer, nint count, int flags, ref SockAddrIn address, int length);
    [DllImport("libc", SetLastError = true)] private static extern int close(int fd);

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
        int ttl = _ttl, tos = _tos, pmtu = IpPmtuDiscDont, buffer = 4 << 20;
        Check(setsockopt(_raw, IpProtoIp, IpTtl, ref ttl, sizeof(int)), "set the TTL");
        Check(setsockopt(_raw, IpProtoIp, IpTos, ref tos, sizeof(int)), "set the TOS");
        // The outer packet may be fragmented on the underlay, as the kernel's ipip does for DF-less inner packets.
        setsockopt(_raw, IpProtoIp, IpMtuDiscover, ref pmtu, sizeof(int));
        setsockopt(_raw, SolSocket, SoRcvBufForce, ref buffer, sizeof(int));
        setsockopt(_raw, SolSocket, SoSndBufForce, ref buffer, sizeof(int));
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
    public IpipCounters Counters => new(
        Interlocked.Read(ref _encapPackets), Interlocked.Read(ref _encapBytes), Interlocked.Read(ref _decapPackets), Interlocked.Read(ref _decapBytes),
        Interlocked.Read(ref _malformed), Interlocked.Read(ref _notIpip), Interlocked.Read(ref _wrongSource), Interlocked.Read(ref _innerNotIPv4),
        Interlocked.Read(ref _sendErrors), DateTime.UtcNow);

    private unsafe void EncapsulateLoop()
    {
        var buffer = new byte[65536];
        var remote = new SockAddrIn { Family = AfInet, Address = ToNetworkOrder(_remote) };
        var length = Marshal.SizeOf<SockAddrIn>();
        fixed (byte* pointer = buffer)
        {
            while (!_stopping)
            {
                var n = read(_tun, pointer, buffer.Length);
                if (n <= 0)
                {
                    if (n < 0 && Marshal.GetLastPInvokeError() != Eintr)
                    {
                        Log($"TUN read failed: errno {Marshal.GetLastPInvokeError()}");
                        Thread.Sleep(10);
                    }

                    continue;
                }

                var verdict = IpipPacket.CheckInner(new ReadOnlySpan<byte>(pointer, (int)n));
                if (verdict != IpipDrop.None)
                {
                    Count(verdict);
                    continue;
                }

                if (sendto(_raw, pointer, n, 0, ref remote, length) < 0)
                {
                    Interlocked.Increment(ref _sendErrors);
                    continue;
                }

                Interlocked.Increment(ref _encapPackets);
                Interlocked.Add(ref _encapBytes, n);
            }
        }
    }

    private unsafe void DecapsulateLoop()
    {
        var buffer = new byte[65536];
        var expected = BinaryPrimitives.ReadUInt32BigEndian(_remote.GetAddressBytes());
        fixed (byte* pointer = buffer)
        {
            while (!_stopping)
            {
                var n = recv(_raw, pointer, buffer.Length, 0);
                if (n <= 0)
                {
                    continue;
                }

                var verdict = IpipPacket.TryDecapsulate(new ReadOnlySpan<byte>(pointer, (int)n), expected, out var offset, out var innerLength);
                if (verdict != IpipDrop.None)
                {
                    Count(verdict);
                    continue;
                }

                if (write(_tun, pointer + offset, innerLength) < 0)
                {
                    Interlocked.Increment(ref _sendErrors);
                    continue;
                }

                Interlocked.Increment(ref _decapPackets);
                Interlocked.Add(ref _decapBytes, innerLength);
            }
        }
    }

    private void Count(IpipDrop verdict)
    {
        switch (verdict)
        {
            case IpipDrop.Malformed: Interlocked.Increment(ref _malformed); break;
            case IpipDrop.NotIpip: Interlocked.Increment(ref _notIpip); break;
            case IpipDrop.WrongSource: Interlocked.Increment(ref _wrongSource); break;
            case IpipDrop.InnerNotIPv4: Interlocked.Increment(ref _innerNotIPv4); break;
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
