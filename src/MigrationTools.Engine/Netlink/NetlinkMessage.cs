using System;
using System.Buffers.Binary;

namespace MigrationTools.Engine.Netlink;

/// <summary>One netlink message inside a received buffer (header included); valid while the buffer is.</summary>
internal readonly ref struct NetlinkMessage
{
    internal NetlinkMessage(ReadOnlySpan<byte> whole)
    {
        Whole = whole;
    }

    /// <summary>The whole message, header included.</summary>
    internal ReadOnlySpan<byte> Whole { get; }
    internal ushort Type => BinaryPrimitives.ReadUInt16LittleEndian(Whole[4..]);
    internal ushort Flags => BinaryPrimitives.ReadUInt16LittleEndian(Whole[6..]);
    internal uint Sequence => BinaryPrimitives.ReadUInt32LittleEndian(Whole[8..]);
    internal uint PortId => BinaryPrimitives.ReadUInt32LittleEndian(Whole[12..]);
    /// <summary>Everything after the netlink header.</summary>
    internal ReadOnlySpan<byte> Payload => Whole[Nl.HeaderLength..];

    /// <summary>For NLMSG_ERROR: the negative errno, or 0 for an acknowledgement (0 when cut short).</summary>
    internal int Error => Payload.Length >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(Payload) : 0;

    /// <summary>For NLMSG_ERROR with extended ack: the kernel's message, or null.</summary>
    internal string? ExtendedAckMessage
    {
        get
        {
            if ((Flags & Nl.NLM_F_ACK_TLVS) == 0 || Payload.Length < 4 + Nl.HeaderLength)
            {
                return null;
            }

            // The error code, then the request's header (and, unless capped, its payload), then attributes.
            var echoed = (Flags & Nl.NLM_F_CAPPED) != 0
                ? Nl.HeaderLength
                : (int)Math.Min((uint)Payload.Length - 4, Align(BinaryPrimitives.ReadUInt32LittleEndian(Payload[4..])));
            if (4 + echoed > Payload.Length)
            {
                return null;
            }

            foreach (var attribute in new NetlinkAttributeReader(Payload[(4 + echoed)..]))
            {
                if (attribute.Type == Nl.NLMSGERR_ATTR_MSG)
                {
                    return attribute.String;
                }
            }

            return null;
        }
    }

    /// <summary>The nfgenmsg family byte (netfilter messages).</summary>
    internal byte NfFamily => Payload.Length > 0 ? Payload[0] : (byte)0;

    /// <summary>Attributes after a family header of <paramref name="headerLength"/> bytes (empty when cut short).</summary>
    internal NetlinkAttributeReader AttributesAfter(int headerLength) =>
        new(Payload.Length >= headerLength ? Payload[Align((uint)headerLength)..] : default);

    /// <summary>Attributes after the nfgenmsg header (netfilter messages).</summary>
    internal NetlinkAttributeReader Attributes => AttributesAfter(Nfnl.GenHeaderLength);

    private static int Align(uint length) => (int)((length + 3) & ~3u);
}
