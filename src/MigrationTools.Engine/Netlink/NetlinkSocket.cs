using System;
using MigrationTools.Core.Errors;
using MigrationTools.Core.Interop;
using MigrationTools.Engine.Namespaces;

namespace MigrationTools.Engine.Netlink;

/// <summary>
/// A netlink socket talking to the kernel, opened inside a network namespace (a socket belongs to the namespace it
/// was created in, whichever thread uses it later). Every reply is matched to its request by sequence number and
/// port id, so a reply that arrives after its request timed out is drained and ignored, never taken for the answer
/// to a later request. Errors carry the kernel's extended-ack message where it gives one.
/// </summary>
internal sealed unsafe class NetlinkSocket : IDisposable
{
    private static readonly TimeVal ReceiveTimeout = new() { Seconds = 5 };
    // Not zeroed: a thousand lab namespaces keep a socket each, and only what the kernel writes is ever read.
    private readonly byte[] _receiveBuffer = GC.AllocateUninitializedArray<byte>(256 * 1024);
    private readonly FileDescriptor _fd;
    private uint _sequence;
    private bool _mayHoldStaleReplies;

    private NetlinkSocket(FileDescriptor fd, uint portId)
    {
        _fd = fd;
        PortId = portId;
        _sequence = (uint)Environment.TickCount;
    }

    /// <summary>The port id the kernel gave this socket; replies to it carry it.</summary>
    internal uint PortId { get; }

    /// <summary>Replies that matched no request in flight (late answers to requests that timed out), drained and ignored.</summary>
    internal long StaleReplies { get; private set; }

    /// <summary>A fresh sequence number for a request.</summary>
    internal uint NextSequence() => ++_sequence;

    /// <summary>Marks sequence numbers up to <paramref name="sequence"/> as used (a batch takes several).</summary>
    internal void AdvanceSequence(uint sequence) => _sequence = Math.Max(_sequence, sequence);

    /// <summary>Opens a netfilter netlink socket inside namespace <paramref name="namespace"/> (or here when null).</summary>
    internal static NetlinkSocket OpenNetfilter(string? @namespace) => OpenIn(@namespace, Sock.NETLINK_NETFILTER);

    /// <summary>Opens an rtnetlink socket inside namespace <paramref name="namespace"/> (or here when null).</summary>
    internal static NetlinkSocket OpenRoute(string? @namespace) => OpenIn(@namespace, Sock.NETLINK_ROUTE);

    /// <summary>Opens a netlink socket of <paramref name="protocol"/> in the calling thread's namespace.</summary>
    internal static NetlinkSocket Open(int protocol)
    {
        var fd = Libc.SocketOwned(Sock.AF_NETLINK, Sock.SOCK_RAW | Sock.SOCK_CLOEXEC, protocol);
        if (fd.IsInvalid)
        {
            throw Failure("open a netlink socket", new NetlinkAck(Libc.LastError, null));
        }

        var address = new SockAddrNl { Family = Sock.AF_NETLINK };
        var length = sizeof(SockAddrNl);
        if (Libc.Bind(fd, &address, length) != 0 || Libc.GetSockName(fd, &address, &length) != 0)
        {
            var errno = Libc.LastError;
            fd.Dispose();
            throw Failure("bind a netlink socket", new NetlinkAck(errno, null));
        }

        // A kernel that never answers must not hang a cmdlet.
        var timeout = ReceiveTimeout;
        Libc.SetSockOpt(fd, Sock.SOL_SOCKET, Sock.SO_RCVTIMEO, &timeout, sizeof(TimeVal));
        Libc.SetSockOptInt(fd, Sock.SOL_SOCKET, Sock.SO_RCVBUF, 1 << 20);
        // Errors name the kernel's reason and do not echo the (possibly large) request.
        Libc.SetSockOptInt(fd, Sock.SOL_NETLINK, Sock.NETLINK_EXT_ACK, 1);
        Libc.SetSockOptInt(fd, Sock.SOL_NETLINK, Sock.NETLINK_CAP_ACK, 1);
        if (protocol == Sock.NETLINK_ROUTE)
        {
            // Dumps honour the filters in their request headers (addresses of one interface).
            Libc.SetSockOptInt(fd, Sock.SOL_NETLINK, Sock.NETLINK_GET_STRICT_CHK, 1);
        }

        return new NetlinkSocket(fd, address.PortId);
    }

    private static NetlinkSocket OpenIn(string? @namespace, int protocol) =>
        @namespace is null ? Open(protocol) : NamespaceThread.Run(@namespace, () => Open(protocol));

    /// <summary>Joins a multicast group (e.g. conntrack NEW and DESTROY events).</summary>
    internal void JoinGroup(int group)
    {
        if (Libc.SetSockOptInt(_fd, Sock.SOL_NETLINK, Sock.NETLINK_ADD_MEMBERSHIP, group) != 0)
        {
            throw Failure("subscribe to netlink group " + group, new NetlinkAck(Libc.LastError, null));
        }
    }

    /// <summary>Sets the receive buffer size, so bursts of events are queued rather than dropped.</summary>
    internal void SetReceiveBuffer(int bytes)
    {
        // SO_RCVBUFFORCE lifts the rmem_max cap for root; without the privilege, SO_RCVBUF up to the cap.
        if (Libc.SetSockOptInt(_fd, Sock.SOL_SOCKET, Sock.SO_RCVBUFFORCE, bytes) != 0)
        {
            Libc.SetSockOptInt(_fd, Sock.SOL_SOCKET, Sock.SO_RCVBUF, bytes);
        }
    }

    /// <summary>
    /// Reads every message already queued without waiting. Returns false when the kernel dropped events because
    /// the queue overflowed (ENOBUFS): the caller must resynchronise from a dump.
    /// </summary>
    internal unsafe bool DrainQueued(NetlinkMessageHandler handler)
    {
        // Event messages are small: up to EventSlots of them in one recvmmsg, each in its own slot of the buffer.
        const int slotSize = 8192;
        var slots = Math.Min(EventSlots, _receiveBuffer.Length / slotSize);
        var vectors = stackalloc IoVec[slots];
        var headers = stackalloc MMsgHdr[slots];
        ObjectDisposedException.ThrowIf(_fd.IsClosed, this);
        while (true)
        {
            int received;
            fixed (byte* pointer = _receiveBuffer)
            {
                for (var i = 0; i < slots; i++)
                {
                    vectors[i] = new IoVec { Base = pointer + (i * slotSize), Length = slotSize };
                    headers[i] = new MMsgHdr { Header = new MsgHdr { Iov = &vectors[i], IovLength = 1 } };
                }

                received = Libc.RecvMmsg(_fd, headers, (uint)slots, Sock.MSG_DONTWAIT, null);
            }

            if (received < 0)
            {
                var errno = Libc.LastError;
                switch (errno)
                {
                    case Errno.EINTR:
                        continue;
                    case Errno.EAGAIN:
                        return true;
                    case Errno.ENOBUFS:
                        return false;
                    default:
                        throw Failure("read netlink events", new NetlinkAck(errno, null));
                }
            }

            for (var i = 0; i < received; i++)
            {
                if ((headers[i].Header.Flags & Sock.MSG_TRUNC) != 0)
                {
                    // An event larger than its slot was cut: what it said is lost, as after an overflow.
                    return false;
                }

                foreach (var message in new NetlinkMessageReader(_receiveBuffer.AsSpan(i * slotSize, (int)headers[i].Length)))
                {
                    handler(message);
                }
            }

            if (received < slots)
            {
                return true;
            }
        }
    }

    private const int EventSlots = 16;

    /// <summary>
    /// Sends a dump request whose sequence number is <paramref name="sequence"/> and hands every reply message of
    /// that dump to <paramref name="handler"/> until NLMSG_DONE (or, for a get, the one answer). An error ends it
    /// with its errno.
    /// </summary>
    internal NetlinkAck TryDump(ReadOnlySpan<byte> request, uint sequence, NetlinkMessageHandler handler, string what)
    {
        Send(request, what);
        while (true)
        {
            var received = Receive(what);
            foreach (var message in new NetlinkMessageReader(_receiveBuffer.AsSpan(0, received)))
            {
                if (!IsReplyTo(message, sequence, sequence))
                {
                    StaleReplies++;
                    continue;
                }

                switch (message.Type)
                {
                    case Nl.NLMSG_DONE:
                        return new NetlinkAck(Errno.None, null);
                    case Nl.NLMSG_ERROR when message.Error != 0:
                        return new NetlinkAck((Errno)(-message.Error), message.ExtendedAckMessage);
                    case Nl.NLMSG_ERROR or Nl.NLMSG_NOOP:
                        continue;
                    default:
                        handler(message);
                        if ((message.Flags & Nl.NLM_F_MULTI) == 0)
                        {
                            // The answer to a get: one message, no NLMSG_DONE.
                            return new NetlinkAck(Errno.None, null);
                        }

                        break;
                }
            }
        }
    }

    /// <summary>As <see cref="TryDump"/>, throwing the module's error for a failed dump.</summary>
    internal void Dump(ReadOnlySpan<byte> request, uint sequence, NetlinkMessageHandler handler, string what)
    {
        var ack = TryDump(request, sequence, handler, what);
        if (!ack.Succeeded)
        {
            throw Failure(what, ack);
        }
    }

    /// <summary>
    /// Sends one or more messages (sequence numbers <paramref name="firstSequence"/> to <paramref name="lastSequence"/>)
    /// and waits for the acknowledgement of the last. Returns success or the first error the kernel reported for any
    /// of them; replies to other requests are ignored.
    /// </summary>
    internal NetlinkAck Execute(ReadOnlySpan<byte> request, uint firstSequence, uint lastSequence, string what)
    {
        Send(request, what);
        var first = new NetlinkAck(Errno.None, null);
        while (true)
        {
            int received;
            if (!first.Succeeded)
            {
                // After an error a batch may stop answering: take what is queued, do not wait.
                received = TryReceive(Sock.MSG_DONTWAIT, out var errno);
                if (errno != Errno.None)
                {
                    return first;
                }
            }
            else
            {
                received = Receive(what);
            }

            foreach (var message in new NetlinkMessageReader(_receiveBuffer.AsSpan(0, received)))
            {
                if (!IsReplyTo(message, firstSequence, lastSequence))
                {
                    StaleReplies++;
                    continue;
                }

                if (message.Type != Nl.NLMSG_ERROR)
                {
                    continue;
                }

                if (message.Error != 0 && first.Succeeded)
                {
                    first = new NetlinkAck((Errno)(-message.Error), message.ExtendedAckMessage);
                }

                if (message.Sequence == lastSequence)
                {
                    return first;
                }
            }
        }
    }

    /// <summary>Sends one request with sequence <paramref name="sequence"/> and waits for its acknowledgement.</summary>
    internal NetlinkAck Execute(ReadOnlySpan<byte> request, uint sequence, string what) => Execute(request, sequence, sequence, what);

    /// <summary>
    /// Sends a request and leaves its replies unread, as a request abandoned by a timeout or a cancelled command
    /// does; the next exchange must drain them (tests use this to prove it).
    /// </summary>
    internal void SendAndAbandon(ReadOnlySpan<byte> request)
    {
        Send(request, "send a request");
        _mayHoldStaleReplies = true;
    }

    private bool IsReplyTo(NetlinkMessage message, uint firstSequence, uint lastSequence) =>
        message.PortId == PortId && message.Sequence - firstSequence <= lastSequence - firstSequence;

    private void Send(ReadOnlySpan<byte> request, string what)
    {
        ObjectDisposedException.ThrowIf(_fd.IsClosed, this);
        if (_mayHoldStaleReplies)
        {
            // A request that timed out may still be answered: drop what is queued before asking again.
            _mayHoldStaleReplies = false;
            while (TryReceive(Sock.MSG_DONTWAIT, out var errno) > 0 && errno == Errno.None)
            {
                StaleReplies++;
            }
        }

        fixed (byte* pointer = request)
        {
            while (true)
            {
                if (Libc.Send(_fd, pointer, request.Length, 0) >= 0)
                {
                    return;
                }

                var errno = Libc.LastError;
                if (errno != Errno.EINTR)
                {
                    throw Failure(what, new NetlinkAck(errno, null));
                }
            }
        }
    }

    private int Receive(string what)
    {
        var received = TryReceive(0, out var errno);
        if (errno == Errno.None)
        {
            return received;
        }

        if (errno == Errno.EAGAIN)
        {
            _mayHoldStaleReplies = true;
            throw ErrorCatalog.NetlinkTimeout($"The kernel did not answer within 5 s while trying to {what}.");
        }

        throw Failure(what, new NetlinkAck(errno, null));
    }

    /// <summary>One recv(2); EINTR retried. Returns the bytes read, with <paramref name="errno"/> None, or 0 and the errno.</summary>
    private int TryReceive(int flags, out Errno errno)
    {
        ObjectDisposedException.ThrowIf(_fd.IsClosed, this);
        fixed (byte* pointer = _receiveBuffer)
        {
            while (true)
            {
                var received = Libc.Recv(_fd, pointer, _receiveBuffer.Length, flags);
                if (received >= 0)
                {
                    errno = Errno.None;
                    return (int)received;
                }

                errno = Libc.LastError;
                if (errno != Errno.EINTR)
                {
                    return 0;
                }
            }
        }
    }

    /// <summary>The module's error for a netlink failure, by errno.</summary>
    internal static MigrationToolsException Failure(string what, NetlinkAck ack)
    {
        var id = ack.Error switch
        {
            Errno.EPERM or Errno.EACCES => ErrorIds.NetlinkPermissionDenied,
            Errno.ENOENT or Errno.ENODEV or Errno.ESRCH => ErrorIds.NetlinkObjectNotFound,
            Errno.EEXIST => ErrorIds.NetlinkObjectExists,
            Errno.EPROTONOSUPPORT or Errno.EOPNOTSUPP or Errno.EAFNOSUPPORT => ErrorIds.NetlinkNotSupported,
            Errno.EINVAL or Errno.ERANGE => ErrorIds.NetlinkInvalidArgument,
            _ => ErrorIds.NetlinkFailed,
        };
        return ErrorCatalog.Create(id, $"Could not {what}: {ack.Describe()} (errno {(int)ack.Error}).");
    }

    /// <inheritdoc />
    public void Dispose() => _fd.Dispose();
}
