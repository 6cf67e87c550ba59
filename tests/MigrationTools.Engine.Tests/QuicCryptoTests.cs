using System;
using MigrationTools.Analysis.Quic;
using Xunit;

namespace MigrationTools.Engine.Tests;

/// <summary>RFC 9001 appendix A and RFC 9369 appendix A test vectors.</summary>
public class QuicCryptoTests
{
    private static readonly byte[] Dcid = Convert.FromHexString("8394c8f03e515708");

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    [Fact]
    public void DerivesTheVersion1InitialSecretsAndKeys()
    {
        var (client, server) = QuicCrypto.InitialSecrets(QuicVersions.V1, Dcid);
        Assert.Equal("c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea", Hex(client));
        Assert.Equal("3c199828fd139efd216c155ad844cc81fb82fa8d7446fa7d78be803acdda951b", Hex(server));

        var (clientKeys, serverKeys) = QuicCrypto.InitialKeys(QuicVersions.V1, Dcid);
        Assert.Equal("1f369613dd76d5467730efcbe3b1a22d", Hex(clientKeys.Key));
        Assert.Equal("fa044b2f42a3fd3b46fb255c", Hex(clientKeys.Iv));
        Assert.Equal("9f50449e04a0e810283a1e9933adedd2", Hex(clientKeys.HeaderKey));
        Assert.Equal("cf3a5331653c364c88f0f379b6067e37", Hex(serverKeys.Key));
        Assert.Equal("0ac1493ca1905853b0bba03e", Hex(serverKeys.Iv));
        Assert.Equal("c206b8d9b9f0f37644430b490eeaa314", Hex(serverKeys.HeaderKey));
    }

    [Fact]
    public void DerivesTheVersion2InitialKeys()
    {
        var (client, server) = QuicCrypto.InitialSecrets(QuicVersions.V2, Dcid);
        Assert.Equal("14ec9d6eb9fd7af83bf5a668bc17a7e283766aade7ecd0891f70f9ff7f4bf47b", Hex(client));
        Assert.Equal("0263db1782731bf4588e7e4d93b7463907cb8cd8200b5da55a8bd488eafc37c1", Hex(server));
        var (clientKeys, serverKeys) = QuicCrypto.InitialKeys(QuicVersions.V2, Dcid);
        Assert.Equal("8b1a0bc121284290a29e0971b5cd045d", Hex(clientKeys.Key));
        Assert.Equal("91f73e2351d8fa91660e909f", Hex(clientKeys.Iv));
        Assert.Equal("45b95e15235d6f45a6b19cbcb0294ba9", Hex(clientKeys.HeaderKey));
        Assert.Equal("82db637861d55e1d011f19ea71d5d2a7", Hex(serverKeys.Key));
        Assert.Equal("dd13c276499c0249d3310652", Hex(serverKeys.Iv));
        Assert.Equal("edf6d05c83121201b436e16877593c3a", Hex(serverKeys.HeaderKey));
    }

    [Fact]
    public void ComputesTheClientInitialHeaderProtectionMask()
    {
        // RFC 9001 A.2: sample d1b1c98dd7689fb8ec11d242b123dc9b gives mask 437b9aec36.
        var (client, _) = QuicCrypto.InitialKeys(QuicVersions.V1, Dcid);
        var mask = new byte[5];
        client.HeaderMask(Convert.FromHexString("d1b1c98dd7689fb8ec11d242b123dc9b"), mask);
        Assert.Equal("437b9aec36", Hex(mask));
    }

    [Fact]
    public void UnprotectsTheServerInitialOfAppendixA3()
    {
        var packet = Convert.FromHexString(
            "cf000000010008f067a5502a4262b5004075c0d95a482cd0991cd25b0aac406a5816b6394100f37a1c69797554780bb38cc5a99f5ede4cf73c3ec2493a1839b3dbcba3f6ea46c5b7684df3548e7ddeb9c3bf9c73cc3f3bded74b562bfb19fb84022f8ef4cdd93795d77d06edbb7aaf2f58891850abbdca3d20398c276456cbc42158407dd074ee");
        Assert.True(QuicPacket.TryParseLong(packet, out var header));
        Assert.Equal(QuicPacketType.Initial, header.Type);
        Assert.Equal(0, header.DcidLength);
        Assert.Equal("f067a5502a4262b5", Hex(packet.AsSpan(header.ScidOffset, header.ScidLength).ToArray()));
        Assert.Equal(packet.Length, header.PacketLength);

        var (_, server) = QuicCrypto.InitialKeys(QuicVersions.V1, Dcid);
        var plaintext = new byte[packet.Length];
        var length = QuicPacket.TryUnprotect(server, packet, header, ulong.MaxValue, new byte[packet.Length], plaintext, out var packetNumber, out _);
        Assert.Equal(1UL, packetNumber);
        Assert.True(length > 0);
        // An ACK frame, then CRYPTO carrying the ServerHello with TLS_AES_128_GCM_SHA256.
        Assert.StartsWith("02000000000600405a020000560303eefce7f7b37ba1d163", Hex(plaintext.AsSpan(0, length).ToArray()));
        var reader = new QuicFrameReader(plaintext.AsSpan(0, length));
        Assert.True(reader.TryNext(out var ack));
        Assert.Equal(QuicFrameType.Ack, ack.Type);
        Assert.Equal(0UL, ack.LargestAcknowledged);
        Assert.True(reader.TryNext(out var crypto));
        Assert.Equal(QuicFrameType.Crypto, crypto.Type);
        Assert.Equal(0x5a, crypto.Data.Length);
        Assert.Equal(2, crypto.Data[0]);
        Assert.False(reader.TryNext(out _));
        Assert.False(reader.Malformed);
    }

    [Fact]
    public void UnprotectsTheChaCha20ShortHeaderOfAppendixA5AndUpdatesItsKey()
    {
        var secret = Convert.FromHexString("9ac312a7f877468ebe69422748ad00a15443f18203a07d6060f688f30f21632b");
        using var keys = QuicPacketKeys.FromSecret(QuicCipherSuite.ChaCha20Poly1305Sha256, QuicVersions.V1, secret);
        Assert.Equal("c6d98ff3441c3fe1b2182094f69caa2ed4b716b65488960a7a984979fb23e1c8", Hex(keys.Key));
        Assert.Equal("e0459b3474bdd0e44a41c144", Hex(keys.Iv));
        Assert.Equal("25a282b9e82f06f21f488917a4fc8f1b73573685608597d0efcb076b0ab7a7a4", Hex(keys.HeaderKey));

        var mask = new byte[5];
        keys.HeaderMask(Convert.FromHexString("5e5cd55c41f69080575d7999c25a5bfb"), mask);
        Assert.Equal("aefefe7d03", Hex(mask));

        var packet = Convert.FromHexString("4cfe4189655e5cd55c41f69080575d7999c25a5bfb");
        Assert.True(QuicPacket.TryParseShort(packet, 0, out var header));
        var plaintext = new byte[32];
        var length = QuicPacket.TryUnprotect(keys, packet, header, 654360563, new byte[64], plaintext, out var packetNumber, out var phase);
        Assert.Equal(1, length);
        Assert.Equal(654360564UL, packetNumber);
        Assert.False(phase);
        Assert.Equal(0x01, plaintext[0]);

        using var next = keys.Next();
        Assert.Equal("1223504755036d556342ee9361d253421a826c9ecdf3c7148684b36b714881f9", Hex(next.Secret));
        Assert.Equal(keys.HeaderKey, next.HeaderKey);
    }

    [Fact]
    public void RejectsWrongKeys()
    {
        var packet = Convert.FromHexString("4cfe4189655e5cd55c41f69080575d7999c25a5bfb");
        using var keys = QuicPacketKeys.FromSecret(QuicCipherSuite.ChaCha20Poly1305Sha256, QuicVersions.V1, new byte[32]);
        QuicPacket.TryParseShort(packet, 0, out var header);
        Assert.Equal(-1, QuicPacket.TryUnprotect(keys, packet, header, 0, new byte[64], new byte[64], out _, out _));
    }

    [Theory]
    [InlineData(0xa82f30eaUL, 0x9b32UL, 2, 0xa82f9b32UL)]
    [InlineData(ulong.MaxValue, 0UL, 1, 0UL)]
    [InlineData(654360563UL, 49140UL, 3, 654360564UL)]
    public void DecodesPacketNumbers(ulong largest, ulong truncated, int length, ulong expected) =>
        Assert.Equal(expected, QuicCrypto.DecodePacketNumber(largest, truncated, length));

    [Theory]
    [InlineData("c2197c5eff14e88c", 151288809941952652UL, 8)]
    [InlineData("9d7f3e7d", 494878333UL, 4)]
    [InlineData("7bbd", 15293UL, 2)]
    [InlineData("25", 37UL, 1)]
    public void ReadsVarInts(string hex, ulong value, int length)
    {
        var offset = 0;
        Assert.True(QuicVarInt.TryRead(Convert.FromHexString(hex), ref offset, out var read));
        Assert.Equal(value, read);
        Assert.Equal(length, offset);
    }
}
