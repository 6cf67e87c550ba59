using System;

namespace MigrationTools.Analysis.Quic;

/// <summary>QUIC versions the watcher understands.</summary>
internal static class QuicVersions
{
    /// <summary>QUIC version 1 (RFC 9000).</summary>
    public const uint V1 = 0x00000001;
    /// <summary>QUIC version 2 (RFC 9369).</summary>
    public const uint V2 = 0x6b3343cf;

    /// <summary>True for the versions whose packets can be parsed and unprotected.</summary>
    public static bool IsKnown(uint version) => version is V1 or V2;

    internal static string LabelPrefix(uint version) => version == V2 ? "quicv2 " : "quic ";

    internal static ReadOnlySpan<byte> InitialSalt(uint version) => version == V2
        ? new byte[] { 0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93, 0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9 }
        : new byte[] { 0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17, 0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a };
}
