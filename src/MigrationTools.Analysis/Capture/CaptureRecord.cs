using System;

namespace MigrationTools.Analysis.Capture;

/// <summary>One captured frame: a view into the reader's buffer, valid until the next read.</summary>
internal readonly ref struct CaptureRecord
{
    internal CaptureRecord(long timestampMicroseconds, int linkType, ReadOnlySpan<byte> data)
    {
        TimestampMicroseconds = timestampMicroseconds;
        LinkType = linkType;
        Data = data;
    }

    /// <summary>Capture time in microseconds since the Unix epoch (0 to the end of year 9999).</summary>
    public long TimestampMicroseconds { get; }
    /// <summary>The LINKTYPE_ value of the frame's interface.</summary>
    public int LinkType { get; }
    /// <summary>The captured bytes.</summary>
    public ReadOnlySpan<byte> Data { get; }
}
