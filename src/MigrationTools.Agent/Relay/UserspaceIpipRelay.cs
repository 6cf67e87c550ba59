using System;
using System.IO;
using System.Net;
using System.Threading;
using MigrationTools.Core.Interop;
using MigrationTools.Engine.Namespaces;
using MigrationTools.Engine.State;

using MigrationTools.Engine.Tunnels;

namespace MigrationTools.Agent.Relay;

/// <summary>
/// The userspace IP-in-IP tunnel (RFC 2003): runs inside the tunnel's namespace, attached to a TUN device, a raw
/// IPv4 socket of protocol 4 bound to the local address (receiving), a header-included raw socket (sending) and an
/// AF_PACKET socket for the packets the underlay's receive offload joined (see <see cref="GsoSocketFilter"/>).
/// Packets routed into the TUN device get an outer header (source local, destination remote, protocol 4, the
/// tunnel's TTL and TOS, DF copied from the inner header as RFC 2003 section 3.1 asks) and go to the remote end;
/// one too big for the underlay with DF set is answered with an ICMP "fragmentation needed" into the tunnel, as
/// the kernel's ipip does (section 5.1). Protocol-4 packets from the remote end have their outer header checked
/// and removed and the inner packet is written to the TUN device. Anything malformed or foreign is dropped and
/// counted; a failure while handling one packet is counted and logged (rate-limited), never fatal. The relay
/// ends when its TUN device goes away or its namespace is removed, so it never outlives what it serves.
/// </summary>
internal sealed partial class UserspaceIpipRelay
{
    private const int Batch = 32;
    private const int SlotSize = 65536 + 20;
    /// <summary>An ICMP error: 20 (IP) + 8 (ICMP) + the quoted header (at most 60) + 8 bytes of its payload.</summary>
    private const int IcmpBufferSize = 128;

    private readonly RelaySettings _settings;
    private readonly RateLimitedLog _log;
    private FileDescriptor _tun = new(-1);
    private FileDescriptor _raw = new(-1);
    private FileDescriptor _send = new(-1);
    private FileDescriptor _joined = new(-1);
    private long _encapPackets, _encapBytes, _decapPackets, _decapBytes, _malformed, _notIpip, _wrongSource, _innerNotIPv4, _sendErrors, _internalErrors, _fragmentationNeeded;
    private long _segmented, _coalesced, _finishedChecksums;
    private long _tunReads, _sendCalls, _receiveCalls, _tunWrites;
    private int _encapsulateThread, _decapsulateThread, _joinedThread;
    private string _offloads = "none";
    private int _offloadFlags;
    private bool _vnet;
    private volatile bool _stopping;
    private string _endReason = "stopped";
    private readonly ManualResetEventSlim _stopped = new();

    /// <summary>Prepares a relay; <see cref="Open"/> attaches it.</summary>
    public UserspaceIpipRelay(RelaySettings settings, TextWriter log)
    {
        _settings = settings;
        _log = new RateLimitedLog(log, TimeSpan.FromSeconds(1));
    }

    /// <summary>Attaches to the TUN device, opens the raw sockets and writes the first counters; throws with the errno on failure.</summary>
    public unsafe void Open()
    {
        (_tun, _vnet, _offloadFlags, _offloads) = _settings.Offloads ? TunOffload.Attach(_settings.Name) : (TunDevice.Attach(_settings.Name, 0), false, 0, "none");
        _raw = Libc.SocketOwned(Sock.AF_INET, Sock.SOCK_RAW | Sock.SOCK_CLOEXEC, IpipPacket.ProtocolIpip);
        Check(_raw.IsInvalid ? -1 : 0, "open a raw IP-in-IP socket");
        var address = new SockAddrIn { Family = Sock.AF_INET, Address = ToNetworkOrder(_settings.Local) };
        Check(Libc.Bind(_raw, &address, sizeof(SockAddrIn)), $"bind the raw socket to {_settings.Local}");
        // IPPROTO_RAW: header included, never receives. The relay writes the outer header; the kernel fills in the
        // identification and the checksum and does not fragment.
        _send = Libc.SocketOwned(Sock.AF_INET, Sock.SOCK_RAW | Sock.SOCK_CLOEXEC, Sock.IPPROTO_RAW);
        Check(_send.IsInvalid ? -1 : 0, "open a header-included raw socket");
        Libc.SetSockOptInt(_raw, Sock.SOL_SOCKET, Sock.SO_RCVBUFFORCE, 4 << 20);
        Libc.SetSockOptInt(_send, Sock.SOL_SOCKET, Sock.SO_SNDBUFFORCE, 4 << 20);
        OpenJoined();
        // Before the starter hears "ready": whoever reads the tunnel right after Set-IpipTunnel sees its offloads.
        WriteStats();
    }

    /// <summary>Relays until <see cref="Stop"/>, the device goes or the namespace goes; returns why it ended.</summary>
    public string Run()
    {
        var toRemote = new Thread(() => Guard(EncapsulateLoop, "tun->raw")) { IsBackground = true, Name = "tun->raw" };
        var fromRemote = new Thread(() => Guard(DecapsulateLoop, "raw->tun")) { IsBackground = true, Name = "raw->tun" };
        toRemote.Start();
        fromRemote.Start();
        if (!_joined.IsInvalid)
        {
            new Thread(() => Guard(JoinedLoop, "joined->tun")) { IsBackground = true, Name = "joined->tun" }.Start();
        }

        // The fast path is attached once the starter has heard "ready", so making a tunnel does not wait for the
        // verifier; until then (a few tens of milliseconds) the loops carry every packet.
        try
        {
            OpenFastPath();
        }
        catch (Exception ex)
        {
            _log.Write($"the kernel fast path is off ({ex.Message}); the relay's loops carry everything");
        }

        // Open wrote the first counters; from here on every half second, and once more at the end.
        WriteStats();
        while (!_stopped.Wait(500))
        {
            WriteStats();
            FollowRoute();
            if (_settings.NamespacePath is { } path && NetNsIdentity.Of(path) != _settings.NamespaceIdentity)
            {
                Stop($"its namespace {path} was removed");
            }
        }

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
    /// Each counter has one writer (the thread of its direction; the way in has a second thread for joined packets
    /// with counters of its own, added here; drops and send errors may come from all, and a rare lost increment there
    /// is acceptable); reads of aligned 64-bit fields are atomic on 64-bit platforms.
    /// </remarks>
    public IpipCounters Counters
    {
        get
        {
            var (kernelOut, kernelOutBytes, kernelIn, kernelInBytes) = FastCounters();
            return new(
                Volatile.Read(ref _encapPackets) + kernelOut, Volatile.Read(ref _encapBytes) + kernelOutBytes,
                Volatile.Read(ref _decapPackets) + Volatile.Read(ref _joinedPackets) + kernelIn, Volatile.Read(ref _decapBytes) + Volatile.Read(ref _joinedBytes) + kernelInBytes,
                Volatile.Read(ref _malformed), Volatile.Read(ref _notIpip), Volatile.Read(ref _wrongSource), Volatile.Read(ref _innerNotIPv4),
                Volatile.Read(ref _sendErrors), Volatile.Read(ref _internalErrors), Volatile.Read(ref _fragmentationNeeded), DateTime.UtcNow,
                _offloads, Volatile.Read(ref _segmented), Volatile.Read(ref _coalesced) + Volatile.Read(ref _joinedSegments), Time())
            {
                KernelEncapsulatedPackets = kernelOut,
                KernelDecapsulatedPackets = kernelIn,
                FinishedChecksums = Volatile.Read(ref _finishedChecksums),
                FastPath = _fastPath,
            };
        }
    }

    /// <summary>Each direction's thread CPU time so far (the way in: both its threads), and how many calls carried its packets.</summary>
    private IpipRelayTime Time()
    {
        var encapsulate = ThreadCpu.Read(Volatile.Read(ref _encapsulateThread));
        var decapsulate = ThreadCpu.Read(Volatile.Read(ref _decapsulateThread));
        var joined = ThreadCpu.Read(Volatile.Read(ref _joinedThread));
        return new IpipRelayTime(
            encapsulate.User, encapsulate.System, decapsulate.User + joined.User, decapsulate.System + joined.System,
            Volatile.Read(ref _tunReads), Volatile.Read(ref _sendCalls),
            Volatile.Read(ref _receiveCalls) + Volatile.Read(ref _joinedReceiveCalls), Volatile.Read(ref _tunWrites) + Volatile.Read(ref _joinedWrites));
    }

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
