using System;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using MigrationTools.Core.Errors;

namespace MigrationTools.Analysis.Quic;

/// <summary>Key derivation of QUIC (RFC 9001 section 5) on .NET's HKDF.</summary>
internal static class QuicCrypto
{
    /// <summary>
    /// Loads the platform's cryptography (OpenSSL) before a watch opens its files: .NET loads it once per process, in a
    /// type initializer, and a load that fails for want of a file descriptor (EMFILE) would fail every later call of the
    /// session. Done here, while descriptors are free, it cannot be poisoned by the capture files opened after it.
    /// </summary>
    public static void EnsureLoaded()
    {
        try
        {
            var (client, server) = InitialKeys(QuicVersions.V1, stackalloc byte[8]);
            client.Dispose();
            server.Dispose();
        }
        catch (Exception ex) when (ex is TypeInitializationException or DllNotFoundException or CryptographicException)
        {
            throw ErrorCatalog.CryptoUnavailable($"The platform's cryptography could not be loaded ({(ex.InnerException ?? ex).Message}); if the process has run out of file descriptors (EMFILE), raise 'ulimit -n' and start a new session.", "OpenSSL", ex);
        }
    }

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
