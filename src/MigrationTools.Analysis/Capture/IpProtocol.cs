namespace MigrationTools.Analysis.Capture;

/// <summary>IP protocol and IPv6 extension header numbers the decoder follows (IANA), by their names.</summary>
internal static class IpProtocol
{
    internal const byte HopByHop = 0;
    internal const byte IpInIp = 4;
    internal const byte Udp = 17;
    internal const byte IPv6InIPv4 = 41;
    internal const byte Routing = 43;
    internal const byte Fragment = 44;
    internal const byte DestinationOptions = 60;
}
