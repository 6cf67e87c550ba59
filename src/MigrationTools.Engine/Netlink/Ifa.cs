namespace MigrationTools.Engine.Netlink;

/// <summary>Address attributes and flags (linux/if_addr.h), by their C names.</summary>
internal static class Ifa
{
    internal const ushort IFA_ADDRESS = 1;
    internal const ushort IFA_LOCAL = 2;
    internal const ushort IFA_LABEL = 3;
    internal const ushort IFA_BROADCAST = 4;
    internal const ushort IFA_FLAGS = 8;

    internal const byte IFA_F_SECONDARY = 0x01;
    internal const byte IFA_F_NODAD = 0x02;
    internal const byte IFA_F_DADFAILED = 0x08;
    internal const byte IFA_F_TENTATIVE = 0x40;
    internal const byte IFA_F_PERMANENT = 0x80;
}
