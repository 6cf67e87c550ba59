using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace MigrationTools.Analysis.Capture;

/// <summary>
/// The interfaces of a pcapng section (Interface Description Blocks): each one's link type and timestamp resolution,
/// by interface id, and the conversion of its timestamps to microseconds within the range a DateTime holds.
/// </summary>
internal sealed class PcapngInterfaces
{
    /// <summary>The last microsecond a DateTime holds (end of year 9999), so every timestamp converts.</summary>
    internal const long MaxMicroseconds = 253_402_300_799_999_999;

    private readonly List<(int LinkType, long TicksPerSecond, bool Described)> _interfaces = new();

    /// <summary>A new section starts with no interfaces.</summary>
    internal void Clear() => _interfaces.Clear();

    /// <summary>The link type and resolution of interface <paramref name="id"/>; false for an id no block described.</summary>
    internal bool TryGet(uint id, out int linkType, out long ticksPerSecond)
    {
        if (id >= (uint)_interfaces.Count)
        {
            linkType = 0;
            ticksPerSecond = 0;
            return false;
        }

        (linkType, ticksPerSecond, var described) = _interfaces[(int)id];
        return described;
    }

    /// <summary>
    /// Adds an Interface Description Block: link type (2), reserved (2), snap length (4), options. False when it is too
    /// short to be one: it still takes its interface id (so later ids keep their meaning), but its packets count as damaged.
    /// </summary>
    internal bool Add(ReadOnlySpan<byte> content, bool bigEndian)
    {
        if (content.Length < 8)
        {
            _interfaces.Add((0, -1, false));
            return false;
        }

        var linkType = Read16(content, bigEndian);
        var options = content[8..];
        var perSecond = 1_000_000L;
        while (options.Length >= 4)
        {
            var code = Read16(options, bigEndian);
            var length = Read16(options[2..], bigEndian);
            if (code == PcapngBlock.OptionEnd || 4 + length > options.Length)
            {
                break;
            }

            if (code == PcapngBlock.InterfaceTimestampResolution && length >= 1)
            {
                // if_tsresol: a power of 10, or of 2 when the high bit is set; one that does not fit is unusable.
                var value = options[4];
                var exponent = value & 0x7f;
                perSecond = (value & 0x80) != 0
                    ? exponent <= 62 ? 1L << exponent : -1
                    : exponent <= 18 ? (long)Math.Pow(10, exponent) : -1;
            }

            options = options[Math.Min(options.Length, 4 + ((length + 3) & ~3))..];
        }

        _interfaces.Add((linkType, perSecond, true));
        return true;
    }

    /// <summary>Converts interface ticks to microseconds; false when the resolution is unusable or the time does not fit a DateTime.</summary>
    internal static bool TryMicroseconds(ulong ticks, long perSecond, out long micros)
    {
        if (perSecond <= 0)
        {
            micros = 0;
            return false;
        }

        var value = perSecond == 1_000_000 ? (UInt128)ticks : (UInt128)ticks * 1_000_000 / (UInt128)(ulong)perSecond;
        if (value > MaxMicroseconds)
        {
            micros = 0;
            return false;
        }

        micros = (long)value;
        return true;
    }

    private static ushort Read16(ReadOnlySpan<byte> span, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(span) : BinaryPrimitives.ReadUInt16LittleEndian(span);
}
