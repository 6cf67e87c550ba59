using System;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace MigrationTools.Engine.Tests;

/// <summary>
/// The packet protection keys of one direction, derived here from RFC 9001 section 5 and RFC 9369 section 3.3 with
/// .NET's HKDF and AES, independently of the engine's key schedule, so crafted captures test the engine against
/// the RFCs rather than against itself: AES-128-GCM with SHA-256 or AES-256-GCM with SHA-384, version 1 or 2
/// labels, Initial secrets from the version's salt, and the next generation after a key update.
/// </summary>
internal sealed class ScenarioKeys
{
    public const uint Version1 = 0x00000001;
    public const uint Version2 = 0x6b3343cf;
    private static readonly byte[] Salt1 = Convert.FromHexString("38762cf7f55934b34d179ae6a4c80cadccbb7f0a");
    private static readonly byte[] Salt2 = Convert.FromHexString("0dede3def700a6db819381be6e269dcbf9bd2ed9");

    private readonly bool _sha384;
    private readonly uint _version;

    private ScenarioKeys(byte[] secret, bool sha384, uint version)
    {
        Secret = secret;
        _sha384 = sha384;
        _version = version;
        var keyLength = sha384 ? 32 : 16;
        Key = ExpandLabel(secret, Label("key"), keyLength);
        Iv = ExpandLabel(secret, Label("iv"), 12);
        HeaderKey = ExpandLabel(secret, Label("hp"), keyLength);
    }

    public byte[] Secret { get; }
    public byte[] Key { get; }
    public byte[] Iv { get; }
    public byte[] HeaderKey { get; }

    /// <summary>Keys from a traffic secret (its length names the hash: 32 bytes SHA-256, 48 bytes SHA-384).</summary>
    public static ScenarioKeys FromSecret(byte[] secret, uint version) => new(secret, secret.Length == 48, version);

    /// <summary>The client's and the server's Initial keys for a client's first Destination Connection ID.</summary>
    public static (ScenarioKeys Client, ScenarioKeys Server) Initial(uint version, byte[] dcid)
    {
        var initial = HKDF.Extract(HashAlgorithmName.SHA256, dcid, version == Version2 ? Salt2 : Salt1);
        return (new ScenarioKeys(ExpandLabel(initial, "client in", 32, sha384: false), false, version),
                new ScenarioKeys(ExpandLabel(initial, "server in", 32, sha384: false), false, version));
    }

    /// <summary>RFC 9001 section 6.1: the next generation of keys (the header protection key stays).</summary>
    public ScenarioKeys Next()
    {
        var next = new ScenarioKeys(ExpandLabel(Secret, Label("ku"), Secret.Length), _sha384, _version);
        HeaderKey.CopyTo(next.HeaderKey, 0);
        return next;
    }

    /// <summary>AES-GCM over the payload with the header as associated data (RFC 9001 section 5.3).</summary>
    public void Seal(ulong packetNumber, byte[] header, byte[] payload, Span<byte> ciphertext, Span<byte> tag)
    {
        var nonce = (byte[])Iv.Clone();
        BinaryPrimitives.WriteUInt64BigEndian(nonce.AsSpan(4), BinaryPrimitives.ReadUInt64BigEndian(nonce.AsSpan(4)) ^ packetNumber);
        using var aead = new AesGcm(Key, 16);
        aead.Encrypt(nonce, payload, ciphertext, tag, header);
    }

    /// <summary>The header protection mask: AES-ECB of the sample (RFC 9001 section 5.4.3).</summary>
    public byte[] Mask(ReadOnlySpan<byte> sample)
    {
        using var aes = Aes.Create();
        aes.Key = HeaderKey;
        return aes.EncryptEcb(sample.ToArray(), PaddingMode.None)[..5];
    }

    private string Label(string name) => (_version == Version2 ? "quicv2 " : "quic ") + name;

    private byte[] ExpandLabel(byte[] secret, string label, int length) => ExpandLabel(secret, label, length, _sha384);

    /// <summary>TLS 1.3 HKDF-Expand-Label (RFC 8446 section 7.1) with an empty context.</summary>
    private static byte[] ExpandLabel(byte[] secret, string label, int length, bool sha384)
    {
        var full = Encoding.ASCII.GetBytes("tls13 " + label);
        var info = new byte[2 + 1 + full.Length + 1];
        BinaryPrimitives.WriteUInt16BigEndian(info, (ushort)length);
        info[2] = (byte)full.Length;
        full.CopyTo(info, 3);
        return HKDF.Expand(sha384 ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256, secret, length, info);
    }
}
