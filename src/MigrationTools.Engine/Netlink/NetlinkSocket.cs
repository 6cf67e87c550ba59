using System;
using System.Runtime.InteropServices;
using MigrationTools.Engine.Errors;
using MigrationTools.Engine.Namespaces;

namespace MigrationTools.Engine.Netlink;

/// <summary>Handles one message of a reply; the span is only valid during the call.</summary>
internal delegate void NetlinkMessageHandler(NetlinkMessage message);

/// <summary>
/// A netlink socket talking to the kernel, opened inside a network namespace (a socket belongs to the
/// namespace it was created in, whichever thread uses it later). Requests go out in one send; replies are
/// read until the dump's NLMSG_DONE or the last acknowledgement.
/// </summary>
internal sealed class NetlinkSocket : IDisposable
{
    private const int SockRaw = 3;
    private const int SockCloexec = 0x80000;
    private const int SolSocket = 1;
    private const int SoRcvTimeo = 20;
    private const int SoRcvBuf = 8;
    private const int MsgDontWait = 0x40;
    private const int Eagain = 11;
    private const int Eintr = 4;

    private readonly byte[] _receiveBuffer = new byte[256 * 1024];
    private int _fd;
    private uint _sequence;

    private NetlinkSocket(int fd)
    {
        _fd = fd;
        _sequence = (uint)Environment.TickCount;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct SockAddrNl
    {
        public ushort Family;
        public ushort Pad;
        public uint Pid;
        public uint Groups;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeVal
    {
        public long Seconds;
        public long Microseconds;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int socket(int domain, int type, int protocol);

    [DllImport("libc", SetLastError = true)]
    private static extern int bind(int fd, ref SockAddrNl address, int length);

    [DllImport("libc", SetLastError = true)]
    private static extern unsafe nint send(int fd, byte* buffer, nint length, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern unsafe nint recv(int fd, byte* buffer, nint length, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int setsockopt(int fd, int level, int name, ref TimeVal value, int length);

    [DllImport("libc", SetLastError = true, EntryPoint = "setsockopt")]
    private static extern int setsockoptInt(int fd, int level, int name, ref int value, int length);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);

    private const int SolNetlink = 270;
    private const int NetlinkAddMembership = 1;
    private const int Enobufs = 105;

    /// <summary>Joins a multicast group (e.g. conntrack NEW and DESTROY events).</summary>
    internal void JoinGroup(int group)
    {
        if (setsockoptInt(_fd, SolNetlink, NetlinkAddMembership, ref group, sizeof(int)) != 0)
        {
            throw Failure("subscribe to netlink group " + group, Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>
    /// Reads every message already queued without waiting. Returns false when the kernel dropped events because
    /// the queue overflowed (ENOBUFS): the caller must resynchronise from a dump.
    /// </summary>
    internal bool DrainQueued(NetlinkMessageHandler handler)
    {
        while (true)
        {
            int received;
            unsafe
            {
                fixed (byte* pointer = _receiveBuffer)
                {
                    var n = recv(_fd, pointer, _receiveBuffer.Length, MsgDontWait);
                    if (n < 0)
                    {
                        var errno = Marshal.GetLastPInvokeError();
                        if (errno == Eagain)
                        {
                            return true;
                        }

                        if (errno == Enobufs)
                        {
                            return false;
                        }

                        if (errno == Eintr)
                        {
                            continue;
                        }

                        throw Failure("read netlink events", errno);
                    }

                    received = (int)n;
                }
            }

            foreach (var message in new MessageReader(_receiveBuffer.AsSpan(0, received)))
            {
                handler(message);
            }
        }
    }

    /// <summary>Sets the receive buffer size, so bursts of events are queued rather than dropped.</summary>
    internal void SetReceiveBuffer(int bytes)
    {
        // SO_RCVBUFFORCE (33) lifts the rmem_max cap for root; fall back to SO_RCVBUF.
        if (setsockoptInt(_fd, SolSocket, 33, ref bytes, sizeof(int)) != 0)
        {
            setsockoptInt(_fd, SolSocket, SoRcvBuf, ref bytes, sizeof(int));
        }
    }

    /// <summary>A fresh sequence number for a request.</summary>
    internal uint NextSequence() => ++_sequence;

    /// <summary>Marks sequence numbers up to <paramref name="sequence"/> as used (a batch takes several).</summary>
    internal void AdvanceSequence(uint sequence) => _sequence = Math.Max(_sequence, sequence);

    /// <summary>Opens a netfilter netlink socket inside namespace <paramref name="namespace"/> (or here when null).</summary>
    internal static NetlinkSocket OpenNetfilter(string? @namespace) =>
        @namespace is null ? Open(Nl.NetlinkNetfilter) : NamespaceThread.Run(@namespace, () => Open(Nl.NetlinkNetfilter));

    private static NetlinkSocket Open(int protocol)
    {
        var fd = socket(Nl.AfNetlink, SockRaw | SockCloexec, protocol);
        if (fd < 0)
        {
            throw Failure("open a netlink socket", Marshal.GetLastPInvokeError());
        }

        var address = new SockAddrNl { Family = Nl.AfNetlink };
        if (bind(fd, ref address, Marshal.SizeOf<SockAddrNl>()) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            close(fd);
            throw Failure("bind a netlink socket", errno);
        }

        // A kernel that never answers must not hang a cmdlet.
        var timeout = new TimeVal { Seconds = 5 };
        setsockopt(fd, SolSocket, SoRcvTimeo, ref timeout, Marshal.SizeOf<TimeVal>());
        var size = 1 << 20;
        setsockoptInt(fd, SolSocket, SoRcvBuf, ref size, sizeof(int));
        return new NetlinkSocket(fd);
    }

    /// <summary>Sends a dump request and hands every reply message to <paramref name="handler"/> until NLMSG_DONE.</summary>
    internal void Dump(ReadOnlySpan<byte> request, NetlinkMessageHandler handler, string what)
    {
        Send(request, what);
        while (true)
        {
            var received = Receive(0, what);
            foreach (var message in new MessageReader(_receiveBuffer.AsSpan(0, received)))
            {
                if (message.Type == Nl.MsgDone)
                {
                    return;
                }

                if (message.Type == Nl.MsgError)
                {
                    if (message.Error != 0)
                    {
                        throw Failure(what, -message.Error);
                    }

                    continue;
                }

                handler(message);
            }
        }
    }

    /// <summary>
    /// Sends one or more messages and waits for the acknowledgement of <paramref name="lastSequence"/>. Returns
    /// 0 on success or the first errno the kernel reported for any message.
    /// </summary>
    internal int Execute(ReadOnlySpan<byte> request, uint lastSequence, string what)
    {
        Send(request, what);
        var firstError = 0;
        while (true)
        {
            int received;
            try
            {
                received = Receive(firstError != 0 ? MsgDontWait : 0, what);
            }
            catch (MigrationToolsException) when (firstError != 0)
            {
                return firstError;
            }

            if (received == 0)
            {
                return firstError;
            }

            foreach (var message in new MessageReader(_receiveBuffer.AsSpan(0, received)))
            {
                if (message.Type != Nl.MsgError)
                {
                    continue;
                }

                if (message.Error != 0 && firstError == 0)
                {
                    firstError = -message.Error;
                }

                if (message.Sequence == lastSequence)
                {
                    return firstError;
                }
            }
        }
    }

    private unsafe void Send(ReadOnlySpan<byte> request, string what)
    {
        ObjectDisposedException.ThrowIf(_fd < 0, this);
        fixed (byte* pointer = request)
        {
            while (true)
            {
                var sent = send(_fd, pointer, request.Length, 0);
                if (sent >= 0)
                {
                    return;
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno != Eintr)
                {
                    throw Failure(what, errno);
                }
            }
        }
    }

    private unsafe int Receive(int flags, string what)
    {
        fixed (byte* pointer = _receiveBuffer)
        {
            while (true)
            {
                var received = recv(_fd, pointer, _receiveBuffer.Length, flags);
                if (received >= 0)
                {
                    return (int)received;
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno == Eintr)
                {
                    continue;
                }

                if (errno == Eagain && (flags & MsgDontWait) != 0)
                {
                    return 0;
                }

                throw errno == Eagain
                    ? new MigrationToolsException("NetlinkTimeout", FailureKind.OperationTimeout, $"The kernel did not answer within 5 s while trying to {what}.")
                    : Failure(what, errno);
            }
        }
    }

    internal static MigrationToolsException Failure(string what, int errno)
    {
        var (id, kind) = errno switch
        {
            1 or 13 => ("NetlinkPermissionDenied", FailureKind.PermissionDenied),
            2 => ("NetlinkObjectNotFound", FailureKind.ObjectNotFound),
            17 => ("NetlinkObjectExists", FailureKind.ResourceExists),
            93 or 95 or 97 => ("NetlinkNotSupported", FailureKind.NotSupported),
            _ => ("NetlinkFailed", FailureKind.OperationFailed),
        };
        return new MigrationToolsException(id, kind, $"Could not {what}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_fd >= 0)
        {
            close(_fd);
            _fd = -1;
        }
    }
}
