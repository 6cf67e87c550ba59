using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MigrationTools.Analysis.Capture;
using MigrationTools.Analysis.Quic;
using MigrationTools.Core.Errors;
using Xunit;

namespace MigrationTools.Engine.Tests;

/// <summary>Random and mutated input never makes the capture, packet or QUIC parsers throw.</summary>
[Trait("Category", "Fuzz")]
public class QuicFuzzTests
{
    private static readonly byte[] ServerInitial = Convert.FromHexString(
        "cf000000010008f067a5502a4262b5004075c0d95a482cd0991cd25b0aac406a5816b6394100f37a1c69797554780bb38cc5a99f5ede4cf73c3ec2493a1839b3dbcba3f6ea46c5b7684df3548e7ddeb9c3bf9c73cc3f3bded74b562bfb19fb84022f8ef4cdd93795d77d06edbb7aaf2f58891850abbdca3d20398c276456cbc42158407dd074ee");

    private static readonly byte[] ShortHeader = Convert.FromHexString("4cfe4189655e5cd55c41f69080575d7999c25a5bfb");

    /// <summary>An IPv4/UDP packet around <paramref name="payload"/> (raw IP link type).</summary>
    internal static byte[] Udp(byte[] payload, ushort sourcePort = 8889, ushort destinationPort = 40000)
    {
        var packet = new byte[28 + payload.Length];
        packet[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        packet[8] = 64;
        packet[9] = 17;
        new byte[] { 10, 250, 1, 1 }.CopyTo(packet, 12);
        new byte[] { 10, 210, 0, 2 }.CopyTo(packet, 16);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(20), sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(22), destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(24), (ushort)(8 + payload.Length));
        payload.CopyTo(packet, 28);
        return packet;
    }

    /// <summary>A client Initial as the analyzer first sees it: opens a connection whose Initial keys are real.</summary>
    private static byte[] ClientInitialHeader()
    {
        var payload = new byte[1200];
        payload[0] = 0xc3;
        BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(1), QuicVersions.V1);
        payload[5] = 8;
        Convert.FromHexString("8394c8f03e515708").CopyTo(payload, 6);
        payload[14] = 0;
        payload[15] = 0;
        payload[16] = 0x44;
        payload[17] = 0x9e;
        return payload;
    }

    /// <summary>The raw IP frames of a real connection (authenticating Initials, a Handshake packet, 1-RTT, a migration).</summary>
    private static byte[][] ConnectionFrames() => new QuicScenario().Handshake(QuicScenario.PreferredAddressParameters())
        .At(100).FromClient(QuicScenario.Client2, QuicScenario.ServerCid2, 1200, QuicScenario.Frames.Challenge(1))
        .FromServer(QuicScenario.Server, QuicScenario.Client2, 1200, QuicScenario.Frames.Response(1), QuicScenario.Frames.Challenge(2))
        .Captured.Select(f => f.Frame).ToArray();

    /// <summary>The UDP payloads of <see cref="ConnectionFrames"/>.</summary>
    private static byte[][] ConnectionSeeds() => ConnectionFrames().Select(f => f[28..]).ToArray();

    private static KeyLog ScenarioKeys()
    {
        var keyLog = new KeyLog();
        keyLog.AddText(QuicScenario.KeyLogText);
        return keyLog;
    }

    [Fact]
    public void TheConnectionSeedsAuthenticateUnmutated()
    {
        // The fuzzing below starts from these: they must reach decryption and the frame parsers, or it tests headers only.
        var analyzer = new QuicProbeAnalyzer(new QuicProbeOptions { KeyLog = ScenarioKeys() });
        var output = new List<QuicProbeEvent>();
        foreach (var frame in ConnectionFrames())
        {
            Assert.Equal(DecodeResult.Udp, PacketDecoder.TryDecode(LinkType.Raw, frame, out var datagram));
            analyzer.Process(1_700_000_000_000_000, datagram, output);
        }

        Assert.Equal(1, analyzer.Connections);
        Assert.True(analyzer.Decrypted >= 5, $"{analyzer.Decrypted} decrypted");
    }

    [Fact]
    public void MutatedDatagramsNeverThrow()
    {
        var random = new Random(9000);
        var analyzer = new QuicProbeAnalyzer(new QuicProbeOptions { KeyLog = ScenarioKeys() });
        var output = new List<QuicProbeEvent>();
        var seeds = new[] { ServerInitial, ShortHeader, ClientInitialHeader(), Udp(ServerInitial), Udp(ShortHeader) }.Concat(ConnectionSeeds()).ToArray();
        var real = ConnectionFrames();
        long time0 = 1_700_000_000_000_000;
        foreach (var frame0 in real)
        {
            Assert.Equal(DecodeResult.Udp, PacketDecoder.TryDecode(101, frame0, out var opening));
            analyzer.Process(time0, opening, output);
        }
        var linkTypes = new[] { 1, 113, 276, 101, 0, 12345 };
        long time = 1_700_000_000_000_000;
        for (var i = 0; i < 40_000; i++)
        {
            var seed = seeds[random.Next(seeds.Length)];
            var payload = (byte[])seed.Clone();
            if (i % 3 == 0)
            {
                payload = new byte[random.Next(0, 1500)];
                random.NextBytes(payload);
            }
            else
            {
                for (var flips = random.Next(0, 8); flips > 0; flips--)
                {
                    payload[random.Next(payload.Length)] ^= (byte)random.Next(1, 256);
                }

                payload = payload.AsSpan(0, random.Next(0, payload.Length + 1)).ToArray();
            }

            var frame = i % 2 == 0 ? Udp(payload, (ushort)random.Next(1, 65536), 8889) : payload;
            var linkType = i % 2 == 0 ? 101 : linkTypes[random.Next(linkTypes.Length)];
            if (i % 4 == 1)
            {
                // A real packet of the followed connection, whole or with its QUIC part damaged, so that fuzzing reaches
                // decryption and the frame parsers, not only the headers.
                frame = (byte[])real[random.Next(real.Length)].Clone();
                for (var flips = random.Next(0, 3); flips > 0; flips--)
                {
                    frame[random.Next(28, frame.Length)] ^= (byte)random.Next(1, 256);
                }

                linkType = 101;
                payload = frame[28..];
            }

            time += random.Next(0, 2_000_000);
            if (PacketDecoder.TryDecode(linkType, frame, out var datagram) == DecodeResult.Udp)
            {
                analyzer.Process(time, datagram, output);
            }

            var offset = 0;
            QuicVarInt.TryRead(payload, ref offset, out _);
            var reader = new QuicFrameReader(payload);
            while (reader.TryNext(out _))
            {
            }
        }

        analyzer.Advance(long.MaxValue / 2, output);
        Assert.True(analyzer.Datagrams > 10_000);
        // Real packets reached decryption: the whole ones authenticated, the damaged ones did not.
        Assert.True(analyzer.Decrypted > 100, $"{analyzer.Decrypted} decrypted");
        Assert.True(analyzer.Undecryptable > 100, $"{analyzer.Undecryptable} undecryptable");
        Assert.All(output, e => Assert.False(string.IsNullOrEmpty(e.Evidence)));
    }

    [Fact]
    public void GarbageAndTruncatedCapturesAreReportedNotThrown()
    {
        var random = new Random(2026);
        var pcap = new MemoryStream();
        var header = new byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0xa1b2c3d4);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), 101);
        pcap.Write(header);
        var frame = Udp(ShortHeader);
        var record = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(8), (uint)frame.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(12), (uint)frame.Length);
        pcap.Write(record);
        pcap.Write(frame);
        var valid = pcap.ToArray();

        for (var i = 0; i < 5_000; i++)
        {
            var bytes = (byte[])valid.Clone();
            if (i % 2 == 0)
            {
                for (var flips = random.Next(1, 6); flips > 0; flips--)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)random.Next(1, 256);
                }
            }

            bytes = bytes.AsSpan(0, random.Next(0, bytes.Length + 1)).ToArray();
            try
            {
                using var reader = new CaptureReader(new MemoryStream(bytes), "fuzz");
                while (reader.TryRead(out var r))
                {
                    PacketDecoder.TryDecode(r.LinkType, r.Data, out _);
                }
            }
            catch (MigrationToolsException ex)
            {
                Assert.Equal("CaptureUnreadable", ex.ErrorId);
            }
        }
    }

    [Fact]
    public void MutatedPcapngCapturesAreReportedNotThrown()
    {
        var random = new Random(4711);
        var frame = Udp(ShortHeader);
        var valid = new CaptureBytes().Section().Interface(LinkType.Raw).Enhanced(0, 5, frame)
            .Secrets(0x544c534b, "ABC\n"u8.ToArray())
            .Simple((uint)frame.Length, frame)
            .Interface(LinkType.Raw, 9, 0, 1, 0, 9, 0, 0, 0).Enhanced(1, 5_000_000_000, frame).ToArray();
        long damaged = 0, frames = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = (byte[])valid.Clone();
            for (var flips = random.Next(1, 6); flips > 0; flips--)
            {
                bytes[random.Next(bytes.Length)] ^= (byte)random.Next(1, 256);
            }

            if (random.Next(3) == 0)
            {
                bytes = bytes.AsSpan(0, random.Next(0, bytes.Length + 1)).ToArray();
            }

            try
            {
                using var reader = new CaptureReader(new MemoryStream(bytes), "fuzz.pcapng", onSecrets: (type, data) => new KeyLog().AddSecretsBlock(type, data.Span, "fuzz"));
                while (reader.TryRead(out var r))
                {
                    frames++;
                    Assert.True(r.TimestampMicroseconds is >= 0 and <= PcapngInterfaces.MaxMicroseconds);
                    PacketDecoder.TryDecode(r.LinkType, r.Data, out _);
                }

                damaged += reader.Damaged;
            }
            catch (MigrationToolsException ex)
            {
                Assert.Equal("CaptureUnreadable", ex.ErrorId);
            }
        }

        // The damage was seen as damage, and most captures still gave frames.
        Assert.True(damaged > 1_000, $"{damaged} damaged blocks");
        Assert.True(frames > 20_000, $"{frames} frames");
    }

    [Fact]
    public void MutatedKeyLogsAndQlogsNeverThrow()
    {
        var random = new Random(77);
        var keyText = QuicScenario.KeyLogText;
        var directory = Directory.CreateTempSubdirectory("fuzz-qlog-").FullName;
        try
        {
            var qlog = "\u001e{\"qlog_version\":\"0.3\"}\n\u001e{\"name\":\"transport:packet_sent\",\"data\":{\"frames\":[{\"frame_type\":\"path_challenge\",\"data\":\"0102030405060708\"}]}}\n";
            var ignored = 0;
            for (var i = 0; i < 3_000; i++)
            {
                var keys = Mutate(random, keyText);
                var log = new KeyLog();
                log.AddText(keys, "fuzz");
                ignored += log.IgnoredLines;
                var events = new QuicScenario().Handshake().At(100).FromClient(QuicScenario.Client2, QuicScenario.ServerCid2, 1200, QuicScenario.Frames.Challenge(1))
                    .Analyze(directory, keyLogText: keys);
                Assert.All(events, e => Assert.False(string.IsNullOrEmpty(e.Evidence)));

                var path = Path.Combine(directory, "fuzz.sqlog");
                File.WriteAllText(path, Mutate(random, qlog));
                try
                {
                    QlogReader.ReadPathFrames(new[] { path });
                }
                catch (MigrationToolsException ex)
                {
                    Assert.Equal("QlogUnreadable", ex.ErrorId);
                }

                foreach (var file in Directory.GetFiles(directory, "*.pcap"))
                {
                    File.Delete(file);
                }
            }

            Assert.True(ignored > 1_000, $"{ignored} key log lines ignored");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string Mutate(Random random, string text)
    {
        var chars = text.ToCharArray();
        for (var flips = random.Next(1, 6); flips > 0; flips--)
        {
            chars[random.Next(chars.Length)] = (char)random.Next(0, 128);
        }

        var result = new string(chars);
        return random.Next(3) == 0 ? result[..random.Next(0, result.Length + 1)] : result;
    }

    [Fact]
    public void ReadsPcapngWithItsInterfaceLinkType()
    {
        var frame = Udp(ShortHeader);
        var stream = new MemoryStream(new CaptureBytes().Section().Interface(101).Enhanced(0, 5_000_000, frame).ToArray());

        using var reader = new CaptureReader(stream, "test.pcapng");
        Assert.True(reader.TryRead(out var record));
        Assert.Equal(101, record.LinkType);
        Assert.Equal(5_000_000, record.TimestampMicroseconds);
        Assert.Equal(DecodeResult.Udp, PacketDecoder.TryDecode(record.LinkType, record.Data, out var datagram));
        Assert.Equal("10.250.1.1:8889", datagram.Source.ToString());
        Assert.Equal("10.210.0.2:40000", datagram.Destination.ToString());
        Assert.False(reader.TryRead(out _));
    }

    [Fact]
    public void UnwrapsIpipAndKeepsTheOuterAddresses()
    {
        var inner = Udp(ShortHeader);
        var outer = new byte[20 + inner.Length];
        outer[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(outer.AsSpan(2), (ushort)outer.Length);
        outer[8] = 64;
        outer[9] = 4;
        new byte[] { 10, 220, 0, 254 }.CopyTo(outer, 12);
        new byte[] { 10, 220, 0, 2 }.CopyTo(outer, 16);
        inner.CopyTo(outer, 20);
        Assert.Equal(DecodeResult.Udp, PacketDecoder.TryDecode(101, outer, out var datagram));
        Assert.Equal("10.220.0.254", datagram.OuterSource.ToString());
        Assert.Equal("10.220.0.2", datagram.OuterDestination.ToString());
        Assert.Equal(ShortHeader.Length, datagram.Payload.Length);
    }
}
