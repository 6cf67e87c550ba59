using System;
using System.Linq;
using MigrationTools.Analysis.Quic;
using Xunit;

namespace MigrationTools.Engine.Tests;

/// <summary>Long and short headers (RFC 9000 section 17, RFC 9369 section 3.2), from bytes laid out here.</summary>
public sealed class QuicHeaderTests
{
    private const uint V1 = 0x00000001;
    private const uint V2 = 0x6b3343cf;

    /// <summary>A long header: first byte, version, DCID, SCID, then <paramref name="rest"/> (token, length, ...).</summary>
    private static byte[] Long(byte first, uint version, byte[] dcid, byte[] scid, params byte[] rest) =>
        new[] { first, (byte)(version >> 24), (byte)(version >> 16), (byte)(version >> 8), (byte)version, (byte)dcid.Length }
            .Concat(dcid).Concat(new[] { (byte)scid.Length }).Concat(scid).Concat(rest).ToArray();

    private static readonly byte[] Dcid = { 1, 2, 3, 4, 5, 6, 7, 8 };
    private static readonly byte[] Scid = { 9, 9, 9, 9 };

    /// <summary>Token length 0, a two-byte length of <paramref name="length"/>, then that many bytes.</summary>
    private static byte[] InitialRest(int length, int extra = 0) =>
        new byte[] { 0x00, (byte)(0x40 | (length >> 8)), (byte)length }.Concat(new byte[length + extra]).ToArray();

    [Theory]
    [InlineData(0xc3, V1, nameof(QuicPacketType.Initial))]
    [InlineData(0xd3, V1, nameof(QuicPacketType.ZeroRtt))]
    [InlineData(0xe3, V1, nameof(QuicPacketType.Handshake))]
    [InlineData(0xd3, V2, nameof(QuicPacketType.Initial))]
    [InlineData(0xe3, V2, nameof(QuicPacketType.ZeroRtt))]
    [InlineData(0xf3, V2, nameof(QuicPacketType.Handshake))]
    public void TypesFollowTheVersionsOwnNumbering(byte first, uint version, string expectedName)
    {
        var expected = Enum.Parse<QuicPacketType>(expectedName);
        var rest = expected == QuicPacketType.Initial ? InitialRest(30) : new byte[] { 0x40, 30 }.Concat(new byte[30]).ToArray();
        var packet = Long(first, version, Dcid, Scid, rest);

        Assert.True(QuicPacket.TryParseLong(packet, out var header));
        Assert.Equal(expected, header.Type);
        Assert.Equal(version, header.Version);
        Assert.Equal(6, header.DcidOffset);
        Assert.Equal(8, header.DcidLength);
        Assert.Equal(15, header.ScidOffset);
        Assert.Equal(4, header.ScidLength);
        Assert.Equal(packet.Length - 30, header.PacketNumberOffset);
        Assert.Equal(packet.Length, header.PacketLength);
        Assert.True(header.IsLong);
    }

    [Theory]
    [InlineData(0xf0, V1)]
    [InlineData(0xc0, V2)]
    public void RetryRunsToTheEndOfTheDatagram(byte first, uint version)
    {
        var packet = Long(first, version, Dcid, Scid, new byte[40]);

        Assert.True(QuicPacket.TryParseLong(packet, out var header));
        Assert.Equal(QuicPacketType.Retry, header.Type);
        Assert.Equal(packet.Length, header.PacketLength);
    }

    [Fact]
    public void VersionZeroIsVersionNegotiation()
    {
        var packet = Long(0x80, 0, Dcid, Scid, 0, 0, 0, 1);

        Assert.True(QuicPacket.TryParseLong(packet, out var header));
        Assert.Equal(QuicPacketType.VersionNegotiation, header.Type);
        Assert.Equal(packet.Length, header.PacketLength);
    }

    [Fact]
    public void AnUnknownVersionIsNotParsed()
    {
        Assert.False(QuicPacket.TryParseLong(Long(0xc3, 0xff00001d, Dcid, Scid, InitialRest(30)), out _));
    }

    [Fact]
    public void CoalescedPacketsEndWhereTheirLengthSays()
    {
        // An Initial whose length covers 30 bytes, followed by 25 bytes of another packet.
        var packet = Long(0xc3, V1, Dcid, Scid, InitialRest(30, extra: 25));

        Assert.True(QuicPacket.TryParseLong(packet, out var header));
        Assert.Equal(packet.Length - 25, header.PacketLength);
    }

    [Fact]
    public void TheInitialsTokenIsSkipped()
    {
        var packet = Long(0xc3, V1, Dcid, Scid, new byte[] { 0x05, 1, 2, 3, 4, 5, 0x40, 24 }.Concat(new byte[24]).ToArray());

        Assert.True(QuicPacket.TryParseLong(packet, out var header));
        Assert.Equal(6 + 8 + 1 + 4 + 1 + 5 + 2, header.PacketNumberOffset);
    }

    [Fact]
    public void ConnectionIdsOfTwentyBytesAreReadAndLongerOnesRefused()
    {
        var twenty = Enumerable.Repeat((byte)7, 20).ToArray();
        Assert.True(QuicPacket.TryParseLong(Long(0xc3, V1, twenty, twenty, InitialRest(20)), out var header));
        Assert.Equal(20, header.DcidLength);
        Assert.Equal(20, header.ScidLength);
        var long21 = Enumerable.Repeat((byte)7, 21).ToArray();
        Assert.False(QuicPacket.TryParseLong(Long(0xc3, V1, long21, Scid, InitialRest(20)), out _));
        Assert.False(QuicPacket.TryParseLong(Long(0xc3, V1, Dcid, long21, InitialRest(20)), out _));
    }

    [Fact]
    public void APacketCutAnywhereBeforeItsPayloadIsRefused()
    {
        var packet = Long(0xc3, V1, Dcid, Scid, new byte[] { 0x02, 0xaa, 0xbb }.Concat(InitialRest(20)[1..]).ToArray());
        Assert.True(QuicPacket.TryParseLong(packet, out _));
        for (var cut = 0; cut < packet.Length - 20; cut++)
        {
            Assert.False(QuicPacket.TryParseLong(packet[..cut], out _), $"cut at {cut}");
        }
    }

    [Fact]
    public void LengthsBelowTheSmallestPacketOrBeyondTheDatagramAreRefused()
    {
        Assert.False(QuicPacket.TryParseLong(Long(0xc3, V1, Dcid, Scid, InitialRest(19)), out _));
        Assert.True(QuicPacket.TryParseLong(Long(0xc3, V1, Dcid, Scid, InitialRest(20)), out _));
        var beyond = Long(0xc3, V1, Dcid, Scid, InitialRest(30))[..^1];
        Assert.False(QuicPacket.TryParseLong(beyond, out _));
        var tokenBeyond = Long(0xc3, V1, Dcid, Scid, new byte[] { 0x30, 1, 2 });
        Assert.False(QuicPacket.TryParseLong(tokenBeyond, out _));
    }

    [Fact]
    public void AShortHeaderIsNotALongOne()
    {
        var shortPacket = new byte[] { 0x43 }.Concat(Dcid).Concat(new byte[30]).ToArray();
        Assert.False(QuicPacket.TryParseLong(shortPacket, out _));

        Assert.True(QuicPacket.TryParseShort(shortPacket, Dcid.Length, out var header));
        Assert.Equal(QuicPacketType.OneRtt, header.Type);
        Assert.False(header.IsLong);
        Assert.Equal(1, header.DcidOffset);
        Assert.Equal(9, header.PacketNumberOffset);
        Assert.Equal(shortPacket.Length, header.PacketLength);
    }

    [Fact]
    public void AShortHeaderNeedsItsDcidAndTwentyBytesAndNoLongHeaderBit()
    {
        var exact = new byte[] { 0x43 }.Concat(Dcid).Concat(new byte[20]).ToArray();
        Assert.True(QuicPacket.TryParseShort(exact, Dcid.Length, out _));
        Assert.False(QuicPacket.TryParseShort(exact[..^1], Dcid.Length, out _));
        exact[0] = 0xc3;
        Assert.False(QuicPacket.TryParseShort(exact, Dcid.Length, out _));
    }
}
