using System;
using System.Buffers.Binary;
using System.IO;
using System.Runtime.CompilerServices;
using MigrationTools.Core.Errors;

namespace MigrationTools.Analysis.Capture;

/// <summary>
/// Reads pcap (microsecond and nanosecond, either byte order) and pcapng (section header, interface description,
/// enhanced and simple packet blocks, decryption secrets blocks; other blocks skipped) from a file or a live stream
/// such as <c>tcpdump -w -</c>, into one reused buffer: no allocation per frame. Every length, interface id and
/// timestamp is checked before it is used: a block that fails a check is counted in <see cref="Damaged"/> and
/// skipped, or, when the rest of the stream cannot be found again, ends the capture; only a file that is not a
/// capture at all is an error (<c>CaptureUnreadable</c>).
/// </summary>
internal sealed class CaptureReader : IDisposable
{
    private const uint PcapMagicMicro = 0xa1b2c3d4;
    private const uint PcapMagicNano = 0xa1b23c4d;
    private const int MaxRecord = 16 << 20;

    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly Action<uint, ReadOnlyMemory<byte>>? _onSecrets;
    private byte[] _buffer = new byte[256 * 1024];
    private readonly byte[] _header = new byte[28];
    private readonly bool _pcapng;
    private bool _bigEndian;
    private readonly bool _nanoseconds;
    private readonly int _pcapLinkType;
    private readonly PcapngInterfaces _interfaces = new();
    private int _currentOffset;
    private int _currentLength;
    private int _currentLinkType;

    /// <summary>
    /// Opens a capture over <paramref name="stream"/>; throws <c>CaptureUnreadable</c> for anything else.
    /// <paramref name="onSecrets"/> receives the secrets type and data of every Decryption Secrets Block as it is read.
    /// </summary>
    public CaptureReader(Stream stream, string name, bool ownsStream = true, Action<uint, ReadOnlyMemory<byte>>? onSecrets = null)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        _onSecrets = onSecrets;
        Name = name;
        if (!ReadExactly(_header.AsSpan(0, 4)))
        {
            throw Unreadable("it is empty");
        }

        var magicLittle = BinaryPrimitives.ReadUInt32LittleEndian(_header);
        var magicBig = BinaryPrimitives.ReadUInt32BigEndian(_header);
        if (magicLittle == PcapngBlock.SectionHeader)
        {
            _pcapng = true;
            ReadSectionHeaderRest(headerAlreadyRead: false);
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

    /// <summary>Blocks or records skipped because they were damaged or truncated.</summary>
    public long Damaged { get; private set; }

    /// <summary>How far into the stream the reader is (0 for a stream that cannot tell).</summary>
    public long Position
    {
        get
        {
            try
            {
                return _stream.CanSeek ? _stream.Position : 0;
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or NotSupportedException)
            {
                return 0;
            }
        }
    }

    /// <summary>Decryption Secrets Blocks read.</summary>
    public int SecretsBlocks { get; private set; }

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
        while (true)
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
                // The length is all that says where the next record starts: nothing after it can be found.
                Damaged++;
                return false;
            }

            var data = Ensure((int)captured);
            if (!ReadExactly(data))
            {
                Damaged++;
                return false;
            }

            var micros = (seconds * 1_000_000L) + (_nanoseconds ? fraction / 1000 : fraction);
            if (fraction >= (_nanoseconds ? 1_000_000_000u : 1_000_000u))
            {
                Damaged++;
                continue;
            }

            SetCurrent(micros, _pcapLinkType, 0, (int)captured);
            return true;
        }
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
            if (type == PcapngBlock.SectionHeader)
            {
                // A new section: its byte order is in its own header.
                try
                {
                    ReadSectionHeaderRest(headerAlreadyRead: true);
                }
                catch (MigrationToolsException)
                {
                    Damaged++;
                    return false;
                }

                continue;
            }

            var total = ReadUInt32(_header.AsSpan(4));
            if (total < PcapngBlock.BlockOverhead || total > MaxRecord || total % 4 != 0)
            {
                // The length is all that says where the next block starts: nothing after it can be found.
                Damaged++;
                return false;
            }

            var body = Ensure((int)total - 8);
            if (!ReadExactly(body))
            {
                Damaged++;
                return false;
            }

            // The block's own bytes, without the trailing copy of its length.
            var content = body[..^4];
            switch (type)
            {
                case PcapngBlock.InterfaceDescription:
                    if (!_interfaces.Add(content, _bigEndian))
                    {
                        Damaged++;
                    }

                    break;
                case PcapngBlock.EnhancedPacket:
                    if (TryEnhancedPacket(content))
                    {
                        return true;
                    }

                    break;
                case PcapngBlock.SimplePacket:
                    if (TrySimplePacket(content))
                    {
                        return true;
                    }

                    break;
                case PcapngBlock.DecryptionSecrets:
                    ReadSecrets(content);
                    break;
            }
        }
    }

    /// <summary>An Enhanced Packet Block: interface id, timestamp (high, low), captured and original length, data.</summary>
    private bool TryEnhancedPacket(ReadOnlySpan<byte> content)
    {
        if (content.Length < 20)
        {
            Damaged++;
            return false;
        }

        var id = ReadUInt32(content);
        var high = ReadUInt32(content[4..]);
        var low = ReadUInt32(content[8..]);
        var captured = ReadUInt32(content[12..]);
        if (!_interfaces.TryGet(id, out var linkType, out var perSecond) || 20L + captured > content.Length ||
            !PcapngInterfaces.TryMicroseconds(((ulong)high << 32) | low, perSecond, out var micros))
        {
            Damaged++;
            return false;
        }

        SetCurrent(micros, linkType, 20, (int)captured);
        return true;
    }

    /// <summary>A Simple Packet Block: original length, then the data of interface 0, no timestamp.</summary>
    private bool TrySimplePacket(ReadOnlySpan<byte> content)
    {
        if (!_interfaces.TryGet(0, out var linkType, out _) || content.Length < 4)
        {
            Damaged++;
            return false;
        }

        var original = ReadUInt32(content);
        var length = (int)Math.Min(original, (uint)(content.Length - 4));
        SetCurrent(0, linkType, 4, length);
        return true;
    }

    /// <summary>A Decryption Secrets Block: secrets type, length, data (then padding and options).</summary>
    private void ReadSecrets(ReadOnlySpan<byte> content)
    {
        if (content.Length < 8)
        {
            Damaged++;
            return;
        }

        var secretsType = ReadUInt32(content);
        var length = ReadUInt32(content[4..]);
        if (8L + length > content.Length)
        {
            Damaged++;
            return;
        }

        SecretsBlocks++;
        _onSecrets?.Invoke(secretsType, content.Slice(8, (int)length).ToArray());
    }

    private void SetCurrent(long micros, int linkType, int offset, int length)
    {
        CurrentTimestamp = micros;
        _currentLinkType = linkType;
        _currentOffset = offset;
        _currentLength = length;
    }

    private void ReadSectionHeaderRest(bool headerAlreadyRead)
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
            PcapngBlock.ByteOrderMagic => false,
            PcapngBlock.ByteOrderMagicSwapped => true,
            _ => throw Unreadable("its pcapng byte-order magic is wrong"),
        };
        var total = ReadUInt32(_header.AsSpan(4));
        if (total < 28 || total > MaxRecord || total % 4 != 0)
        {
            throw Unreadable("its pcapng section header has a bad length");
        }

        if (!ReadExactly(Ensure((int)total - 12)))
        {
            throw Unreadable("its pcapng section header is cut short");
        }

        _interfaces.Clear();
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

    private MigrationToolsException Unreadable(string why) =>
        ErrorCatalog.CaptureUnreadable($"The capture '{Name}' cannot be read: {why}.", Name);

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsStream)
        {
            _stream.Dispose();
        }
    }
}
