using System;
using System.Linq;
using MigrationTools.Analysis.Quic;
using Xunit;

namespace MigrationTools.Engine.Tests;

/// <summary>The quic_transport_parameters extension (RFC 9000 section 18), from bytes written here.</summary>
public sealed class TransportParametersTests
{
    /// <summary>One parameter: id and length as one-byte varints (both under 64 here), then the value.</summary>
    private static byte[] Parameter(int id, params byte[] value) => new[] { (byte)id, (byte)value.Length }.Concat(value).ToArray();

    /// <summary>A preferred_address value (section 18.2): IPv4 address and port, IPv6 address and port, CID, token.</summary>
    private static byte[] Preferred(byte[] v4, int v4Port, byte[] v6, int v6Port, byte[] cid, byte tokenByte = 0x7e) =>
        v4.Concat(new[] { (byte)(v4Port >> 8), (byte)v4Port }).Concat(v6).Concat(new[] { (byte)(v6Port >> 8), (byte)v6Port })
            .Concat(new[] { (byte)cid.Length }).Concat(cid).Concat(Enumerable.Repeat(tokenByte, 16)).ToArray();

    private static readonly byte[] V4 = { 10, 250, 1, 2 };
    private static readonly byte[] V6 = Convert.FromHexString("fd000000000000000000000000000002");
    private static readonly byte[] Cid = Convert.FromHexString("5e5e5e5e5e5e5e03");

    [Fact]
    public void ReadsEveryParameterItKnowsAndSkipsTheOthers()
    {
        var data = Parameter(0x01, 0x80, 0x00, 0x75, 0x30) // max_idle_timeout (unknown here): skipped
            .Concat(Parameter(0x0d, Preferred(V4, 9443, V6, 8443, Cid)))
            .Concat(Parameter(0x0c))
            .Concat(Parameter(0x0e, 0x08))
            .Concat(Parameter(0x03, 0x44, 0xb0)) // max_udp_payload_size 1200 (two-byte varint)
            .ToArray();

        var parameters = TransportParameters.TryParse(data);

        Assert.NotNull(parameters);
        Assert.True(parameters.DisableActiveMigration);
        Assert.Equal(8UL, parameters.ActiveConnectionIdLimit);
        Assert.Equal(1200UL, parameters.MaxUdpPayloadSize);
        var preferred = Assert.IsType<PreferredAddress>(parameters.PreferredAddress);
        Assert.Equal("10.250.1.2:9443", preferred.IPv4!.ToString());
        Assert.Equal("[fd00::2]:8443", preferred.IPv6!.ToString());
        Assert.Equal("5e5e5e5e5e5e5e03", preferred.ConnectionId);
        Assert.Equal(string.Concat(Enumerable.Repeat("7e", 16)), preferred.StatelessResetToken);
    }

    [Fact]
    public void GreaseQuicBitIsReadFromItsTwoByteIdAndMustBeEmpty()
    {
        // RFC 9287: id 0x2ab2, a two-byte varint (0x6ab2), with an empty value.
        Assert.True(TransportParameters.TryParse(new byte[] { 0x6a, 0xb2, 0x00 })!.GreaseQuicBit);
        Assert.False(TransportParameters.TryParse(Parameter(0x0c))!.GreaseQuicBit);
        Assert.Null(TransportParameters.TryParse(new byte[] { 0x6a, 0xb2, 0x01, 0x00 }));
    }

    [Fact]
    public void NothingSentMeansTheDefaults()
    {
        var parameters = TransportParameters.TryParse(ReadOnlySpan<byte>.Empty);

        Assert.NotNull(parameters);
        Assert.False(parameters.DisableActiveMigration);
        Assert.Null(parameters.PreferredAddress);
        Assert.Equal(2UL, parameters.ActiveConnectionIdLimit);
        Assert.Equal(65527UL, parameters.MaxUdpPayloadSize);
    }

    [Fact]
    public void AnAllZeroFamilyOfThePreferredAddressIsAbsent()
    {
        var onlyV4 = TransportParameters.TryParse(Parameter(0x0d, Preferred(V4, 9443, new byte[16], 0, Cid)))!.PreferredAddress!;
        Assert.NotNull(onlyV4.IPv4);
        Assert.Null(onlyV4.IPv6);

        var onlyV6 = TransportParameters.TryParse(Parameter(0x0d, Preferred(new byte[4], 0, V6, 8443, Cid)))!.PreferredAddress!;
        Assert.Null(onlyV6.IPv4);
        Assert.NotNull(onlyV6.IPv6);

        // A zero address with a port, or an address with port 0, is still given.
        var zeroAddress = TransportParameters.TryParse(Parameter(0x0d, Preferred(new byte[4], 443, new byte[16], 443, Cid)))!.PreferredAddress!;
        Assert.Equal("0.0.0.0:443", zeroAddress.IPv4!.ToString());
        Assert.Equal("[::]:443", zeroAddress.IPv6!.ToString());
        var zeroPort = TransportParameters.TryParse(Parameter(0x0d, Preferred(V4, 0, V6, 0, Cid)))!.PreferredAddress!;
        Assert.Equal("10.250.1.2:0", zeroPort.IPv4!.ToString());
        Assert.Equal("[fd00::2]:0", zeroPort.IPv6!.ToString());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(20)]
    public void ConnectionIdsOfOneToTwentyBytesAreRead(int length)
    {
        var cid = Enumerable.Range(1, length).Select(i => (byte)i).ToArray();
        var preferred = TransportParameters.TryParse(Parameter(0x0d, Preferred(V4, 1, V6, 1, cid, 0x11)))!.PreferredAddress!;

        Assert.Equal(Convert.ToHexString(cid).ToLowerInvariant(), preferred.ConnectionId);
        Assert.Equal(string.Concat(Enumerable.Repeat("11", 16)), preferred.StatelessResetToken);
    }

    public static TheoryData<string, byte[]> Malformed => new()
    {
        { "a length beyond the data", new byte[] { 0x0e, 0x05, 0x01 } },
        { "an id cut in its varint", new byte[] { 0x40 } },
        { "a length cut in its varint", new byte[] { 0x0e, 0x40 } },
        { "disable_active_migration with a value", Parameter(0x0c, 0x01) },
        { "preferred_address one byte short", Parameter(0x0d, Preferred(V4, 1, V6, 1, Cid)[..^1]) },
        { "preferred_address one byte long", Parameter(0x0d, Preferred(V4, 1, V6, 1, Cid).Concat(new byte[] { 0 }).ToArray()) },
        { "preferred_address below its fixed size", Parameter(0x0d, new byte[40]) },
        { "preferred_address with a zero-length CID", Parameter(0x0d, Preferred(V4, 1, V6, 1, Array.Empty<byte>())) },
        { "preferred_address with a 21-byte CID", Parameter(0x0d, Preferred(V4, 1, V6, 1, new byte[21])) },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void MalformedDataIsRejected(string name, byte[] data)
    {
        Assert.True(TransportParameters.TryParse(data) is null, name);
    }

    [Fact]
    public void ANumberWithBytesAfterItsVarintIsIgnoredNotMisread()
    {
        // active_connection_id_limit as 0x08 followed by a stray byte: not a number, so the default stays.
        var parameters = TransportParameters.TryParse(Parameter(0x0e, 0x08, 0x00));

        Assert.NotNull(parameters);
        Assert.Equal(2UL, parameters.ActiveConnectionIdLimit);
    }
}
