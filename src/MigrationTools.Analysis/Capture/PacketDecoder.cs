using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace MigrationTools.Analysis.Capture;

/// <summary>
/// Link layer, IPv4/IPv6 and UDP decoding on spans: Ethernet (with VLAN tags), Linux cooked v1 and v2 (what
/// <c>tcpdump -i any</c> writes), raw IP and BSD loopback; IP-in-IP (protocol 4) and IPv6-in-IPv4 (41) are
/// unwrapped once and the outer addresses kept.
/// </summary>
internal static class PacketDecoder
{
    /// <summary>Finds the UDP datagram in a frame of link type <paramref name="linkType"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static DecodeResult TryDecode(int linkType, ReadOnlySpan<byte> frame, out UdpDatagram datagram)
    {
        datagram = default;
        ReadOnlySpan<byte> ip;
        switch (linkType)
        {
            case LinkType.Ethernet:
                {
                    if (frame.Length < 14)
                    {
                        return DecodeResult.Malformed;
                    }

                    var offset = 12;
                    var type = BinaryPrimitives.ReadUInt16BigEndian(frame[offset..]);
                    while (type is EtherType.Vlan or EtherType.ServiceVlan && frame.Length >= offset + 6)
                    {
                        offset += 4;
                        type = BinaryPrimitives.ReadUInt16BigEndian(frame[offset..]);
                    }

                    if (type is not (EtherType.IPv4 or EtherType.IPv6))
                    {
                        return DecodeResult.NotUdp;
                    }

                    ip = frame[(offset + 2)..];
                    break;
                }
            case LinkType.LinuxSll:
                if (frame.Length < 16)
                {
                    return DecodeResult.Malformed;
                }

                if (BinaryPrimitives.ReadUInt16BigEndian(frame[14..]) is not (EtherType.IPv4 or EtherType.IPv6))
                {
                    return DecodeResult.NotUdp;
                }

                ip = frame[16..];
                break;
            case LinkType.LinuxSll2:
                if (frame.Length < 20)
                {
                    return DecodeResult.Malformed;
                }

                if (BinaryPrimitives.ReadUInt16BigEndian(frame) is not (EtherType.IPv4 or EtherType.IPv6))
                {
                    return DecodeResult.NotUdp;
                }

                ip = frame[20..];
                break;
            case LinkType.Raw or LinkType.RawOpenBsd or LinkType.RawBsdOs or LinkType.IPv4 or LinkType.IPv6:
                ip = frame;
                break;
            case LinkType.Null or LinkType.Loop: // a 4-byte address family
                if (frame.Length < 4)
                {
                    return DecodeResult.Malformed;
                }

                ip = frame[4..];
                break;
            default:
                return DecodeResult.UnknownLinkType;
        }

        return DecodeIp(ip, null, null, 0, out datagram);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static DecodeResult DecodeIp(ReadOnlySpan<byte> ip, NetEndpoint? outerSource, NetEndpoint? outerDestination, int depth, out UdpDatagram datagram)
    {
        datagram = default;
        if (ip.IsEmpty)
        {
            return DecodeResult.Malformed;
        }

        int protocol;
        ReadOnlySpan<byte> payload;
        NetEndpoint source, destination;
        var version = ip[0] >> 4;
        int ipLength;
        var truncated = false;
        if (version == 4)
        {
            if (ip.Length < 20)
            {
                return DecodeResult.Malformed;
            }

            var headerLength = (ip[0] & 0x0f) * 4;
            ipLength = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
            if (headerLength < 20 || ipLength < headerLength || headerLength > ip.Length)
            {
                return DecodeResult.Malformed;
            }

            if (ipLength > ip.Length)
            {
                // Cut short by the capture's snap length: what is there is still looked at.
                truncated = true;
            }

            if ((BinaryPrimitives.ReadUInt16BigEndian(ip[6..]) & 0x1fff) != 0)
            {
                return DecodeResult.NotUdp;
            }

            protocol = ip[9];
            source = NetEndpoint.FromIPv4(ip[12..16], 0);
            destination = NetEndpoint.FromIPv4(ip[16..20], 0);
            payload = ip[headerLength..Math.Min(ipLength, ip.Length)];
        }
        else if (version == 6)
        {
            if (ip.Length < 40)
            {
                return DecodeResult.Malformed;
            }

            ipLength = 40 + BinaryPrimitives.ReadUInt16BigEndian(ip[4..]);
            if (ipLength > ip.Length)
            {
                truncated = true;
            }

            protocol = ip[6];
            source = NetEndpoint.FromIPv6(ip[8..24], 0);
            destination = NetEndpoint.FromIPv6(ip[24..40], 0);
            payload = ip[40..Math.Min(ipLength, ip.Length)];
            while (protocol is IpProtocol.HopByHop or IpProtocol.Routing or IpProtocol.DestinationOptions or IpProtocol.Fragment)
            {
                if (payload.Length < 8)
                {
                    return DecodeResult.Malformed;
                }

                if (protocol == IpProtocol.Fragment && (BinaryPrimitives.ReadUInt16BigEndian(payload[2..]) & 0xfff8) != 0)
                {
                    return DecodeResult.NotUdp;
                }

                var length = protocol == IpProtocol.Fragment ? 8 : (payload[1] + 1) * 8;
                if (length > payload.Length)
                {
                    return DecodeResult.Malformed;
                }

                protocol = payload[0];
                payload = payload[length..];
            }
        }
        else
        {
            return DecodeResult.Malformed;
        }

        if (protocol is IpProtocol.IpInIp or IpProtocol.IPv6InIPv4 && depth == 0)
        {
            return DecodeIp(payload, source, destination, 1, out datagram);
        }

        if (protocol != IpProtocol.Udp)
        {
            return DecodeResult.NotUdp;
        }

        if (payload.Length < 8)
        {
            return DecodeResult.Malformed;
        }

        var udpLength = BinaryPrimitives.ReadUInt16BigEndian(payload[4..]);
        if (udpLength < 8 || (udpLength > payload.Length && !truncated))
        {
            return DecodeResult.Malformed;
        }

        datagram = new UdpDatagram(
            source with { Port = BinaryPrimitives.ReadUInt16BigEndian(payload) },
            destination with { Port = BinaryPrimitives.ReadUInt16BigEndian(payload[2..]) },
            outerSource, outerDestination, payload[8..Math.Min(udpLength, payload.Length)], ipLength, truncated || udpLength > payload.Length);
        return DecodeResult.Udp;
    }
}
