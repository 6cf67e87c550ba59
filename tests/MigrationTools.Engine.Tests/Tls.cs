using System;
using System.Collections.Generic;
using System.Linq;

namespace MigrationTools.Engine.Tests;

/// <summary>TLS 1.3 handshake messages as QUIC carries them (RFC 8446 section 4, RFC 9001 section 8.2), built for crafted captures.</summary>
internal static class Tls
{
    /// <summary>Transport parameters (RFC 9000 section 18): id, length, value for each.</summary>
    public static byte[] Parameters(params (ulong Id, byte[] Value)[] parameters)
    {
        var bytes = new List<byte>();
        foreach (var (id, value) in parameters)
        {
            bytes.AddRange(VarInt(id));
            bytes.AddRange(VarInt((ulong)value.Length));
            bytes.AddRange(value);
        }

        return bytes.ToArray();
    }

    /// <summary>A ClientHello with one cipher suite, the transport parameters and a key share of <paramref name="keyShareBytes"/>.</summary>
    public static byte[] ClientHello(byte[] random, byte[] transportParameters, int keyShareBytes)
    {
        var body = new List<byte> { 3, 3 };
        body.AddRange(random);
        body.Add(0); // session id
        body.AddRange(new byte[] { 0, 2, 0x13, 0x01 }); // cipher suites
        body.AddRange(new byte[] { 1, 0 }); // compression methods
        var extensions = new List<byte>();
        extensions.AddRange(Extension(0x39, transportParameters));
        if (keyShareBytes > 0)
        {
            extensions.AddRange(Extension(0x33, Enumerable.Repeat((byte)0x5a, keyShareBytes).ToArray()));
        }

        body.AddRange(Length16(extensions.Count));
        body.AddRange(extensions);
        return Message(1, body.ToArray());
    }

    /// <summary>EncryptedExtensions holding the server's transport parameters.</summary>
    public static byte[] EncryptedExtensions(byte[] transportParameters)
    {
        var extensions = Extension(0x39, transportParameters);
        return Message(8, Length16(extensions.Length).Concat(extensions).ToArray());
    }

    private static byte[] Message(byte type, byte[] body) =>
        new[] { type, (byte)(body.Length >> 16), (byte)(body.Length >> 8), (byte)body.Length }.Concat(body).ToArray();

    private static byte[] Extension(ushort type, byte[] data) =>
        new[] { (byte)(type >> 8), (byte)type }.Concat(Length16(data.Length)).Concat(data).ToArray();

    private static byte[] Length16(int length) => new[] { (byte)(length >> 8), (byte)length };

    private static byte[] VarInt(ulong value) => value switch
    {
        < 64 => new[] { (byte)value },
        < 16384 => new[] { (byte)(0x40 | (value >> 8)), (byte)value },
        _ => throw new ArgumentOutOfRangeException(nameof(value)),
    };
}
