using System.Collections.Generic;
using MigrationTools.Engine.Errors;

namespace MigrationTools.Engine.Quic;

/// <summary>What a watch saw besides its events: counts for warnings, files it could not read, and the analysis for the summary.</summary>
public sealed class QuicProbeRun
{
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
    /// <summary>Bytes of capture read so far (for progress).</summary>
    public long BytesRead { get; internal set; }
}
