using System;
using System.Runtime.CompilerServices;

namespace MigrationTools.Analysis.Quic;

/// <summary>
/// Walks the frames of a decrypted payload (RFC 9000 section 19) without allocating: it reads the type and hands the
/// rest to the frame's own reader. An unknown type or a frame that does not fit ends the walk as malformed.
/// </summary>
internal ref struct QuicFrameReader
{
    private readonly ReadOnlySpan<byte> _payload;
    private int _offset;

    /// <summary>Reads frames from <paramref name="payload"/>.</summary>
    public QuicFrameReader(ReadOnlySpan<byte> payload)
    {
        _payload = payload;
        _offset = 0;
        Malformed = false;
    }

    /// <summary>True when reading stopped at a frame that could not be parsed.</summary>
    public bool Malformed { get; private set; }

    /// <summary>The next frame; false at the end or at a malformed/unknown frame (then <see cref="Malformed"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryNext(out QuicFrame frame)
    {
        frame = default;
        var cursor = new FrameCursor(_payload, _offset);
        if (cursor.Remaining <= 0)
        {
            return false;
        }

        if (!cursor.TryVarInt(out var rawType))
        {
            return Fail();
        }

        var type = rawType is >= 0x08 and <= 0x0f ? QuicFrameType.Stream : (QuicFrameType)rawType;
        var ok = type switch
        {
            QuicFrameType.Padding => Is(PaddingFrame.Read(ref cursor), out frame),
            QuicFrameType.Ping or QuicFrameType.HandshakeDone => Is(new QuicFrame(type, rawType), out frame),
            QuicFrameType.Ack or QuicFrameType.AckEcn => AckFrame.TryRead(ref cursor, rawType, out frame),
            QuicFrameType.Crypto => CryptoFrame.TryRead(ref cursor, out frame),
            QuicFrameType.NewToken => NewTokenFrame.TryRead(ref cursor, out frame),
            QuicFrameType.Stream => StreamFrame.TryRead(ref cursor, rawType, out frame),
            QuicFrameType.ResetStream or QuicFrameType.StopSending or QuicFrameType.MaxData or QuicFrameType.MaxStreamData
                or QuicFrameType.MaxStreamsBidi or QuicFrameType.MaxStreamsUni or QuicFrameType.DataBlocked or QuicFrameType.StreamDataBlocked
                or QuicFrameType.StreamsBlockedBidi or QuicFrameType.StreamsBlockedUni => FlowControlFrames.TryRead(ref cursor, type, out frame),
            QuicFrameType.NewConnectionId => NewConnectionIdFrame.TryRead(ref cursor, out frame),
            QuicFrameType.RetireConnectionId => RetireConnectionIdFrame.TryRead(ref cursor, out frame),
            QuicFrameType.PathChallenge or QuicFrameType.PathResponse => PathFrame.TryRead(ref cursor, rawType, out frame),
            QuicFrameType.ConnectionClose or QuicFrameType.ApplicationClose => ConnectionCloseFrame.TryRead(ref cursor, rawType, out frame),
            QuicFrameType.Datagram or QuicFrameType.DatagramWithLength => DatagramFrame.TryRead(ref cursor, rawType, out frame),
            _ => false,
        };
        _offset = cursor.Offset;
        return ok || Fail();
    }

    private static bool Is(QuicFrame value, out QuicFrame frame)
    {
        frame = value;
        return true;
    }

    private bool Fail()
    {
        Malformed = true;
        _offset = _payload.Length;
        return false;
    }
}
