using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using MigrationTools.Analysis.Capture;

namespace MigrationTools.Analysis.Quic;

/// <summary>
/// Hands what the analysis sees to a <see cref="QlogWriter"/> on a thread of its own, so that formatting JSON and
/// writing files runs beside the analysis instead of in its way. The analysis copies each packet's header fields
/// into a batch and its connection ID and decrypted frames into the batch's byte arena; full batches go to the
/// writer (one hand-over, and at most one wake-up, per batch) and come back empty to be filled again, so nothing is
/// allocated per packet. Order is kept; a bounded queue holds the analysis back if the writer falls behind.
/// </summary>
internal sealed class QlogOutput : IQuicPacketObserver, IDisposable
{
    private const int BatchItems = 256;
    private const int ArenaBytes = 512 * 1024;
    private const int QueuedBatches = 16;
    private readonly QlogWriter _writer;
    private readonly BlockingCollection<Batch> _queue = new(boundedCapacity: QueuedBatches);
    private readonly ConcurrentQueue<Batch> _free = new();
    private readonly Thread _thread;
    private Batch _batch = new();
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
        var frames = packet.Decrypted ? packet.Frames : default;
        if (_batch.Count == BatchItems || !_batch.Fits(packet.Dcid.Length + frames.Length))
        {
            Flush();
        }

        ref var item = ref _batch.Items[_batch.Count++];
        item = new Item(packet.Micros, packet.Connection, packet.Sender, packet.Source, packet.Destination, packet.Type, packet.PacketNumber,
            _batch.Append(packet.Dcid), packet.Dcid.Length, packet.PacketLength, packet.DatagramLength, _batch.Append(frames), frames.Length, packet.Decrypted, null);
    }

    /// <inheritdoc />
    public void OnEvent(QuicProbeEvent quicEvent)
    {
        if (_batch.Count == BatchItems)
        {
            Flush();
        }

        _batch.Items[_batch.Count++] = new Item(0, null, default, default, default, default, null, 0, 0, 0, 0, 0, 0, false, quicEvent);
    }

    /// <summary>Hands what was gathered so far to the writer.</summary>
    internal void Flush()
    {
        if (_batch.Count == 0)
        {
            return;
        }

        _queue.Add(_batch);
        _batch = _free.TryDequeue(out var empty) ? empty : new Batch();
    }

    /// <summary>Waits for everything queued to be written and closes the files; a writer failure surfaces here.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Flush();
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
        foreach (var batch in _queue.GetConsumingEnumerable())
        {
            for (var i = 0; i < batch.Count && _failure is null; i++)
            {
                try
                {
                    Write(batch, ref batch.Items[i]);
                }
                catch (Exception ex)
                {
                    _failure = ex;
                }
            }

            batch.Clear();
            _free.Enqueue(batch);
        }
    }

    private void Write(Batch batch, ref Item item)
    {
        if (item.Event is not null)
        {
            _writer.OnEvent(item.Event);
            return;
        }

        _writer.OnPacket(new ObservedPacket
        {
            Micros = item.Micros,
            Connection = item.Connection!,
            Sender = item.Sender,
            Source = item.Source,
            Destination = item.Destination,
            Type = item.Type,
            PacketNumber = item.PacketNumber,
            Dcid = batch.Bytes.AsSpan(item.DcidOffset, item.DcidLength),
            PacketLength = item.PacketLength,
            DatagramLength = item.DatagramLength,
            Frames = batch.Bytes.AsSpan(item.FramesOffset, item.FramesLength),
            Decrypted = item.Decrypted,
        });
    }

    /// <summary>Packets and events in order, with the bytes they refer to.</summary>
    private sealed class Batch
    {
        public readonly Item[] Items = new Item[BatchItems];
        public byte[] Bytes = new byte[ArenaBytes];
        public int Count;
        private int _used;

        /// <summary>True when <paramref name="length"/> more bytes fit; an empty batch grows for a packet bigger than its arena.</summary>
        public bool Fits(int length)
        {
            if (_used + length <= Bytes.Length)
            {
                return true;
            }

            if (Count == 0)
            {
                Bytes = new byte[length];
                return true;
            }

            return false;
        }

        /// <summary>Copies bytes into the arena and returns where they start.</summary>
        public int Append(ReadOnlySpan<byte> bytes)
        {
            var at = _used;
            bytes.CopyTo(Bytes.AsSpan(at));
            _used += bytes.Length;
            return at;
        }

        public void Clear()
        {
            Array.Clear(Items, 0, Count);
            Count = 0;
            _used = 0;
        }
    }

    private record struct Item(
        long Micros, QuicConnection? Connection, Side Sender, NetEndpoint Source, NetEndpoint Destination, QuicPacketType Type, ulong? PacketNumber,
        int DcidOffset, int DcidLength, int PacketLength, int DatagramLength, int FramesOffset, int FramesLength, bool Decrypted, QuicProbeEvent? Event);
}
