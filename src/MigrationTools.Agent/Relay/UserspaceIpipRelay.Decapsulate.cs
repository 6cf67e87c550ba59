using System;
using System.Buffers.Binary;
using System.Threading;
using MigrationTools.Core.Interop;

namespace MigrationTools.Agent.Relay;

/// <summary>The tunnel's way in: protocol-4 packets from the remote end, checked, unwrapped and written to the TUN device.</summary>
internal sealed partial class UserspaceIpipRelay
{
    private unsafe void DecapsulateLoop()
    {
        // recvmmsg takes whatever has queued up (at least one packet) in one call. With offloads, consecutive TCP
        // segments of one flow in a batch are joined (GroCoalescer) and written as one GSO packet.
        RelayBatch.Allocate(Batch, SlotSize, out _, out var vectors, out var messages);
        var expected = BinaryPrimitives.ReadUInt32BigEndian(_settings.Remote.GetAddressBytes());
        var coalescer = _vnet ? new GroCoalescer() : null;
        Volatile.Write(ref _decapsulateThread, ThreadCpu.Current());
        while (!_stopping)
        {
            for (var i = 0; i < Batch; i++)
            {
                vectors[i].Length = SlotSize;
            }

            var received = ReceiveBatch(_raw, messages, Batch, "raw");
            if (received < 0)
            {
                continue;
            }

            _receiveCalls++;
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

                    if (PartialChecksum.TryFinish(new Span<byte>(packet + offset, innerLength)))
                    {
                        _finishedChecksums++;
                    }

                    var inner = new ReadOnlySpan<byte>(packet + offset, innerLength);
                    if (coalescer is null)
                    {
                        if (!WriteToTun(packet + offset, innerLength, innerLength))
                        {
                            return;
                        }

                        continue;
                    }

                    if (coalescer.Count > 0 && coalescer.TryAppend(inner))
                    {
                        continue;
                    }

                    if (!FlushCoalesced(coalescer))
                    {
                        return;
                    }

                    if (coalescer.TryStart(inner))
                    {
                        continue;
                    }

                    // Not joinable: written on its own behind an all-zero virtio-net header, which goes into the room the
                    // outer IP header leaves in front of it.
                    new Span<byte>(packet + offset - VirtioNetHeader.Size, VirtioNetHeader.Size).Clear();
                    if (!WriteToTun(packet + offset - VirtioNetHeader.Size, innerLength + VirtioNetHeader.Size, innerLength))
                    {
                        return;
                    }
                }
                catch (Exception ex)
                {
                    Failed("decapsulate", ex);
                }
            }

            if (coalescer is not null && !FlushCoalesced(coalescer))
            {
                return;
            }
        }
    }

    /// <summary>
    /// One waiting recvmmsg (at least one packet, whatever else has queued); -1 after a signal or a failure, which is
    /// logged (rate-limited) and followed by a short pause.
    /// </summary>
    private unsafe int ReceiveBatch(FileDescriptor socket, MMsgHdr* messages, int count, string name)
    {
        var received = Libc.RecvMmsg(socket, messages, (uint)count, Sock.MSG_WAITFORONE, null);
        if (received < 0)
        {
            var errno = Libc.LastError;
            if (errno != Errno.EINTR)
            {
                _log.Write(name + "-read", $"{name} socket read failed: {Libc.Describe(errno)} (errno {(int)errno})");
                Thread.Sleep(10);
            }
        }

        return received;
    }

    /// <summary>Writes what the coalescer holds: one segment as it came, several as one GSO packet.</summary>
    private unsafe bool FlushCoalesced(GroCoalescer coalescer)
    {
        var segments = coalescer.Count;
        if (segments == 0)
        {
            return true;
        }

        var frame = coalescer.Finish();
        _coalesced += segments - 1;
        fixed (byte* data = frame)
        {
            return WriteToTun(data, frame.Length, frame.Length - VirtioNetHeader.Size);
        }
    }

    /// <summary>One write to the TUN device; false when the device went away (the relay stops).</summary>
    private unsafe bool WriteToTun(byte* data, int length, int innerLength)
    {
        _tunWrites++;
        if (!WriteTun(data, length))
        {
            return !_stopping;
        }

        _decapPackets++;
        _decapBytes += innerLength;
        return true;
    }

    /// <summary>
    /// The write itself: false when it failed, counted as a send error, or the device went away (then the relay is
    /// stopping). The caller counts what it wrote.
    /// </summary>
    private unsafe bool WriteTun(byte* data, int length)
    {
        if (Libc.Write(_tun, data, length) < 0)
        {
            var errno = Libc.LastError;
            if (errno is Errno.EBADFD or Errno.EBADF or Errno.EIO or Errno.ENODEV or Errno.ENXIO)
            {
                Stop($"its TUN device {_settings.Name} went away ({Libc.Describe(errno)})");
                return false;
            }

            _sendErrors++;
            return false;
        }

        return true;
    }
}
