using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using MigrationTools.Engine.Capture;

namespace MigrationTools.Engine.Quic;

/// <summary>
/// Hands what the analysis sees to a <see cref="QlogWriter"/> on a thread of its own: the analysis only copies each
/// packet (its header fields and decrypted frames) into pooled buffers and queues it, so formatting JSON and writing
/// files runs beside the analysis instead of in its way. Order is kept; a bounded queue holds the analysis back if
/// the writer falls behind.
/// </summary>
internal sealed class QlogOutput : IQuicPacketObserver, IDisposable
{
    private readonly QlogWriter _writer;
    private readonly BlockingCollection<Item> _queue = new(boundedCapacity: 16384);
    private readonly Thread _thread;
    private Exception? _failure;
    private bool _disposed;

    /// <summary>Writes into <paramref name="directory"/>.</summary>
    internal QlogOutput(string directory)
    {
        _writer = new QlogWriter(directory);
        _thread = new Thread(Drain) { IsBackground = true, Name = "qlog writer" };
        _thread.Start();
    }

    /// <summary>The files written (complete once disposed).</summary>
    internal IReadOnlyList<string> Files => _writer.Files;

    /// <inheritdoc />
    public void OnPacket(in ObservedPacket packet)
    {
        var dcid = ArrayPool<byte>.Shared.Rent(Math.Max(1, packet.Dcid.Length));
        packet.Dcid.CopyTo(dcid);
        byte[]? frames = null;
        if (packet.Decrypted)
        {
            frames = ArrayPool<byte>.Shared.Rent(Math.Max(1, packet.Frames.Length));
            packet.Frames.CopyTo(frames);
        }

        _queue.Add(new Item(packet.Micros, packet.Connection, packet.Sender, packet.Source, packet.Destination, packet.Type, packet.PacketNumber,
            dcid, packet.Dcid.Length, packet.PacketLength, packet.DatagramLength, frames, packet.Frames.Length, packet.Decrypted, null));
    }

    /// <inheritdoc />
    public void OnEvent(QuicProbeEvent quicEvent) => _queue.Add(new Item(0, null, default, default, default, default, null, null, 0, 0, 0, null, 0, false, quicEvent));

    /// <summary>Waits for everything queued to be written and closes the files; a writer failure surfaces here.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _queue.CompleteAdding();

        _thread.Join();
        _writer.Dispose();
        _queue.Dispose();
        if (_failure is not null)
        {
            throw new System.IO.IOException("Writing the qlog files failed: " + _failure.Message, _failure);
        }
    }

    private void Drain()
    {
        foreach (var item in _queue.GetConsumingEnumerable())
        {
            try
            {
                if (_failure is not null)
                {
                    continue;
                }

                if (item.Event is not null)
                {
                    _writer.OnEvent(item.Event);
                    continue;
                }

                _writer.OnPacket(new ObservedPacket
                {
                    Micros = item.Micros, Connection = item.Connection!, Sender = item.Sender, Source = item.Source, Destination = item.Destination,
                    Type = item.Type, PacketNumber = item.PacketNumber, Dcid = item.Dcid.AsSpan(0, item.DcidLength), PacketLength = item.PacketLength,
                    DatagramLength = item.DatagramLength, Frames = item.Frames is null ? default : item.Frames.AsSpan(0, item.FramesLength), Decrypted = item.Decrypted,
                });
            }
            catch (Exception ex)
            {
                _failure ??= ex;
            }
            finally
            {
                if (item.Dcid is not null)
                {
                    ArrayPool<byte>.Shared.Return(item.Dcid);
                }

                if (item.Frames is not null)
                {
                    ArrayPool<byte>.Shared.Return(item.Frames);
                }
            }
        }
    }

    private readonly record struct Item(
        long Micros, QuicConnection? Connection, Side Sender, NetEndpoint Source, NetEndpoint Destination, QuicPacketType Type, ulong? PacketNumber,
        byte[]? Dcid, int DcidLength, int PacketLength, int DatagramLength, byte[]? Frames, int FramesLength, bool Decrypted, QuicProbeEvent? Event);
}
