using System;
using System.Buffers.Binary;
using System.Net;

namespace MigrationTools.Analysis.Capture;

/// <summary>An IP address and port as plain values (IPv4 mapped into the low 32 bits), cheap to hash and compare.</summary>
internal readonly record struct NetEndpoint(UInt128 Address, ushort Port, bool IsIPv6)
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

    /// <summary>The endpoint of an <see cref="IPEndPoint"/> (an IPv4-mapped IPv6 address counts as IPv4).</summary>
    public static NetEndpoint From(IPEndPoint endpoint)
    {
        var address = endpoint.Address.IsIPv4MappedToIPv6 ? endpoint.Address.MapToIPv4() : endpoint.Address;
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var length);
        return length == 4 ? FromIPv4(bytes[..4], (ushort)endpoint.Port) : FromIPv6(bytes, (ushort)endpoint.Port);
    }

    internal static NetEndpoint FromIPv4(ReadOnlySpan<byte> address, ushort port) => new(BinaryPrimitives.ReadUInt32BigEndian(address), port, false);

    internal static NetEndpoint FromIPv6(ReadOnlySpan<byte> address, ushort port) => new(BinaryPrimitives.ReadUInt128BigEndian(address), port, true);
}
