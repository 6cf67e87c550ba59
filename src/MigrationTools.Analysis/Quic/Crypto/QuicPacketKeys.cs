using System;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace MigrationTools.Analysis.Quic;

/// <summary>
/// The keys of one direction at one encryption level: AEAD key and IV, header protection key, and the secret they
/// came from (for key updates). Holds its cipher objects, so unprotecting a packet allocates nothing.
/// </summary>
internal sealed class QuicPacketKeys : IDisposable
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
