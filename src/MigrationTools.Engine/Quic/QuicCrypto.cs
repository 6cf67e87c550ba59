using System;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace MigrationTools.Engine.Quic;

/// <summary>The TLS 1.3 cipher suites QUIC uses (RFC 9001 section 5.3).</summary>
public enum QuicCipherSuite
{
    /// <summary>TLS_AES_128_GCM_SHA256 (0x1301).</summary>
    Aes128GcmSha256 = 0x1301,
    /// <summary>TLS_AES_256_GCM_SHA384 (0x1302).</summary>
    Aes256GcmSha384 = 0x1302,
    /// <summary>TLS_CHACHA20_POLY1305_SHA256 (0x1303).</summary>
    ChaCha20Poly1305Sha256 = 0x1303,
}

/// <summary>QUIC versions the watcher understands.</summary>
public static class QuicVersions
{
    /// <summary>QUIC version 1 (RFC 9000).</summary>
    public const uint V1 = 0x00000001;
    /// <summary>QUIC version 2 (RFC 9369).</summary>
    public const uint V2 = 0x6b3343cf;

    /// <summary>True for the versions whose packets can be parsed and unprotected.</summary>
    public static bool IsKnown(uint version) => version is V1 or V2;

    internal static string LabelPrefix(uint version) => version == V2 ? "quicv2 " : "quic ";

    internal static ReadOnlySpan<byte> InitialSalt(uint version) => version == V2
        ? new byte[] { 0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93, 0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9 }
        : new byte[] { 0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17, 0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a };
}

/// <summary>
/// The keys of one direction at one encryption level: AEAD key and IV, header protection key, and the secret they
/// came from (for key updates). Holds its cipher objects, so unprotecting a packet allocates nothing.
/// </summary>
public sealed class QuicPacketKeys : IDisposable
{
    private readonly AesGcm? _aesGcm;
    private readonly ChaCha20Poly1305? _chaCha;
    private readonly Aes? _headerAes;
    private readonly ICryptoTransform? _headerEncryptor;
    private readonly byte[] _headerBlock = new byte[32];
    private readonly uint _version;

    private QuicPacketKeys(QuicCipherSuite suite, uint version, byte[] secret, byte[] key, byte[] iv, byte[] hp)
    {
        Suite = suite;
        _version = version;
        Secret = secret;
        Key = key;
        Iv = iv;
        HeaderKey = hp;
        if (suite == QuicCipherSuite.ChaCha20Poly1305Sha256)
        {
            _chaCha = new ChaCha20Poly1305(key);
        }
        else
        {
            _aesGcm = new AesGcm(key, 16);
            _headerAes = Aes.Create();
            _headerAes.Key = hp;
            _headerAes.Mode = CipherMode.ECB;
            _headerAes.Padding = PaddingMode.None;
            // One transform reused for every packet: a one-shot EncryptEcb sets up a new cipher context per call,
            // which costs several times the AES block itself.
            _headerEncryptor = _headerAes.CreateEncryptor();
        }
    }

    /// <summary>The cipher suite.</summary>
    public QuicCipherSuite Suite { get; }
    /// <summary>The traffic secret.</summary>
    public byte[] Secret { get; }
    /// <summary>The AEAD key.</summary>
    public byte[] Key { get; }
    /// <summary>The AEAD IV.</summary>
    public byte[] Iv { get; }
    /// <summary>The header protection key.</summary>
    public byte[] HeaderKey { get; }

    /// <summary>Keys from a traffic secret (RFC 9001 section 5.1), with the labels of <paramref name="version"/>.</summary>
    public static QuicPacketKeys FromSecret(QuicCipherSuite suite, uint version, byte[] secret)
    {
        var hash = HashOf(suite);
        var keyLength = suite == QuicCipherSuite.Aes128GcmSha256 ? 16 : 32;
        var prefix = QuicVersions.LabelPrefix(version);
        return new QuicPacketKeys(suite, version, secret,
            QuicCrypto.ExpandLabel(hash, secret, prefix + "key", keyLength),
            QuicCrypto.ExpandLabel(hash, secret, prefix + "iv", 12),
            QuicCrypto.ExpandLabel(hash, secret, prefix + "hp", keyLength));
    }

    /// <summary>The keys after a key update (RFC 9001 section 6.1): a new secret, the same header protection key.</summary>
    public QuicPacketKeys Next()
    {
        var hash = HashOf(Suite);
        var secret = QuicCrypto.ExpandLabel(hash, Secret, QuicVersions.LabelPrefix(_version) + "ku", Secret.Length);
        var next = FromSecret(Suite, _version, secret);
        return new QuicPacketKeys(Suite, _version, secret, next.Key, next.Iv, HeaderKey);
    }

    /// <summary>Writes the 5-byte header protection mask for a 16-byte <paramref name="sample"/>.</summary>
    public void HeaderMask(ReadOnlySpan<byte> sample, Span<byte> mask)
    {
        if (_headerEncryptor is not null)
        {
            sample[..16].CopyTo(_headerBlock);
            _headerEncryptor.TransformBlock(_headerBlock, 0, 16, _headerBlock, 16);
            _headerBlock.AsSpan(16, 5).CopyTo(mask);
        }
        else
        {
            ChaCha20Block.Mask(HeaderKey, sample, mask);
        }
    }

    /// <summary>
    /// Decrypts a packet payload in place: <paramref name="ciphertextAndTag"/> ends with the 16-byte tag; the
    /// plaintext is written to <paramref name="plaintext"/>. False when the tag does not verify.
    /// </summary>
    public bool TryDecrypt(ulong packetNumber, ReadOnlySpan<byte> header, ReadOnlySpan<byte> ciphertextAndTag, Span<byte> plaintext)
    {
        if (ciphertextAndTag.Length < 16)
        {
            return false;
        }

        Span<byte> nonce = stackalloc byte[12];
        Iv.CopyTo(nonce);
        var low = BinaryPrimitives.ReadUInt64BigEndian(nonce[4..]) ^ packetNumber;
        BinaryPrimitives.WriteUInt64BigEndian(nonce[4..], low);
        var cipher = ciphertextAndTag[..^16];
        var tag = ciphertextAndTag[^16..];
        try
        {
            if (_aesGcm is not null)
            {
                _aesGcm.Decrypt(nonce, cipher, tag, plaintext[..cipher.Length], header);
            }
            else
            {
                _chaCha!.Decrypt(nonce, cipher, tag, plaintext[..cipher.Length], header);
            }

            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _aesGcm?.Dispose();
        _chaCha?.Dispose();
        _headerEncryptor?.Dispose();
        _headerAes?.Dispose();
    }

    internal static HashAlgorithmName HashOf(QuicCipherSuite suite) => suite == QuicCipherSuite.Aes256GcmSha384 ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256;
}

/// <summary>Key derivation of QUIC (RFC 9001 section 5) on .NET's HKDF.</summary>
public static class QuicCrypto
{
    /// <summary>TLS 1.3 HKDF-Expand-Label with an empty context (RFC 8446 section 7.1).</summary>
    public static byte[] ExpandLabel(HashAlgorithmName hash, byte[] secret, string label, int length)
    {
        var full = "tls13 " + label;
        var info = new byte[2 + 1 + full.Length + 1];
        BinaryPrimitives.WriteUInt16BigEndian(info, (ushort)length);
        info[2] = (byte)full.Length;
        Encoding.ASCII.GetBytes(full, info.AsSpan(3));
        info[^1] = 0;
        return HKDF.Expand(hash, secret, length, info);
    }

    /// <summary>The client's and server's Initial secrets for the client's first Destination Connection ID.</summary>
    public static (byte[] Client, byte[] Server) InitialSecrets(uint version, ReadOnlySpan<byte> destinationConnectionId)
    {
        var initial = HKDF.Extract(HashAlgorithmName.SHA256, destinationConnectionId.ToArray(), QuicVersions.InitialSalt(version).ToArray());
        return (ExpandLabel(HashAlgorithmName.SHA256, initial, "client in", 32), ExpandLabel(HashAlgorithmName.SHA256, initial, "server in", 32));
    }

    /// <summary>The Initial packet keys of both directions (AES-128-GCM, RFC 9001 section 5.2 and RFC 9369 section 3.3).</summary>
    public static (QuicPacketKeys Client, QuicPacketKeys Server) InitialKeys(uint version, ReadOnlySpan<byte> destinationConnectionId)
    {
        var (client, server) = InitialSecrets(version, destinationConnectionId);
        return (QuicPacketKeys.FromSecret(QuicCipherSuite.Aes128GcmSha256, version, client), QuicPacketKeys.FromSecret(QuicCipherSuite.Aes128GcmSha256, version, server));
    }

    /// <summary>The full packet number from its truncated form (RFC 9000 appendix A.3).</summary>
    public static ulong DecodePacketNumber(ulong largest, ulong truncated, int lengthBytes)
    {
        var expected = largest + 1;
        var window = 1UL << (lengthBytes * 8);
        var half = window / 2;
        var mask = window - 1;
        var candidate = (expected & ~mask) | truncated;
        if (candidate + half <= expected && candidate < (1UL << 62) - window)
        {
            return candidate + window;
        }

        if (candidate > expected + half && candidate >= window)
        {
            return candidate - window;
        }

        return candidate;
    }
}

/// <summary>The ChaCha20 block function (RFC 8439), for header protection only: .NET has no raw ChaCha20.</summary>
internal static class ChaCha20Block
{
    /// <summary>mask = ChaCha20(key, counter = sample[0..4] little-endian, nonce = sample[4..16]) over five zero bytes.</summary>
    public static void Mask(ReadOnlySpan<byte> key, ReadOnlySpan<byte> sample, Span<byte> mask)
    {
        Span<uint> state = stackalloc uint[16];
        state[0] = 0x61707865;
        state[1] = 0x3320646e;
        state[2] = 0x79622d32;
        state[3] = 0x6b206574;
        for (var i = 0; i < 8; i++)
        {
            state[4 + i] = BinaryPrimitives.ReadUInt32LittleEndian(key[(i * 4)..]);
        }

        for (var i = 0; i < 4; i++)
        {
            state[12 + i] = BinaryPrimitives.ReadUInt32LittleEndian(sample[(i * 4)..]);
        }

        Span<uint> working = stackalloc uint[16];
        state.CopyTo(working);
        for (var round = 0; round < 10; round++)
        {
            Quarter(working, 0, 4, 8, 12);
            Quarter(working, 1, 5, 9, 13);
            Quarter(working, 2, 6, 10, 14);
            Quarter(working, 3, 7, 11, 15);
            Quarter(working, 0, 5, 10, 15);
            Quarter(working, 1, 6, 11, 12);
            Quarter(working, 2, 7, 8, 13);
            Quarter(working, 3, 4, 9, 14);
        }

        Span<byte> block = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(block, working[0] + state[0]);
        BinaryPrimitives.WriteUInt32LittleEndian(block[4..], working[1] + state[1]);
        block[..5].CopyTo(mask);
    }

    private static void Quarter(Span<uint> x, int a, int b, int c, int d)
    {
        x[a] += x[b]; x[d] = uint.RotateLeft(x[d] ^ x[a], 16);
        x[c] += x[d]; x[b] = uint.RotateLeft(x[b] ^ x[c], 12);
        x[a] += x[b]; x[d] = uint.RotateLeft(x[d] ^ x[a], 8);
        x[c] += x[d]; x[b] = uint.RotateLeft(x[b] ^ x[c], 7);
    }
}
