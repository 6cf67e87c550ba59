using System;
using System.Collections.Generic;
using System.IO;
using MigrationTools.Core.Errors;
using MigrationTools.Core.Files;

namespace MigrationTools.Analysis.Quic;

/// <summary>What a watch saw besides its events: counts for warnings, files it could not read, and the analysis for the summary.</summary>
internal sealed class QuicProbeRun : IDisposable
{
    private readonly List<IQuicPacketObserver> _observers = new();
    private QlogOutput? _qlog;
    private TimelineRecorder? _timeline;

    internal QuicProbeRun(QuicProbeOptions options)
    {
        Options = options;
        Analyzer = new QuicProbeAnalyzer(options);
    }

    /// <summary>The settings, with the key log that secrets found in captures are added to.</summary>
    public QuicProbeOptions Options { get; }
    /// <summary>The analysis.</summary>
    public QuicProbeAnalyzer Analyzer { get; }
    /// <summary>Every event produced, for the summary.</summary>
    public List<QuicProbeEvent> Events { get; } = new();
    /// <summary>Capture files that could not be read (each skipped; the others were read).</summary>
    public List<MigrationToolsException> FileErrors { get; } = new();
    /// <summary>Frames read.</summary>
    public long Frames { get; internal set; }
    /// <summary>Frames with damaged or truncated headers.</summary>
    public long MalformedFrames { get; internal set; }
    /// <summary>Frames of link types the decoder does not know.</summary>
    public long UnknownLinkType { get; internal set; }
    /// <summary>Damaged capture blocks.</summary>
    public long DamagedBlocks { get; internal set; }
    /// <summary>
    /// Packets the kernel dropped before a live watch's tcpdump read them (its closing count); null for capture files,
    /// or when tcpdump ended without its counts.
    /// </summary>
    public long? KernelDrops { get; internal set; }

    /// <summary>Bytes of capture read so far (for progress).</summary>
    public long BytesRead { get; internal set; }

    /// <summary>The qlog files written so far (see <see cref="WriteQlog"/>).</summary>
    public IReadOnlyList<string> QlogFiles => _qlog?.Files ?? Array.Empty<string>();

    /// <summary>Writes one qlog file per connection and vantage point into <paramref name="directory"/> as the watch goes.</summary>
    public void WriteQlog(string directory)
    {
        if (File.Exists(directory))
        {
            throw ErrorCatalog.QlogOutInvalid($"'{directory}' is a file; -QlogOutDirectory names a directory.", directory);
        }

        _qlog = new QlogOutput(directory);
        Observe(_qlog);
    }

    /// <summary>Collects what <see cref="WriteTimeline"/> draws.</summary>
    public void RecordTimeline()
    {
        _timeline = new TimelineRecorder();
        Observe(_timeline);
    }

    /// <summary>
    /// Writes the SVG timeline of everything recorded so far to <paramref name="path"/> (through a temporary file
    /// renamed into place, so a reader never sees half a picture).
    /// </summary>
    public void WriteTimeline(string path, string title)
    {
        if (_timeline is null)
        {
            throw new InvalidOperationException("RecordTimeline was not called.");
        }

        OutputFiles.WriteText(path, TimelineSvg.Render(_timeline, title), overwrite: true, "-TimelinePath");
    }

    /// <summary>Records an event (the outputs had it from the analyzer, as it was made).</summary>
    internal void Record(QuicProbeEvent quicEvent) => Events.Add(quicEvent);

    /// <inheritdoc />
    public void Dispose() => _qlog?.Dispose();

    private void Observe(IQuicPacketObserver observer)
    {
        _observers.Add(observer);
        Analyzer.Observer = _observers.Count == 1 ? observer : new ObserverList(_observers);
    }

    private sealed class ObserverList(List<IQuicPacketObserver> observers) : IQuicPacketObserver
    {
        public void OnPacket(in ObservedPacket packet)
        {
            foreach (var observer in observers)
            {
                observer.OnPacket(packet);
            }
        }

        public void OnEvent(QuicProbeEvent quicEvent)
        {
            foreach (var observer in observers)
            {
                observer.OnEvent(quicEvent);
            }
        }
    }
}
