namespace MigrationTools.Analysis.Capture;

/// <summary>Why a frame gave no UDP datagram.</summary>
internal enum DecodeResult
{
    /// <summary>A UDP datagram.</summary>
    Udp,
    /// <summary>Not IP, not UDP, or a later fragment: nothing to look at.</summary>
    NotUdp,
    /// <summary>Truncated or inconsistent headers.</summary>
    Malformed,
    /// <summary>A link type this decoder does not know.</summary>
    UnknownLinkType,
}
