using System;
using System.Buffers.Binary;
using System.Net;
using System.Runtime.CompilerServices;

namespace MigrationTools.Engine.Quic;

/// <summary>An IP address and port as plain values (IPv4 mapped into the low 32 bits), cheap to hash and compare.</summary>
public readonly record struct NetEndpoint(UInt128 Address, ushort Port, bool IsIPv6)
{
    /// <summary>The address as an <see cref="IPAddress"/>.</summary>
    public IPAddress ToIPAddress()
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, Address);
        return IsIPv6 ? new IPAddress(bytes) : new IPAddress(bytes[12..]);
    }

    /// <summary>The same address without the port.</summary>
    public NetEndpoint WithoutPort => this with { Port = 0 };

    /// <inheritdoc />
    public override string ToString() => Port == 0 ? ToIPAddress().ToString() : IsIPv6 ? $"[{ToIPAddress()}]:{Port}" : $"{ToIPAddress()}:{Port}";

    internal static NetEndpoint FromIPv4(ReadOnlySpan<byte> address, ushort port) => new(BinaryPrimitives.ReadUInt32BigEndian(address), port, false);

    internal static NetEndpoint FromIPv6(ReadOnlySpan<byte> address, ushort port) => new(BinaryPrimitives.ReadUInt128BigEndian(address), port, true);
}

/// <summary>A UDP datagram found in a captured frame, with the outer addresses when it came inside IP-in-IP.</summary>
public readonly ref struct UdpDatagram
{
    internal UdpDatagram(NetEndpoint source, NetEndpoint destination, NetEndpoint? outerSource, NetEndpoint? outerDestination, ReadOnlySpan<byte> payload, int ipLength, bool truncated = false)
    {
        Truncated = truncated;
        Source = source;
        Destination = destination;
        OuterSource = outerSource;
        OuterDestination = outerDestination;
        Payload = payload;
        IpLength = ipLength;
    }

    /// <summary>Source address and port.</summary>
    public NetEndpoint Source { get; }
    /// <summary>Destination address and port.</summary>
    public NetEndpoint Destination { get; }
    /// <summary>The IP-in-IP outer source, if encapsulated.</summary>
    public NetEndpoint? OuterSource { get; }
    /// <summary>The IP-in-IP outer destination, if encapsulated.</summary>
    public NetEndpoint? OuterDestination { get; }
    /// <summary>The UDP payload.</summary>
    public ReadOnlySpan<byte> Payload { get; }
    /// <summary>The (inner) IP packet's length.</summary>
    public int IpLength { get; }
    /// <summary>True when the capture holds less of the datagram than was sent (snap length): <see cref="Payload"/> is its start.</summary>
    public bool Truncated { get; }
}

/// <summary>Why a frame gave no UDP datagram.</summary>
public enum DecodeResult
{
    /// <summary>A UDP datagram.</summary>
    Udp,
    /// <summary>Not IP, not UDP, or a later fragment: nothing to look at.</summary>
    NotUdp,
    /// <summary>Truncated or inconsistent headers.</summary>
    Malformed,
    /// <summary>A link type this decoder does not know.</summary>
    UnknownLinkType,
}

/// <summary>
/// Link layer, IPv4/IPv6 and UDP decoding on spans: Ethernet (with VLAN tags), Linux cooked v1 and v2 (what
/// <c>tcpdump -i any</c> writes), raw IP and BSD loopback; IP-in-IP (protocol 4) and IPv6-in-IPv4 (41) are
/// unwrapped once and the outer addresses kept.
/// </summary>
public static class PacketDecoder
{
    /// <summary>Finds the UDP datagram in a frame of link type <paramref name="linkType"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static DecodeResult TryDecode(int linkType, ReadOnlySpan<byte> frame, out UdpDatagram datagram)
    {
        datagram = default;
        ReadOnlySpan<byte> ip;
        switch (linkType)
        {
            case 1: // Ethernet
            {
                if (frame.Length < 14)
                {
                    return DecodeResult.Malformed;
                }

                var offset = 12;
                var type = BinaryPrimitives.ReadUInt16BigEndian(frame[offset..]);
                while (type is 0x8100 or 0x88a8 && frame.Length >= offset + 6)
                {
                    offset += 4;
                    type = BinaryPrimitives.ReadUInt16BigEndian(frame[offset..]);
                }

                if (type is not (0x0800 or 0x86dd))
                {
                    return DecodeResult.NotUdp;
                }

                ip = frame[(offset + 2)..];
                break;
            }
            case 113: // Linux cooked v1
                if (frame.Length < 16)
                {
                    return DecodeResult.Malformed;
                }

                if (BinaryPrimitives.ReadUInt16BigEndian(frame[14..]) is not (0x0800 or 0x86dd))
                {
                    return DecodeResult.NotUdp;
                }

                ip = frame[16..];
                break;
            case 276: // Linux cooked v2
                if (frame.Length < 20)
                {
                    return DecodeResult.Malformed;
                }

                if (BinaryPrimitives.ReadUInt16BigEndian(frame) is not (0x0800 or 0x86dd))
                {
                    return DecodeResult.NotUdp;
                }

                ip = frame[20..];
                break;
            case 101 or 12 or 14 or 228 or 229: // raw IP
                ip = frame;
                break;
            case 0 or 108: // BSD loopback / OpenBSD loopback: 4-byte family
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
            while (protocol is 0 or 43 or 60 or 44)
            {
                if (payload.Length < 8)
                {
                    return DecodeResult.Malformed;
                }

                if (protocol == 44 && (BinaryPrimitives.ReadUInt16BigEndian(payload[2..]) & 0xfff8) != 0)
                {
                    return DecodeResult.NotUdp;
                }

                var length = protocol == 44 ? 8 : (payload[1] + 1) * 8;
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

        if (protocol is 4 or 41 && depth == 0)
        {
            return DecodeIp(payload, source, destination, 1, out datagram);
        }

        if (protocol != 17)
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
