namespace MigrationTools.Analysis.Capture;

/// <summary>The LINKTYPE_ values (tcpdump.org link-layer header types) the decoder knows, by their names.</summary>
internal static class LinkType
{
    /// <summary>LINKTYPE_NULL: BSD loopback, a 4-byte family in host order.</summary>
    public const int Null = 0;
    /// <summary>LINKTYPE_ETHERNET.</summary>
    public const int Ethernet = 1;
    /// <summary>Raw IP as some systems number it (DLT_RAW on OpenBSD).</summary>
    public const int RawOpenBsd = 12;
    /// <summary>Raw IP as some systems number it (DLT_RAW on BSD/OS).</summary>
    public const int RawBsdOs = 14;
    /// <summary>LINKTYPE_RAW: IPv4 or IPv6, no link header.</summary>
    public const int Raw = 101;
    /// <summary>LINKTYPE_LOOP: OpenBSD loopback, a 4-byte family in network order.</summary>
    public const int Loop = 108;
    /// <summary>LINKTYPE_LINUX_SLL: Linux cooked capture v1 (tcpdump -i any before libpcap 1.10).</summary>
    public const int LinuxSll = 113;
    /// <summary>LINKTYPE_IPV4.</summary>
    public const int IPv4 = 228;
    /// <summary>LINKTYPE_IPV6.</summary>
    public const int IPv6 = 229;
    /// <summary>LINKTYPE_LINUX_SLL2: Linux cooked capture v2 (tcpdump -i any).</summary>
    public const int LinuxSll2 = 276;
}
