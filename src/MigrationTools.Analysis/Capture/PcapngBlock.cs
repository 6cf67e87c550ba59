namespace MigrationTools.Analysis.Capture;

/// <summary>pcapng block types, option codes and secrets types (draft-ietf-opsawg-pcapng), by their names.</summary>
internal static class PcapngBlock
{
    internal const uint SectionHeader = 0x0a0d0d0a;
    internal const uint InterfaceDescription = 0x00000001;
    internal const uint SimplePacket = 0x00000003;
    internal const uint EnhancedPacket = 0x00000006;
    internal const uint DecryptionSecrets = 0x0000000a;

    internal const uint ByteOrderMagic = 0x1a2b3c4d;
    internal const uint ByteOrderMagicSwapped = 0x4d3c2b1a;

    internal const ushort OptionEnd = 0;
    internal const ushort InterfaceTimestampResolution = 9;

    /// <summary>Secrets type of a Decryption Secrets Block holding an NSS key log ("TLSK").</summary>
    internal const uint SecretsTlsKeyLog = 0x544c534b;

    /// <summary>Every block: type (4), total length (4), body, total length again (4).</summary>
    internal const int BlockOverhead = 12;
}
