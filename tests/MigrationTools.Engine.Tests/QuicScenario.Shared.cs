using System;
using System.Collections.Generic;
using System.Linq;

namespace MigrationTools.Engine.Tests;

/// <summary>The scenarios and transport parameters several test classes share.</summary>
internal sealed partial class QuicScenario
{
    /// <summary>The data of the client's PATH_CHALLENGE in the shared scenarios.</summary>
    public const ulong ChallengeA = 0xa1a1a1a1a1a1a1a1;

    /// <summary>The data of the server's PATH_CHALLENGE in the shared scenarios.</summary>
    public const ulong ChallengeB = 0xb2b2b2b2b2b2b2b2;

    /// <summary>
    /// A working migration after the handshake, five datagrams: the client moves to <see cref="Client2"/> with the new
    /// DCID <see cref="ServerCid2"/> and both sides validate the new path.
    /// </summary>
    public QuicScenario Migrate() => At(100).FromClient(Client2, ServerCid2, 1200, Frames.Challenge(ChallengeA))
        .FromServer(Server, Client2, 1200, Frames.Response(ChallengeA), Frames.Challenge(ChallengeB))
        .FromClient(Client2, ServerCid2, 1200, Frames.Response(ChallengeB))
        .FromServer(Server, Client2, 0, Frames.Stream(1000))
        .FromClient(Client2, ServerCid2, 0, Frames.Ping);

    /// <summary>The handshake, then <see cref="Migrate"/>.</summary>
    public static QuicScenario WorkingMigration(bool ipv6 = false) => new QuicScenario(ipv6).Handshake().Migrate();

    /// <summary>
    /// The origin's fault: the server answers the client's new path from its real IP (<see cref="ServerRealIp"/>),
    /// which the client discards, so the client probes again and again with doubling waits (0.3, 0.6, 1.2, 2.4 s).
    /// </summary>
    public static QuicScenario FaultySource()
    {
        var scenario = new QuicScenario().Handshake();
        var at = 100.0;
        var gap = 300.0;
        for (var i = 0; i < 5; i++)
        {
            scenario.At(at).FromClient(Client2, ServerCid2, 1200, Frames.Challenge(ChallengeA + (ulong)i))
                .FromServer(ServerRealIp, Client2, 1200, Frames.Response(ChallengeA + (ulong)i), Frames.Challenge(ChallengeB + (ulong)i));
            at += gap;
            gap *= 2;
        }

        return scenario.At(at + 4000).FromClient(Client2, ServerCid2, 0, Frames.Ping);
    }

    /// <summary>
    /// A NAT rebinding after the handshake: the client's packets come from <see cref="Client2"/>, still to
    /// <see cref="ServerCid"/>. With <paramref name="serverProbes"/> the server challenges the new address and the
    /// client answers; without, the server just sends data there.
    /// </summary>
    public QuicScenario RebindNat(bool serverProbes)
    {
        At(100).FromClient(Client2, ServerCid, 1200, Frames.Ping);
        return serverProbes
            ? FromServer(Server, Client2, 1200, Frames.Challenge(ChallengeB)).FromClient(Client2, ServerCid, 1200, Frames.Response(ChallengeB))
            : FromServer(Server, Client2, 0, Frames.Stream(500)).At(3500).FromServer(Server, Client2, 0, Frames.Stream(500)).FromClient(Client2, ServerCid, 0, Frames.Ping);
    }

    /// <summary>
    /// After the handshake the client challenges <see cref="Client2"/> at 100 ms, the server answers at
    /// <paramref name="milliseconds"/>, and the client sends once more at 9 s.
    /// </summary>
    public static QuicScenario ChallengeAnsweredAt(double milliseconds) => new QuicScenario().Handshake()
        .At(100).FromClient(Client2, ServerCid2, 1200, Frames.Challenge(ChallengeA))
        .At(milliseconds).FromServer(Server, Client2, 1200, Frames.Response(ChallengeA))
        .At(9000).FromClient(Client2, ServerCid2, 0, Frames.Ping);

    /// <summary>A migration whose last PATH_RESPONSE, the client's, rides in a datagram of 38 bytes.</summary>
    public static QuicScenario ClientResponseUndersized() => new QuicScenario().Handshake()
        .At(100).FromClient(Client2, ServerCid2, 1200, Frames.Challenge(ChallengeA))
        .FromServer(Server, Client2, 1200, Frames.Response(ChallengeA), Frames.Challenge(ChallengeB))
        .FromClient(Client2, ServerCid2, 0, Frames.Response(ChallengeB));

    /// <summary>The client challenges <see cref="Client2"/>; the server answers on the path of <see cref="Client1"/>.</summary>
    public static QuicScenario ResponseOnAnotherPath() => new QuicScenario().Handshake()
        .At(100).FromClient(Client2, ServerCid2, 1200, Frames.Challenge(ChallengeA))
        .FromServer(Server, Client1, 1200, Frames.Response(ChallengeA));

    /// <summary>A working migration, after which the server checks the path the client left and the client stays away.</summary>
    public static QuicScenario ServersCheckOfTheLeftPath() => WorkingMigration()
        .FromServer(Server, Client1, 1200, Frames.Challenge(ChallengeB + 1))
        .At(5000).FromClient(Client2, ServerCid2, 0, Frames.Ping);

    /// <summary>
    /// The client validates the server's preferred address and moves there, as gtlsclient does after gtlsserver
    /// --preferred-ipv4-addr; with <paramref name="reuseDcid"/> it keeps the handshake's DCID instead of the one given
    /// with the address.
    /// </summary>
    public static QuicScenario PreferredAddressMigration(bool reuseDcid = false) => new QuicScenario().Handshake(PreferredAddressParameters())
        .At(100).FromClientTo(Client1, PreferredServer, reuseDcid ? ServerCid : PreferredCid, 1200, Frames.Challenge(ChallengeA))
        .FromServer(PreferredServer, Client1, 1200, Frames.Response(ChallengeA))
        .FromClientTo(Client1, PreferredServer, reuseDcid ? ServerCid : PreferredCid, 0, Frames.Stream(100))
        .FromServer(PreferredServer, Client1, 0, Frames.Stream(1000));

    /// <summary>The server's transport parameters with a preferred address at <see cref="PreferredServer"/>.</summary>
    public static byte[] PreferredAddressParameters(bool disableActiveMigration = false)
    {
        var preferred = new List<byte>();
        preferred.AddRange(PreferredServer.Address.GetAddressBytes());
        preferred.Add((byte)(PreferredServer.Port >> 8));
        preferred.Add((byte)PreferredServer.Port);
        preferred.AddRange(new byte[18]);
        preferred.Add((byte)PreferredCid.Length);
        preferred.AddRange(PreferredCid);
        preferred.AddRange(Enumerable.Repeat((byte)0x7e, 16));
        var parameters = new List<(ulong, byte[])> { (0x0d, preferred.ToArray()), (0x0e, new byte[] { 4 }) };
        if (disableActiveMigration)
        {
            parameters.Add((0x0c, Array.Empty<byte>()));
        }

        return Tls.Parameters(parameters.ToArray());
    }

    /// <summary>Transport parameters with only disable_active_migration.</summary>
    public static byte[] DisableActiveMigrationParameters => Tls.Parameters((0x0c, Array.Empty<byte>()));
}
