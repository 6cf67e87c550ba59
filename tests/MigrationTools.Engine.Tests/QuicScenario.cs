using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using System.Net;

namespace MigrationTools.Engine.Tests;

/// <summary>
/// Crafts the packets of one QUIC v1 connection, protected with real keys (RFC 9001 initial secrets, 1-RTT secrets
/// given in a key log), as a capture on the wire: raw IPv4/UDP frames written to a pcap. Used to reproduce each
/// path-validation failure exactly, which real peers do not do on demand.
/// </summary>
internal sealed partial class QuicScenario
{
    public static readonly IPEndPoint Server = new(IPAddress.Parse("10.250.1.1"), 443);
    public static readonly IPEndPoint ServerRealIp = new(IPAddress.Parse("10.220.0.2"), 443);
    public static readonly IPEndPoint Client1 = new(IPAddress.Parse("10.200.0.2"), 40000);
    public static readonly IPEndPoint Client2 = new(IPAddress.Parse("10.210.0.2"), 40000);

    public static readonly byte[] OriginalDcid = Convert.FromHexString("0001020304050607");
    public static readonly byte[] ClientCid = Convert.FromHexString("c1c1c1c1c1c1c1c1");
    public static readonly byte[] ServerCid = Convert.FromHexString("5e5e5e5e5e5e5e01");
    public static readonly byte[] ServerCid2 = Convert.FromHexString("5e5e5e5e5e5e5e02");
    /// <summary>The connection ID the server gives with its preferred address.</summary>
    public static readonly byte[] PreferredCid = Convert.FromHexString("5e5e5e5e5e5e5e03");
    public static readonly IPEndPoint PreferredServer = new(IPAddress.Parse("10.250.1.2"), 9443);

    private const long Start = 1_700_000_000_000_000;
    private static readonly byte[] ClientRandom = Enumerable.Repeat((byte)0xaa, 32).ToArray();
    private static readonly byte[] ClientSecret = Enumerable.Repeat((byte)0x11, 32).ToArray();
    private static readonly byte[] ServerSecret = Enumerable.Repeat((byte)0x22, 32).ToArray();
    private static readonly byte[] ClientHandshakeSecret = Enumerable.Repeat((byte)0x33, 32).ToArray();
    private static readonly byte[] ServerHandshakeSecret = Enumerable.Repeat((byte)0x44, 32).ToArray();

    private readonly ScenarioKeys _clientInitial;
    private readonly ScenarioKeys _serverInitial;
    private ScenarioKeys _client1Rtt;
    private ScenarioKeys _server1Rtt;
    private readonly ScenarioKeys _serverHandshake;
    private readonly ScenarioKeys _clientHandshake;
    private ulong _clientHandshakeNumber;
    private readonly uint _version;
    private readonly byte[] _originalDcid;
    private readonly bool _aes256;
    private bool _clientKeyPhase;
    private bool _serverKeyPhase;
    private List<byte>? _coalescing;
    private readonly byte[] _clientCid;
    private readonly List<(long Micros, byte[] Frame)> _frames = new();
    private ulong _clientPacketNumber;
    private ulong _serverPacketNumber;
    private ulong _serverHandshakeNumber;
    private long _now = Start;
    private int _shortPacketNumberLength = 4;
    private bool _greaseClientFixedBit;

    /// <summary>From now on the client's 1-RTT packets have the fixed bit cleared (RFC 9287), as ngtcp2 does when allowed.</summary>
    public QuicScenario GreaseClientFixedBit()
    {
        _greaseClientFixedBit = true;
        return this;
    }

    /// <summary>
    /// A scenario over IPv4, or with <paramref name="ipv6"/> over IPv6 (10.a.b.c becomes fd00::a:b:c); with
    /// <paramref name="zeroLengthClientCid"/> the client chooses a zero-length connection ID, as browsers do; QUIC
    /// <paramref name="version"/> 1 or 2 (RFC 9369); TLS_AES_128_GCM_SHA256, or TLS_AES_256_GCM_SHA384 with
    /// <paramref name="aes256"/>. Keys come from <see cref="ScenarioKeys"/>, not from the engine.
    /// </summary>
    public QuicScenario(bool ipv6 = false, bool zeroLengthClientCid = false, uint version = ScenarioKeys.Version1, bool aes256 = false, byte[]? originalDcid = null)
    {
        _originalDcid = originalDcid ?? OriginalDcid;
        _clientCid = zeroLengthClientCid ? Array.Empty<byte>() : ClientCid;
        _version = version;
        _aes256 = aes256;
        (_clientInitial, _serverInitial) = ScenarioKeys.Initial(version, _originalDcid);
        _client1Rtt = ScenarioKeys.FromSecret(Secret(ClientSecret), version);
        _server1Rtt = ScenarioKeys.FromSecret(Secret(ServerSecret), version);
        _serverHandshake = ScenarioKeys.FromSecret(Secret(ServerHandshakeSecret), version);
        _clientHandshake = ScenarioKeys.FromSecret(Secret(ClientHandshakeSecret), version);
        _ipv6 = ipv6;
        _headerLength = ipv6 ? 48 : 28;
    }

    private readonly bool _ipv6;
    private readonly int _headerLength;

    /// <summary>The address an IPv4 endpoint of the scenario has in its IPv6 form.</summary>
    public static IPAddress ToIPv6(IPAddress address)
    {
        var v4 = address.GetAddressBytes();
        var v6 = new byte[16];
        v6[0] = 0xfd;
        v6[11] = v4[1];
        v6[13] = v4[2];
        v6[15] = v4[3];
        return new IPAddress(v6);
    }

    /// <summary>The key log of this scenario (48-byte secrets for AES-256-GCM with SHA-384).</summary>
    public string KeyLog => _aes256 ? KeyLogText.Replace(Convert.ToHexString(ClientSecret), Convert.ToHexString(Secret(ClientSecret)))
        .Replace(Convert.ToHexString(ServerSecret), Convert.ToHexString(Secret(ServerSecret)))
        .Replace(Convert.ToHexString(ClientHandshakeSecret), Convert.ToHexString(Secret(ClientHandshakeSecret)))
        .Replace(Convert.ToHexString(ServerHandshakeSecret), Convert.ToHexString(Secret(ServerHandshakeSecret))) : KeyLogText;

    /// <summary>A secret as long as the cipher suite's hash.</summary>
    private byte[] Secret(byte[] secret) => _aes256 ? Enumerable.Repeat(secret[0], 48).ToArray() : secret;

    /// <summary>
    /// A key update (RFC 9001 section 6): from now on the client's (or the server's) 1-RTT packets use the next
    /// generation of keys and the other key phase bit.
    /// </summary>
    public QuicScenario KeyUpdate(bool client = true, bool server = true)
    {
        if (client)
        {
            _client1Rtt = _client1Rtt.Next();
            _clientKeyPhase = !_clientKeyPhase;
        }

        if (server)
        {
            _server1Rtt = _server1Rtt.Next();
            _serverKeyPhase = !_serverKeyPhase;
        }

        return this;
    }

    /// <summary>
    /// Until <see cref="EndCoalesce"/>, packets are gathered into one datagram (RFC 9000 section 12.2), sent from
    /// the addresses <see cref="EndCoalesce"/> names.
    /// </summary>
    public QuicScenario Coalesce()
    {
        _coalescing = new List<byte>();
        return this;
    }

    /// <summary>Sends the gathered packets as one datagram, filled with zero bytes after them up to <paramref name="zeroPadTo"/> bytes.</summary>
    public QuicScenario EndCoalesce(IPEndPoint from, IPEndPoint to, int zeroPadTo = 0)
    {
        var payload = _coalescing!.Concat(new byte[Math.Max(0, zeroPadTo - _coalescing!.Count)]).ToArray();
        _coalescing = null;
        Add(from, to, payload);
        return this;
    }

    /// <summary>The key log a TLS stack would have written for the default connection (AES-128-GCM).</summary>
    public static string KeyLogText =>
        $"CLIENT_HANDSHAKE_TRAFFIC_SECRET {Convert.ToHexString(ClientRandom)} {Convert.ToHexString(ClientHandshakeSecret)}\n" +
        $"SERVER_HANDSHAKE_TRAFFIC_SECRET {Convert.ToHexString(ClientRandom)} {Convert.ToHexString(ServerHandshakeSecret)}\n" +
        $"CLIENT_TRAFFIC_SECRET_0 {Convert.ToHexString(ClientRandom)} {Convert.ToHexString(ClientSecret)}\n" +
        $"SERVER_TRAFFIC_SECRET_0 {Convert.ToHexString(ClientRandom)} {Convert.ToHexString(ServerSecret)}\n";

    /// <summary>
    /// From now on 1-RTT packet numbers are encoded in <paramref name="bytes"/> bytes (RFC 9000 section 17.1): the
    /// reader has to reconstruct them from the largest it has seen.
    /// </summary>
    public QuicScenario PacketNumberLength(int bytes)
    {
        _shortPacketNumberLength = bytes;
        return this;
    }

    /// <summary>The frames written so far (raw IP), with their times.</summary>
    public IReadOnlyList<(long Micros, byte[] Frame)> Captured => _frames;

    /// <summary>Moves the clock to <paramref name="milliseconds"/> after the start.</summary>
    public QuicScenario At(double milliseconds)
    {
        _now = Start + (long)(milliseconds * 1000);
        return this;
    }

    /// <summary>
    /// Initial exchange on <see cref="Client1"/>, then 1-RTT both ways; the server issues <see cref="ServerCid2"/>.
    /// The ClientHello is a real one with the client's transport parameters; <paramref name="keyShareBytes"/> makes it
    /// large (a post-quantum key share), and <paramref name="splitClientHello"/> sends it in two Initial packets. With
    /// <paramref name="serverParameters"/> the server's Handshake packet carries EncryptedExtensions with them. With
    /// <paramref name="coalesceServerFlight"/> the server's Initial, Handshake and first 1-RTT packet share one datagram.
    /// With <paramref name="zeroPaddedServerInitials"/> the server first sends an ACK-only Initial, then its ServerHello
    /// Initial, each alone in a datagram filled with zero bytes to 1200 after the packet, as large servers do for browsers.
    /// </summary>
    public QuicScenario Handshake(byte[]? serverParameters = null, bool splitClientHello = false, int keyShareBytes = 0, bool coalesceServerFlight = false,
        bool zeroPaddedServerInitials = false, IPEndPoint? firstShortFrom = null)
    {
        var clientHello = Tls.ClientHello(ClientRandom, Tls.Parameters((0x0e, new byte[] { 4 })), keyShareBytes);
        if (splitClientHello)
        {
            var half = clientHello.Length / 2;
            Long(Client1, Server, fromServer: false, _originalDcid, _clientCid, Frames.Crypto(clientHello[..half], 0), padTo: 1200);
            Long(Client1, Server, fromServer: false, _originalDcid, _clientCid, Frames.Crypto(clientHello[half..], half), padTo: 1200);
        }
        else
        {
            Long(Client1, Server, fromServer: false, _originalDcid, _clientCid, Frames.Crypto(clientHello), padTo: 1200);
        }

        // ServerHello: ..., random (32), session id length 0, cipher suite, compression, extensions.
        var serverHello = new byte[] { 2, 0, 0, 40, 3, 3 }.Concat(Enumerable.Repeat((byte)0xbb, 32)).Concat(new byte[] { 0, 0x13, _aes256 ? (byte)0x02 : (byte)0x01, 0, 0, 0 }).ToArray();
        if (zeroPaddedServerInitials)
        {
            Coalesce();
            Long(Server, Client1, fromServer: true, _clientCid, ServerCid, Frames.Ack(0), padTo: 0);
            EndCoalesce(Server, Client1, zeroPadTo: 1200);
            Coalesce();
        }

        if (coalesceServerFlight)
        {
            Coalesce();
        }

        Long(Server, Client1, fromServer: true, _clientCid, ServerCid, Frames.Crypto(serverHello), padTo: 0);
        if (zeroPaddedServerInitials)
        {
            EndCoalesce(Server, Client1, zeroPadTo: 1200);
        }

        if (serverParameters is not null)
        {
            Long(Server, Client1, fromServer: true, _clientCid, ServerCid, Frames.Crypto(Tls.EncryptedExtensions(serverParameters)), padTo: 0, handshake: true);
        }

        if (coalesceServerFlight)
        {
            // The server's first 1-RTT packet rides in the same datagram, after its Initial and Handshake packets.
            Short(Server, Client1, fromServer: true, _clientCid, 0, new[] { Frames.NewConnectionId(1, ServerCid2), Frames.Stream(400) });
            EndCoalesce(Server, Client1);
            FromClient(Client1, ServerCid, 0, Frames.Ping);
            return this;
        }

        // firstShortFrom: the client's address changed during the handshake, before its first 1-RTT packet.
        FromClient(firstShortFrom ?? Client1, ServerCid, 0, Frames.Ping);
        FromServer(Server, Client1, 0, Frames.NewConnectionId(1, ServerCid2), Frames.Stream(400));
        return this;
    }

    /// <summary>The client's first Initial alone: its ClientHello, padded to 1200 bytes.</summary>
    public QuicScenario ClientHelloOnly(IPEndPoint? from = null) =>
        ClientInitial(from ?? Client1, Frames.Crypto(Tls.ClientHello(ClientRandom, Tls.Parameters((0x0e, new byte[] { 4 })), 0)));

    /// <summary>A client Initial packet from <paramref name="from"/> carrying <paramref name="frames"/>, padded to 1200 bytes.</summary>
    public QuicScenario ClientInitial(IPEndPoint from, byte[] frames)
    {
        Long(from, Server, fromServer: false, _originalDcid, _clientCid, frames, padTo: 1200);
        return this;
    }

    /// <summary>
    /// <paramref name="count"/> server Initial (or Handshake) packets from <paramref name="from"/>, each alone in a datagram of
    /// <paramref name="padTo"/> bytes, carrying PADDING only: the size of a server's handshake flight without its content.
    /// </summary>
    public QuicScenario ServerLongPackets(IPEndPoint from, IPEndPoint to, bool handshake, int count, int padTo)
    {
        for (var i = 0; i < count; i++)
        {
            Long(from, to, fromServer: true, _clientCid, ServerCid, new byte[] { 0 }, padTo, handshake);
        }

        return this;
    }

    /// <summary>The client's Handshake packet with its TLS Finished (a CRYPTO frame of 36 bytes), protected with the client's handshake keys.</summary>
    public QuicScenario ClientFinished()
    {
        var finished = new byte[] { 20, 0, 0, 32 }.Concat(new byte[32]).ToArray();
        Long(Client1, Server, fromServer: false, ServerCid, _clientCid, Frames.Crypto(finished), padTo: 0, handshake: true);
        return this;
    }

    /// <summary>A 1-RTT datagram from the server to the client at <paramref name="to"/>, to a client connection ID <paramref name="dcid"/> of the test's choice.</summary>
    public QuicScenario FromServerToCid(IPEndPoint from, IPEndPoint to, byte[] dcid, int padTo, params byte[][] frames)
    {
        Short(from, to, fromServer: true, dcid, padTo, frames);
        return this;
    }

    /// <summary>A 1-RTT datagram from the client at <paramref name="from"/> to <paramref name="to"/> (another server address, such as the preferred one).</summary>
    public QuicScenario FromClientTo(IPEndPoint from, IPEndPoint to, byte[] dcid, int padTo, params byte[][] frames)
    {
        Short(from, to, fromServer: false, dcid, padTo, frames);
        return this;
    }

    /// <summary>A 1-RTT datagram from the client at <paramref name="from"/> to <paramref name="dcid"/>.</summary>
    public QuicScenario FromClient(IPEndPoint from, byte[] dcid, int padTo, params byte[][] frames)
    {
        Short(from, Server, fromServer: false, dcid, padTo, frames);
        return this;
    }

    /// <summary>A 1-RTT datagram from the server (source <paramref name="from"/>) to the client at <paramref name="to"/>.</summary>
    public QuicScenario FromServer(IPEndPoint from, IPEndPoint to, int padTo, params byte[][] frames)
    {
        Short(from, to, fromServer: true, _clientCid, padTo, frames);
        return this;
    }

    /// <summary>
    /// Server datagrams sent in one UDP GSO call as a capture before segmentation shows them: one UDP payload
    /// holding a 1-RTT packet of <paramref name="segmentSize"/> bytes per element of <paramref name="segments"/>
    /// (the last may be shorter when padTo is 0 for it).
    /// </summary>
    public QuicScenario FromServerGso(IPEndPoint from, IPEndPoint to, int segmentSize, params byte[][] segments)
    {
        var payload = new List<byte>();
        for (var i = 0; i < segments.Length; i++)
        {
            payload.AddRange(ShortPacket(fromServer: true, _clientCid, i == segments.Length - 1 ? 0 : segmentSize, new[] { segments[i] }));
        }

        Add(from, to, payload.ToArray());
        return this;
    }

    private void Long(IPEndPoint from, IPEndPoint to, bool fromServer, byte[] dcid, byte[] scid, byte[] frames, int padTo, bool handshake = false)
    {
        var keys = handshake ? (fromServer ? _serverHandshake : _clientHandshake) : fromServer ? _serverInitial : _clientInitial;
        var packetNumber = handshake ? (fromServer ? _serverHandshakeNumber++ : _clientHandshakeNumber++) : fromServer ? _serverPacketNumber++ : _clientPacketNumber++;
        // Long packet types (RFC 9000 section 17.2, RFC 9369 section 3.2): Initial 0 and Handshake 2 in v1, 1 and 3 in v2.
        var type = (handshake ? 2 : 0) + (_version == ScenarioKeys.Version2 ? 1 : 0);
        var header = new List<byte> { (byte)(0xc3 | (type << 4)) };
        var versionBytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(versionBytes, _version);
        header.AddRange(versionBytes);
        header.Add((byte)dcid.Length);
        header.AddRange(dcid);
        header.Add((byte)scid.Length);
        header.AddRange(scid);
        if (!handshake)
        {
            header.Add(0); // token length
        }

        var fixedLength = header.Count + 2 + 4 + 16;
        var payloadLength = Math.Max(frames.Length, padTo - fixedLength);
        var length = 4 + payloadLength + 16;
        header.Add((byte)(0x40 | (length >> 8)));
        header.Add((byte)length);
        var payload = new byte[payloadLength];
        frames.CopyTo(payload, 0);
        Send(from, to, Protect(keys, header.ToArray(), packetNumber, payload, longHeader: true));
    }

    private void Short(IPEndPoint from, IPEndPoint to, bool fromServer, byte[] dcid, int padTo, byte[][] frames) =>
        Send(from, to, ShortPacket(fromServer, dcid, padTo, frames));

    /// <summary>A packet as its own datagram, or into the datagram being coalesced.</summary>
    private void Send(IPEndPoint from, IPEndPoint to, byte[] packet)
    {
        if (_coalescing is not null)
        {
            _coalescing.AddRange(packet);
            return;
        }

        Add(from, to, packet);
    }

    private byte[] ShortPacket(bool fromServer, byte[] dcid, int padTo, byte[][] frames)
    {
        var keys = fromServer ? _server1Rtt : _client1Rtt;
        var packetNumber = fromServer ? _serverPacketNumber++ : _clientPacketNumber++;
        var keyPhase = fromServer ? _serverKeyPhase : _clientKeyPhase;
        var fixedBit = !fromServer && _greaseClientFixedBit ? 0 : 0x40;
        var header = new byte[] { (byte)(fixedBit | (_shortPacketNumberLength - 1) | (keyPhase ? 0x04 : 0)) }.Concat(dcid).ToArray();
        var body = frames.SelectMany(f => f).ToArray();
        var payload = new byte[Math.Max(body.Length, padTo - (header.Length + _shortPacketNumberLength + 16))];
        body.CopyTo(payload, 0);
        return Protect(keys, header, packetNumber, payload, longHeader: false, _shortPacketNumberLength);
    }

    /// <summary>RFC 9001 section 5: AEAD over the payload with the header as associated data, then header protection.</summary>
    private static byte[] Protect(ScenarioKeys keys, byte[] headerWithoutNumber, ulong packetNumber, byte[] payload, bool longHeader, int packetNumberLength = 4)
    {
        var pnOffset = headerWithoutNumber.Length;
        var header = new byte[pnOffset + packetNumberLength];
        headerWithoutNumber.CopyTo(header, 0);
        for (var i = 0; i < packetNumberLength; i++)
        {
            header[pnOffset + i] = (byte)(packetNumber >> (8 * (packetNumberLength - 1 - i)));
        }

        var packet = new byte[header.Length + payload.Length + 16];
        header.CopyTo(packet, 0);
        keys.Seal(packetNumber, header, payload, packet.AsSpan(header.Length, payload.Length), packet.AsSpan(header.Length + payload.Length, 16));
        var mask = keys.Mask(packet.AsSpan(pnOffset + 4, 16));
        packet[0] ^= (byte)(mask[0] & (longHeader ? 0x0f : 0x1f));
        for (var i = 0; i < packetNumberLength; i++)
        {
            packet[pnOffset + i] ^= mask[1 + i];
        }

        return packet;
    }

    private void Add(IPEndPoint from, IPEndPoint to, byte[] payload)
    {
        var packet = new byte[_headerLength + payload.Length];
        if (_ipv6)
        {
            packet[0] = 0x60;
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)(8 + payload.Length));
            packet[6] = 17;
            packet[7] = 64;
            ToIPv6(from.Address).GetAddressBytes().CopyTo(packet, 8);
            ToIPv6(to.Address).GetAddressBytes().CopyTo(packet, 24);
        }
        else
        {
            packet[0] = 0x45;
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
            packet[8] = 64;
            packet[9] = 17;
            from.Address.GetAddressBytes().CopyTo(packet, 12);
            to.Address.GetAddressBytes().CopyTo(packet, 16);
        }

        var udp = _headerLength - 8;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(udp), (ushort)from.Port);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(udp + 2), (ushort)to.Port);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(udp + 4), (ushort)(8 + payload.Length));
        payload.CopyTo(packet, _headerLength);
        _frames.Add((_now, packet));
        _now += 1000;
    }

    /// <summary>QUIC frames (RFC 9000 section 19).</summary>
    public static class Frames
    {
        public static readonly byte[] Ping = { 0x01 };

        public static byte[] Challenge(ulong data) => Eight(0x1a, data);

        /// <summary>An ACK frame of packets <paramref name="smallest"/> to <paramref name="largest"/> (both below 64), no delay.</summary>
        public static byte[] Ack(byte largest, byte smallest = 0) => new byte[] { 0x02, largest, 0x00, 0x00, (byte)(largest - smallest) };

        public static byte[] Response(ulong data) => Eight(0x1b, data);

        public static byte[] Crypto(byte[] data, int offset = 0) =>
            new byte[] { 0x06, (byte)(0x40 | (offset >> 8)), (byte)offset, (byte)(0x40 | (data.Length >> 8)), (byte)data.Length }.Concat(data).ToArray();

        public static byte[] NewConnectionId(byte sequence, byte[] cid) =>
            new byte[] { 0x18, sequence, 0x00, (byte)cid.Length }.Concat(cid).Concat(new byte[16]).ToArray();

        /// <summary>A STREAM frame on stream 0 with length and <paramref name="length"/> bytes.</summary>
        public static byte[] Stream(int length) => new byte[] { 0x0a, 0x00, (byte)(0x40 | (length >> 8)), (byte)length }.Concat(new byte[length]).ToArray();

        private static byte[] Eight(byte type, ulong data)
        {
            var frame = new byte[9];
            frame[0] = type;
            BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(1), data);
            return frame;
        }
    }
}
