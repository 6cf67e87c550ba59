using System;
using System.Buffers.Binary;
using System.IO;
using System.Runtime.CompilerServices;
using MigrationTools.Engine.Errors;

namespace MigrationTools.Engine.Quic;

/// <summary>One captured frame: a view into the reader's buffer, valid until the next read.</summary>
public readonly ref struct CaptureRecord
{
    internal CaptureRecord(long timestampMicroseconds, int linkType, ReadOnlySpan<byte> data)
    {
        TimestampMicroseconds = timestampMicroseconds;
        LinkType = linkType;
        Data = data;
    }

    /// <summary>Capture time in microseconds since the Unix epoch.</summary>
    public long TimestampMicroseconds { get; }
    /// <summary>The LINKTYPE_ value of the frame's interface.</summary>
    public int LinkType { get; }
    /// <summary>The captured bytes.</summary>
    public ReadOnlySpan<byte> Data { get; }
}

/// <summary>
/// Reads pcap (microsecond and nanosecond, either byte order) and pcapng (section header, interface description,
/// enhanced and simple packet blocks; other blocks skipped) from a file or a live stream such as
/// <c>tcpdump -w -</c>, into one reused buffer: no allocation per frame.
/// </summary>
public sealed class CaptureReader : IDisposable
{
    private const uint PcapMagicMicro = 0xa1b2c3d4;
    private const uint PcapMagicNano = 0xa1b23c4d;
    private const uint PcapngSectionHeader = 0x0a0d0d0a;
    private const int MaxRecord = 16 << 20;

    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private byte[] _buffer = new byte[256 * 1024];
    private readonly byte[] _header = new byte[28];
    private bool _pcapng;
    private bool _bigEndian;
    private bool _nanoseconds;
    private int _pcapLinkType;
    private int[] _interfaceLinkTypes = new int[4];
    private long[] _interfaceTicksPerSecond = new long[4];
    private int _interfaceCount;
    private int _currentOffset;
    private int _currentLength;
    private int _currentLinkType;

    /// <summary>Opens a capture over <paramref name="stream"/>; throws <c>CaptureUnreadable</c> for anything else.</summary>
    public CaptureReader(Stream stream, string name, bool ownsStream = true)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        Name = name;
        if (!ReadExactly(_header.AsSpan(0, 4)))
        {
            throw Unreadable("it is empty");
        }

        var magicLittle = BinaryPrimitives.ReadUInt32LittleEndian(_header);
        var magicBig = BinaryPrimitives.ReadUInt32BigEndian(_header);
        if (magicLittle == PcapngSectionHeader)
        {
            _pcapng = true;
            ReadSectionHeaderRest();
        }
        else if (magicLittle is PcapMagicMicro or PcapMagicNano || magicBig is PcapMagicMicro or PcapMagicNano)
        {
            _bigEndian = magicBig is PcapMagicMicro or PcapMagicNano;
            _nanoseconds = (_bigEndian ? magicBig : magicLittle) == PcapMagicNano;
            if (!ReadExactly(_header.AsSpan(4, 20)))
            {
                throw Unreadable("its pcap header is cut short");
            }

            _pcapLinkType = (int)(ReadUInt32(_header.AsSpan(20)) & 0x0fffffff);
        }
        else
        {
            throw Unreadable("it is neither pcap nor pcapng");
        }
    }

    /// <summary>The file name (or stream description) for messages.</summary>
    public string Name { get; }

    /// <summary>Frames skipped because their block was damaged or truncated.</summary>
    public long Damaged { get; private set; }

    /// <summary>Reads the next frame; false at the end of the capture (a truncated last frame counts as damaged).</summary>
    public bool TryRead(out CaptureRecord record)
    {
        if (!MoveNext())
        {
            record = default;
            return false;
        }

        record = Current;
        return true;
    }

    /// <summary>Reads the next frame and keeps it as the current one (for merging several captures by time).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool MoveNext()
    {
        HasCurrent = _pcapng ? ReadPcapngBlock() : ReadPcapRecord();
        return HasCurrent;
    }

    /// <summary>True after a successful read.</summary>
    public bool HasCurrent { get; private set; }

    /// <summary>The time of the current frame.</summary>
    public long CurrentTimestamp { get; private set; }

    /// <summary>The current frame (after <see cref="MoveNext"/>), valid until the next read.</summary>
    public CaptureRecord Current => new(CurrentTimestamp, _currentLinkType, _buffer.AsSpan(_currentOffset, _currentLength));

    /// <summary>Reads a pcap record into the buffer and makes it the current frame.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool ReadPcapRecord()
    {
        if (!ReadExactly(_header.AsSpan(0, 16)))
        {
            return false;
        }

        var seconds = ReadUInt32(_header);
        var fraction = ReadUInt32(_header.AsSpan(4));
        var captured = ReadUInt32(_header.AsSpan(8));
        if (captured > MaxRecord)
        {
            Damaged++;
            return false;
        }

        var data = Ensure((int)captured);
        if (!ReadExactly(data))
        {
            Damaged++;
            return false;
        }

        SetCurrent((seconds * 1_000_000L) + (_nanoseconds ? fraction / 1000 : fraction), _pcapLinkType, 0, (int)captured);
        return true;
    }

    /// <summary>Reads pcapng blocks up to the next packet block and makes its frame the current one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool ReadPcapngBlock()
    {
        while (true)
        {
            if (!ReadExactly(_header.AsSpan(0, 8)))
            {
                return false;
            }

            var type = ReadUInt32(_header);
            if (type == PcapngSectionHeader)
            {
                // A new section: its byte order is in its own header.
                ReadSectionHeaderRest(headerAlreadyRead: true);
                continue;
            }

            var total = ReadUInt32(_header.AsSpan(4));
            if (total < 12 || total > MaxRecord || total % 4 != 0)
            {
                Damaged++;
                return false;
            }

            var body = Ensure((int)total - 8);
            if (!ReadExactly(body))
            {
                Damaged++;
                return false;
            }

            switch (type)
            {
                case 1: // Interface Description Block
                    AddInterface(ReadUInt16(body), body[8..^4]);
                    break;
                case 6: // Enhanced Packet Block
                {
                    var id = (int)ReadUInt32(body);
                    var high = ReadUInt32(body[4..]);
                    var low = ReadUInt32(body[8..]);
                    var captured = (int)ReadUInt32(body[12..]);
                    if (id >= _interfaceCount || captured < 0 || 20 + captured > body.Length - 4)
                    {
                        Damaged++;
                        continue;
                    }

                    var ticks = ((long)high << 32) | low;
                    var perSecond = _interfaceTicksPerSecond[id];
                    var micros = perSecond == 1_000_000 ? ticks : (long)(ticks / (double)perSecond * 1_000_000);
                    SetCurrent(micros, _interfaceLinkTypes[id], 20, captured);
                    return true;
                }
                case 3: // Simple Packet Block: interface 0, no timestamp
                {
                    if (_interfaceCount == 0)
                    {
                        Damaged++;
                        continue;
                    }

                    var length = (int)Math.Min(ReadUInt32(body), (uint)(body.Length - 8));
                    SetCurrent(0, _interfaceLinkTypes[0], 4, length);
                    return true;
                }
            }
        }
    }

    private void SetCurrent(long micros, int linkType, int offset, int length)
    {
        CurrentTimestamp = micros;
        _currentLinkType = linkType;
        _currentOffset = offset;
        _currentLength = length;
    }

    private void ReadSectionHeaderRest(bool headerAlreadyRead = false)
    {
        // Block type (4) read; then total length (4), byte-order magic (4).
        if (!headerAlreadyRead && !ReadExactly(_header.AsSpan(4, 4)))
        {
            throw Unreadable("its pcapng section header is cut short");
        }

        if (!ReadExactly(_header.AsSpan(8, 4)))
        {
            throw Unreadable("its pcapng section header is cut short");
        }

        var magic = BinaryPrimitives.ReadUInt32LittleEndian(_header.AsSpan(8));
        _bigEndian = magic switch
        {
            0x1a2b3c4d => false,
            0x4d3c2b1a => true,
            _ => throw Unreadable("its pcapng byte-order magic is wrong"),
        };
        var total = ReadUInt32(_header.AsSpan(4));
        if (total < 28 || total > MaxRecord)
        {
            throw Unreadable("its pcapng section header has a bad length");
        }

        if (!ReadExactly(Ensure((int)total - 12)))
        {
            throw Unreadable("its pcapng section header is cut short");
        }

        _interfaceCount = 0;
    }

    private void AddInterface(int linkType, ReadOnlySpan<byte> options)
    {
        var perSecond = 1_000_000L;
        while (options.Length >= 4)
        {
            var code = ReadUInt16(options);
            var length = ReadUInt16(options[2..]);
            if (code == 0 || 4 + length > options.Length)
            {
                break;
            }

            if (code == 9 && length >= 1)
            {
                // if_tsresol: power of 10, or of 2 when the high bit is set.
                var value = options[4];
                perSecond = (value & 0x80) != 0 ? 1L << (value & 0x7f) : (long)Math.Pow(10, value);
            }

            options = options[(4 + ((length + 3) & ~3))..];
        }

        if (_interfaceCount == _interfaceLinkTypes.Length)
        {
            Array.Resize(ref _interfaceLinkTypes, _interfaceCount * 2);
            Array.Resize(ref _interfaceTicksPerSecond, _interfaceCount * 2);
        }

        _interfaceLinkTypes[_interfaceCount] = linkType;
        _interfaceTicksPerSecond[_interfaceCount] = perSecond;
        _interfaceCount++;
    }

    private Span<byte> Ensure(int length)
    {
        if (_buffer.Length < length)
        {
            _buffer = new byte[Math.Max(length, _buffer.Length * 2)];
        }

        return _buffer.AsSpan(0, length);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool ReadExactly(Span<byte> target)
    {
        var done = 0;
        while (done < target.Length)
        {
            var n = _stream.Read(target[done..]);
            if (n <= 0)
            {
                return false;
            }

            done += n;
        }

        return true;
    }

    private uint ReadUInt32(ReadOnlySpan<byte> span) => _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(span) : BinaryPrimitives.ReadUInt32LittleEndian(span);

    private ushort ReadUInt16(ReadOnlySpan<byte> span) => _bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(span) : BinaryPrimitives.ReadUInt16LittleEndian(span);

    private MigrationToolsException Unreadable(string why) =>
        new("CaptureUnreadable", FailureKind.InvalidArgument, $"The capture '{Name}' cannot be read: {why}.", Name);

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsStream)
        {
            _stream.Dispose();
        }
    }
}
