using System;

namespace MigrationTools.Analysis.Quic;

/// <summary>
/// The packet protection of one connection: Initial keys from its first Destination Connection ID (RFC 9001 section
/// 5.2), Handshake and 1-RTT keys from the key log once the ClientHello's random and the ServerHello's cipher suite
/// have been read from the CRYPTO streams (RFC 9001 section 5.1), key updates (section 6), and the transport
/// parameters both sides sent (the client's in its ClientHello, the server's in its EncryptedExtensions).
/// </summary>
internal sealed class ConnectionKeys : IDisposable
{
    private readonly uint _version;
    private readonly QuicPacketKeys?[,] _keys = new QuicPacketKeys?[3, 2];
    private readonly ulong[,] _largest = { { ulong.MaxValue, ulong.MaxValue }, { ulong.MaxValue, ulong.MaxValue }, { ulong.MaxValue, ulong.MaxValue } };
    private readonly CryptoStream _clientInitial = new();
    private readonly CryptoStream _serverInitial = new();
    private readonly CryptoStream _serverHandshake = new();
    private bool _derived;

    internal ConnectionKeys(uint version, QuicPacketKeys clientInitial, QuicPacketKeys serverInitial)
    {
        _version = version;
        _keys[(int)PacketSpace.Initial, (int)Side.Client] = clientInitial;
        _keys[(int)PacketSpace.Initial, (int)Side.Server] = serverInitial;
    }

    /// <summary>The client's transport parameters, once its whole ClientHello has been read.</summary>
    internal TransportParameters? ClientParameters { get; private set; }

    /// <summary>The server's transport parameters, once its EncryptedExtensions has been decrypted.</summary>
    internal TransportParameters? ServerParameters { get; private set; }

    /// <summary>
    /// True when <paramref name="sender"/>'s packets may have the fixed bit cleared: the receiver advertised
    /// grease_quic_bit (RFC 9287), or its transport parameters are not known (the server's are encrypted: without keys
    /// a greasing client cannot be told apart). Otherwise a byte with it cleared starts no packet (RFC 9000 section 17.3.1).
    /// </summary>
    internal bool MayGreaseFixedBit(Side sender) =>
        (sender == Side.Client ? ServerParameters : ClientParameters)?.GreaseQuicBit ?? true;

    /// <summary>True once 1-RTT keys are known.</summary>
    internal bool HasApplicationKeys => _keys[(int)PacketSpace.ApplicationData, (int)Side.Server] is not null;

    /// <summary>True when packets of <paramref name="side"/> in <paramref name="space"/> can be decrypted.</summary>
    internal bool Has(PacketSpace space, Side side) => _keys[(int)space, (int)side] is not null;

    /// <summary>After a Retry, the client's next Initial is protected with keys from the Retry's Source Connection ID.</summary>
    internal void ResetInitialKeys(ReadOnlySpan<byte> retrySourceConnectionId)
    {
        var (client, server) = QuicCrypto.InitialKeys(_version, retrySourceConnectionId);
        // Stryker disable once Statement : releasing the replaced keys is not observable
        _keys[(int)PacketSpace.Initial, (int)Side.Client]?.Dispose();
        // Stryker disable once Statement : releasing the replaced keys is not observable
        _keys[(int)PacketSpace.Initial, (int)Side.Server]?.Dispose();
        _keys[(int)PacketSpace.Initial, (int)Side.Client] = client;
        _keys[(int)PacketSpace.Initial, (int)Side.Server] = server;
    }

    /// <summary>
    /// Removes header protection and decrypts one packet into <paramref name="plaintext"/>; for 1-RTT a flipped key
    /// phase is tried with the next key generation. Returns the plaintext length, or -1 (no keys, or it does not
    /// authenticate), and the packet number.
    /// </summary>
    internal int Unprotect(PacketSpace space, Side side, ReadOnlySpan<byte> packet, in QuicHeader header, Span<byte> scratch, Span<byte> plaintext, out ulong packetNumber)
    {
        packetNumber = 0;
        var keys = _keys[(int)space, (int)side];
        if (keys is null)
        {
            // Stryker disable once all : not reached, the analyzer asks Has() before it decrypts
            return -1;
        }

        var largest = _largest[(int)space, (int)side];
        var length = QuicPacket.TryUnprotect(keys, packet, header, largest, scratch, plaintext, out packetNumber, out _);
        if (length < 0 && space == PacketSpace.ApplicationData)
        {
            // A key update (RFC 9001 section 6): the packet may be protected with the next generation of keys.
            var next = keys.Next();
            length = QuicPacket.TryUnprotect(next, packet, header, largest, scratch, plaintext, out packetNumber, out _);
            if (length >= 0)
            {
                _keys[(int)space, (int)side] = next;
                // Stryker disable once Statement : releasing the replaced keys is not observable
                keys.Dispose();
            }
            else
            {
                // Stryker disable once Statement : releasing the unused keys is not observable
                next.Dispose();
            }
        }

        if (length >= 0 && (packetNumber > largest || largest == ulong.MaxValue))
        {
            _largest[(int)space, (int)side] = packetNumber;
        }

        return length;
    }

    /// <summary>
    /// Takes the data of a CRYPTO frame; reads the transport parameters and the hello fields from the streams as they
    /// complete. Returns true when it found the server's transport parameters just now.
    /// </summary>
    internal bool AddCrypto(PacketSpace space, Side side, ulong offset, ReadOnlySpan<byte> data)
    {
        switch (space, side)
        {
            case (PacketSpace.Initial, Side.Client):
                _clientInitial.Add(offset, data);
                // Stryker disable once all : parsing the same ClientHello again gives the same parameters
                ClientParameters ??= TlsHandshake.ClientTransportParameters(_clientInitial.Data);
                // Stryker disable once Boolean : the caller's handling of new server parameters is idempotent
                return false;
            case (PacketSpace.Initial, Side.Server):
                _serverInitial.Add(offset, data);
                // Stryker disable once Boolean : the caller's handling of new server parameters is idempotent
                return false;
            case (PacketSpace.Handshake, Side.Server) when ServerParameters is null:
                _serverHandshake.Add(offset, data);
                ServerParameters = TlsHandshake.ServerTransportParameters(_serverHandshake.Data);
                if (ServerParameters is not null)
                {
                    // Stryker disable once Statement : giving the memory back is not observable in the results
                    _serverHandshake.Release();
                }

                return ServerParameters is not null;
            default:
                // Stryker disable once Boolean : the caller's handling of new server parameters is idempotent
                return false;
        }
    }

    /// <summary>
    /// Derives the Handshake and 1-RTT keys from the key log once the client random and the cipher suite are known
    /// (a live watch may start before the peers wrote their secrets: asked again with later packets).
    /// </summary>
    internal void EnsureKeys(KeyLog? keyLog)
    {
        if (_derived || keyLog is null || !keyLog.MayHaveKeys || !TlsHandshake.TryClientRandom(_clientInitial.Data, out var random))
        {
            return;
        }

        var entry = keyLog.Find(random);
        if (entry is null)
        {
            return;
        }

        var suite = TlsHandshake.ServerCipherSuite(_serverInitial.Data);
        if (suite is null)
        {
            // Without the ServerHello only the secret's length tells the hash; AES-128 is taken for SHA-256.
            if (_serverInitial.Contiguous < 40 && entry.ServerTraffic?.Length != 48)
            {
                return;
            }

            suite = entry.ServerTraffic?.Length == 48 ? QuicCipherSuite.Aes256GcmSha384 : QuicCipherSuite.Aes128GcmSha256;
        }

        var hashLength = suite == QuicCipherSuite.Aes256GcmSha384 ? 48 : 32;
        Derive(PacketSpace.Handshake, Side.Client, suite.Value, entry.ClientHandshake, hashLength);
        Derive(PacketSpace.Handshake, Side.Server, suite.Value, entry.ServerHandshake, hashLength);
        Derive(PacketSpace.ApplicationData, Side.Client, suite.Value, entry.ClientTraffic, hashLength);
        Derive(PacketSpace.ApplicationData, Side.Server, suite.Value, entry.ServerTraffic, hashLength);
        _derived = Has(PacketSpace.ApplicationData, Side.Client) && Has(PacketSpace.ApplicationData, Side.Server);
        if (_derived && ClientParameters is not null)
        {
            // The hellos have given what is read from them (random, cipher suite, client parameters): a connection
            // keeps no handshake bytes for the rest of a long capture.
            _clientInitial.Release();
            _serverInitial.Release();
        }
    }

    private void Derive(PacketSpace space, Side side, QuicCipherSuite suite, byte[]? secret, int hashLength)
    {
        // A secret of another length belongs to another suite than the ServerHello chose: it cannot protect these packets.
        if (_keys[(int)space, (int)side] is null && secret is not null && secret.Length == hashLength)
        {
            _keys[(int)space, (int)side] = QuicPacketKeys.FromSecret(suite, _version, secret);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var keys in _keys)
        {
            // Stryker disable once Statement : releasing the keys is not observable
            keys?.Dispose();
        }
    }
}
