namespace MigrationTools.Analysis.Capture;

/// <summary>The EtherType values the decoder follows (IEEE 802 numbers), by their names.</summary>
internal static class EtherType
{
    internal const ushort IPv4 = 0x0800;
    internal const ushort IPv6 = 0x86dd;
    /// <summary>An IEEE 802.1Q VLAN tag.</summary>
    internal const ushort Vlan = 0x8100;
    /// <summary>An IEEE 802.1ad service tag (QinQ).</summary>
    internal const ushort ServiceVlan = 0x88a8;
}
