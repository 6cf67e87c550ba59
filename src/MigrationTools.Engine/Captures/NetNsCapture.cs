using System;
using System.Collections.Generic;

namespace MigrationTools.Engine.Captures;

/// <summary>A capture running in a namespace (Start-NetNsCapture); Stop-NetNsCapture ends it.</summary>
public sealed class NetNsCapture
{
    internal NetNsCapture(string id, string @namespace, string @interface, string path, string? filter, int processId, DateTime started,
        string? keyLogFile, int? ringFileSizeMB, int? ringFileCount)
    {
        Id = id;
        Namespace = @namespace;
        Interface = @interface;
        Path = path;
        Filter = filter;
        ProcessId = processId;
        Started = started;
        KeyLogFile = keyLogFile;
        RingFileSizeMB = ringFileSizeMB;
        RingFileCount = ringFileCount;
    }

    /// <summary>The capture's id (unique on this machine).</summary>
    public string Id { get; }

    /// <summary>The namespace it captures in.</summary>
    public string Namespace { get; }

    /// <summary>The interface (<c>any</c>: all of the namespace's).</summary>
    public string Interface { get; }

    /// <summary>The file it is written to when it stops (.pcapng or .pcap).</summary>
    public string Path { get; }

    /// <summary>The capture filter (BPF), if any.</summary>
    public string? Filter { get; }

    /// <summary>The tcpdump process.</summary>
    public int ProcessId { get; }

    /// <summary>When it started (UTC).</summary>
    public DateTime Started { get; }

    /// <summary>A key log embedded in the pcapng file when it stops.</summary>
    public string? KeyLogFile { get; }

    /// <summary>Ring buffer: the size of each file in MB.</summary>
    public int? RingFileSizeMB { get; }

    /// <summary>Ring buffer: how many files are kept.</summary>
    public int? RingFileCount { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Namespace}/{Interface} -> {Path}";
}

/// <summary>What a stopped capture holds (Stop-NetNsCapture).</summary>
public sealed class NetNsCaptureSummary
{
    internal NetNsCaptureSummary(string @namespace, string @interface, IReadOnlyList<string> files, long packetsCaptured, long packetsReceivedByFilter,
        long packetsDropped, TimeSpan duration, bool keyLogEmbedded)
    {
        Namespace = @namespace;
        Interface = @interface;
        Files = files;
        Path = files.Count > 0 ? files[0] : string.Empty;
        PacketsCaptured = packetsCaptured;
        PacketsReceivedByFilter = packetsReceivedByFilter;
        PacketsDropped = packetsDropped;
        Duration = duration;
        KeyLogEmbedded = keyLogEmbedded;
    }

    /// <summary>The namespace.</summary>
    public string Namespace { get; }

    /// <summary>The interface.</summary>
    public string Interface { get; }

    /// <summary>The capture file (the first, with a ring buffer).</summary>
    public string Path { get; }

    /// <summary>Every file written (several with a ring buffer, oldest first).</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>Packets written (tcpdump's count).</summary>
    public long PacketsCaptured { get; }

    /// <summary>Packets that matched the filter (tcpdump's count).</summary>
    public long PacketsReceivedByFilter { get; }

    /// <summary>Packets the kernel dropped because the capture did not keep up.</summary>
    public long PacketsDropped { get; }

    /// <summary>How long it ran.</summary>
    public TimeSpan Duration { get; }

    /// <summary>True when the key log was embedded (a Decryption Secrets Block).</summary>
    public bool KeyLogEmbedded { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Path}: {PacketsCaptured} captured, {PacketsDropped} dropped";
}
