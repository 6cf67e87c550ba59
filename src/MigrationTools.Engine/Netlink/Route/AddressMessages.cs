using System;
using System.Buffers.Binary;
using System.Net;
using MigrationTools.Engine.Addressing;

namespace MigrationTools.Engine.Netlink.Route;

/// <summary>RTM_NEWADDR, RTM_DELADDR and RTM_GETADDR requests as iproute2 writes them, and the decoder of address messages.</summary>
internal static class AddressMessages
{
    /// <summary>
    /// Adds (or, with <paramref name="delete"/>, removes) <paramref name="prefix"/> on interface <paramref name="index"/>:
    /// IFA_LOCAL and IFA_ADDRESS both the address, as <c>ip address add A/P dev X [nodad]</c> sends them.
    /// </summary>
    internal static void WriteAddress(ref NetlinkWriter writer, uint sequence, int index, IpPrefix prefix, bool noDad, bool delete = false)
    {
        writer.BeginMessage(delete ? Rtnl.RTM_DELADDR : Rtnl.RTM_NEWADDR,
            delete ? (ushort)(Nl.NLM_F_REQUEST | Nl.NLM_F_ACK) : (ushort)(Nl.NLM_F_REQUEST | Nl.NLM_F_ACK | Nl.NLM_F_CREATE | Nl.NLM_F_EXCL), sequence);
        var header = writer.ReserveHeader(Rtnl.IfAddrLength);
        header[0] = prefix.Family == IpFamily.IPv6 ? (byte)MigrationTools.Core.Interop.Sock.AF_INET6 : (byte)MigrationTools.Core.Interop.Sock.AF_INET;
        header[1] = (byte)prefix.PrefixLength;
        header[2] = noDad ? Ifa.IFA_F_NODAD : (byte)0;
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], index);
        Span<byte> address = stackalloc byte[16];
        prefix.Address.TryWriteBytes(address, out var length);
        writer.PutBytes(Ifa.IFA_LOCAL, address[..length]);
        writer.PutBytes(Ifa.IFA_ADDRESS, address[..length]);
        writer.EndMessage();
    }

    /// <summary>A dump of every address of the namespace, or of one family.</summary>
    /// <remarks>On a socket with NETLINK_GET_STRICT_CHK the kernel returns only the addresses of <paramref name="index"/> when it is not 0.</remarks>
    internal static void WriteGetAddresses(ref NetlinkWriter writer, uint sequence, IpFamily? family, int index = 0)
    {
        writer.BeginMessage(Rtnl.RTM_GETADDR, Nl.NLM_F_REQUEST | Nl.NLM_F_DUMP, sequence);
        var header = writer.ReserveHeader(Rtnl.IfAddrLength);
        header[0] = family switch { IpFamily.IPv4 => (byte)MigrationTools.Core.Interop.Sock.AF_INET, IpFamily.IPv6 => (byte)MigrationTools.Core.Interop.Sock.AF_INET6, _ => 0 };
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], index);
        writer.EndMessage();
    }

    /// <summary>Decodes an RTM_NEWADDR message; null for other messages or when it is incomplete.</summary>
    internal static AddressRecord? Decode(NetlinkMessage message)
    {
        if (message.Type != Rtnl.RTM_NEWADDR || message.Payload.Length < Rtnl.IfAddrLength)
        {
            return null;
        }

        var header = message.Payload;
        var family = header[0];
        var expected = family == MigrationTools.Core.Interop.Sock.AF_INET6 ? 16 : family == MigrationTools.Core.Interop.Sock.AF_INET ? 4 : -1;
        if (expected < 0 || header[1] > expected * 8)
        {
            return null;
        }

        uint flags = header[2];
        IPAddress? local = null, address = null;
        foreach (var attribute in message.AttributesAfter(Rtnl.IfAddrLength))
        {
            switch (attribute.Type)
            {
                case Ifa.IFA_LOCAL when attribute.Value.Length == expected:
                    local = new IPAddress(attribute.Value);
                    break;
                case Ifa.IFA_ADDRESS when attribute.Value.Length == expected:
                    address = new IPAddress(attribute.Value);
                    break;
                case Ifa.IFA_FLAGS:
                    flags = attribute.U32;
                    break;
            }
        }

        // A point-to-point address has the peer in IFA_ADDRESS and its own in IFA_LOCAL; IPv6 sends only IFA_ADDRESS.
        var own = local ?? address;
        return own is null ? null : new AddressRecord(BinaryPrimitives.ReadInt32LittleEndian(header[4..]), new IpPrefix(own, header[1]), header[3], flags);
    }

    /// <summary>The scope as iproute2 names it.</summary>
    internal static string ScopeName(byte scope) => scope switch
    {
        Rtnl.RT_SCOPE_UNIVERSE => "global",
        Rtnl.RT_SCOPE_SITE => "site",
        Rtnl.RT_SCOPE_LINK => "link",
        Rtnl.RT_SCOPE_HOST => "host",
        Rtnl.RT_SCOPE_NOWHERE => "nowhere",
        _ => scope.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
