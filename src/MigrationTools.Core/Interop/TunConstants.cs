namespace MigrationTools.Core.Interop;

/// <summary>TUN device ioctls and flags (linux/if_tun.h), by their C names.</summary>
internal static class TunConstants
{
    internal const ulong TUNSETIFF = 0x400454ca;
    internal const ulong TUNSETPERSIST = 0x400454cb;
    internal const ulong TUNSETOFFLOAD = 0x400454d0;
    internal const ulong TUNGETFEATURES = 0x800454cf;
    internal const ulong TUNSETVNETHDRSZ = 0x400454d8;

    internal const short IFF_TUN = 0x0001;
    internal const short IFF_NO_PI = 0x1000;
    internal const short IFF_VNET_HDR = 0x4000;

    internal const int TUN_F_CSUM = 0x01;
    internal const int TUN_F_TSO4 = 0x02;
    internal const int TUN_F_TSO6 = 0x04;
    internal const int TUN_F_TSO_ECN = 0x08;
    internal const int TUN_F_UFO = 0x10;
    internal const int TUN_F_USO4 = 0x20;
    internal const int TUN_F_USO6 = 0x40;

    /// <summary>struct ifreq is 40 bytes on 64-bit Linux; the name fills the first 16.</summary>
    internal const int IfReqSize = 40;
}
