using System;
using System.Collections.Generic;
using System.Linq;
using MigrationTools.Analysis.Quic;
using Xunit;

namespace MigrationTools.Engine.Tests;

/// <summary>The few TLS 1.3 handshake fields the analysis reads (RFC 8446 section 4), from messages built here.</summary>
public sealed class TlsHandshakeTests
{
    private static byte[] Message(byte type, byte[] body) =>
        new[] { type, (byte)(body.Length >> 16), (byte)(body.Length >> 8), (byte)body.Length }.Concat(body).ToArray();

    private static byte[] U16(int value) => new[] { (byte)(value >> 8), (byte)value };

    private static byte[] Extension(int type, byte[] data) => U16(type).Concat(U16(data.Length)).Concat(data).ToArray();

    /// <summary>active_connection_id_limit = <paramref name="limit"/>, as quic_transport_parameters data.</summary>
    private static byte[] Parameters(byte limit) => new byte[] { 0x0e, 0x01, limit };

    private static readonly byte[] Random = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();

    /// <summary>A ClientHello body: version, random, session id, cipher suites, compression methods, extensions.</summary>
    private static byte[] ClientHelloBody(byte[] sessionId, int suites, int compressions, params byte[][] extensions)
    {
        var body = new List<byte> { 3, 3 };
        body.AddRange(Random);
        body.Add((byte)sessionId.Length);
        body.AddRange(sessionId);
        body.AddRange(U16(2 * suites));
        body.AddRange(Enumerable.Range(0, suites).SelectMany(i => new byte[] { 0x13, (byte)(1 + i) }));
        body.Add((byte)compressions);
        body.AddRange(new byte[compressions]);
        var block = extensions.SelectMany(e => e).ToArray();
        body.AddRange(U16(block.Length));
        body.AddRange(block);
        return body.ToArray();
    }

    private static readonly byte[] ServerName = Extension(0x00, new byte[] { 0, 6, 0, 0, 3, 0x61, 0x62, 0x63 });

    [Fact]
    public void AMessageIsWholeOnlyOnceItsThreeByteLengthHasArrived()
    {
        var body = Enumerable.Repeat((byte)7, 0x010003).ToArray(); // needs all three length bytes
        var message = Message(8, body);

        Assert.True(TlsHandshake.TryMessage(message, 8, out var read));
        Assert.Equal(0x010003, read.Length);
        Assert.False(TlsHandshake.TryMessage(message[..^1], 8, out _));
        Assert.False(TlsHandshake.TryMessage(message, 2, out _));
        Assert.False(TlsHandshake.TryMessage(new byte[] { 8, 0, 0 }, 8, out _));
        Assert.True(TlsHandshake.TryMessage(new byte[] { 8, 0, 0, 0 }, 8, out var empty));
        Assert.Equal(0, empty.Length);
    }

    [Fact]
    public void TheClientRandomIsReadFromTheFirst38Bytes()
    {
        var hello = Message(1, ClientHelloBody(Array.Empty<byte>(), 1, 1));

        Assert.True(TlsHandshake.TryClientRandom(hello[..38], out var random));
        Assert.Equal(Random, random.ToArray());
        Assert.False(TlsHandshake.TryClientRandom(hello[..37], out _));
        var notHello = (byte[])hello.Clone();
        notHello[0] = 2;
        Assert.False(TlsHandshake.TryClientRandom(notHello, out _));
    }

    [Theory]
    [InlineData(0, 0x1301, nameof(QuicCipherSuite.Aes128GcmSha256))]
    [InlineData(32, 0x1302, nameof(QuicCipherSuite.Aes256GcmSha384))]
    [InlineData(5, 0x1303, nameof(QuicCipherSuite.ChaCha20Poly1305Sha256))]
    public void TheServerHelloNamesItsCipherSuiteAfterTheSessionId(int sessionIdLength, int suite, string expectedName)
    {
        var expected = Enum.Parse<QuicCipherSuite>(expectedName);
        var body = new byte[] { 3, 3 }.Concat(new byte[32]).Concat(new[] { (byte)sessionIdLength }).Concat(Enumerable.Repeat((byte)0xee, sessionIdLength))
            .Concat(U16(suite)).Concat(new byte[] { 0, 0, 0 }).ToArray();
        var hello = Message(2, body);
        var suiteEnd = 4 + 2 + 32 + 1 + sessionIdLength + 2;

        Assert.Equal(expected, TlsHandshake.ServerCipherSuite(hello));
        Assert.Equal(expected, TlsHandshake.ServerCipherSuite(hello[..suiteEnd]));
        Assert.Null(TlsHandshake.ServerCipherSuite(hello[..(suiteEnd - 1)]));
    }

    [Fact]
    public void ACipherSuiteQuicDoesNotUseOrAnotherMessageGivesNone()
    {
        var ccm = Message(2, new byte[] { 3, 3 }.Concat(new byte[32]).Concat(new byte[] { 0, 0x13, 0x04, 0 }).ToArray());
        Assert.Null(TlsHandshake.ServerCipherSuite(ccm));
        var notServerHello = (byte[])ccm.Clone();
        notServerHello[0] = 1;
        notServerHello[40] = 0x01;
        Assert.Null(TlsHandshake.ServerCipherSuite(notServerHello));
        Assert.Null(TlsHandshake.ServerCipherSuite(ccm[..39]));
    }

    [Fact]
    public void TheClientsParametersAreFoundAfterEveryVariableField()
    {
        var hello = Message(1, ClientHelloBody(Enumerable.Repeat((byte)0x33, 32).ToArray(), 3, 2, ServerName, Extension(0x39, Parameters(8))));

        var parameters = TlsHandshake.ClientTransportParameters(hello);

        Assert.NotNull(parameters);
        Assert.Equal(8UL, parameters.ActiveConnectionIdLimit);
    }

    [Fact]
    public void AClientHelloWithoutTheExtensionOrCutShortGivesNone()
    {
        Assert.Null(TlsHandshake.ClientTransportParameters(Message(1, ClientHelloBody(Array.Empty<byte>(), 1, 1, ServerName))));
        var whole = Message(1, ClientHelloBody(new byte[8], 2, 1, ServerName, Extension(0x39, Parameters(8))));
        for (var cut = 1; cut < whole.Length; cut++)
        {
            Assert.Null(TlsHandshake.ClientTransportParameters(whole[..cut]));
        }
    }

    [Fact]
    public void ABodyEndingAtEachFieldGivesNoneAndNoFault()
    {
        // The message is whole, but its body stops inside the session id, the suites or the compression methods.
        var body = ClientHelloBody(new byte[8], 2, 1);
        foreach (var end in new[] { 34, 35, 42, 43, 44, 46, 47 })
        {
            Assert.Null(TlsHandshake.ClientTransportParameters(Message(1, body[..end])));
        }

        // Compression methods reach exactly the end: no extensions at all.
        Assert.Null(TlsHandshake.ClientTransportParameters(Message(1, body[..^2])));
    }

    [Fact]
    public void ExtensionLengthsBeyondTheirBlockGiveNone()
    {
        var body = ClientHelloBody(Array.Empty<byte>(), 1, 1, Extension(0x39, Parameters(8)));
        var blockTooLong = (byte[])body.Clone();
        blockTooLong[body.Length - 9] += 1; // the extensions block's length (its high byte: 256 more)
        Assert.Null(TlsHandshake.ClientTransportParameters(Message(1, blockTooLong)));

        var extensionTooLong = (byte[])body.Clone();
        extensionTooLong[body.Length - 4] += 1; // quic_transport_parameters' own length
        Assert.Null(TlsHandshake.ClientTransportParameters(Message(1, extensionTooLong)));
    }

    [Fact]
    public void TheServersParametersComeFromEncryptedExtensions()
    {
        var block = ServerName.Concat(Extension(0x39, Parameters(5))).ToArray();
        var encrypted = Message(8, U16(block.Length).Concat(block).ToArray());

        Assert.Equal(5UL, TlsHandshake.ServerTransportParameters(encrypted)!.ActiveConnectionIdLimit);
        Assert.Null(TlsHandshake.ServerTransportParameters(encrypted[..^1]));
        Assert.Null(TlsHandshake.ServerTransportParameters(Message(8, new byte[] { 0 })));
        Assert.Null(TlsHandshake.ServerTransportParameters(Message(8, U16(ServerName.Length).Concat(ServerName).ToArray())));
    }
}
