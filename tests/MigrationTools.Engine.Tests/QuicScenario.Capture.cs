using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using MigrationTools.Analysis.Capture;
using MigrationTools.Analysis.Quic;

namespace MigrationTools.Engine.Tests;

/// <summary>The capture of a scenario: damaging or dropping what was sent, writing it as pcap or pcapng, and analysing it.</summary>
internal sealed partial class QuicScenario
{
    /// <summary>
    /// Cuts the last datagram to its IP and UDP headers and <paramref name="keep"/> bytes of QUIC, as a capture's snap
    /// length does: the IP and UDP lengths still say what was sent.
    /// </summary>
    public QuicScenario CutLast(int keep)
    {
        var (micros, frame) = _frames[^1];
        _frames[^1] = (micros, frame[..(_headerLength + keep)]);
        return this;
    }

    /// <summary>Flips the last byte of the last datagram (inside the AEAD tag): its packet no longer authenticates.</summary>
    public QuicScenario CorruptLast()
    {
        _frames[^1].Frame[^1] ^= 0xff;
        return this;
    }

    /// <summary>A UDP datagram with any payload, as another flow or a stray packet puts in the capture.</summary>
    public QuicScenario Raw(IPEndPoint from, IPEndPoint to, byte[] payload)
    {
        Add(from, to, payload);
        return this;
    }

    /// <summary>Drops the datagram at <paramref name="index"/> from the capture, as a capture that missed it.</summary>
    public QuicScenario Drop(int index)
    {
        _frames.RemoveAt(index);
        return this;
    }

    /// <summary>
    /// Damages the QUIC part of <paramref name="count"/> random datagrams (flipped bytes, or cut short), as a bad
    /// capture or a corrupting link would; IP and UDP headers stay intact.
    /// </summary>
    public QuicScenario Damage(Random random, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var index = random.Next(_frames.Count);
            var (micros, frame) = _frames[index];
            var copy = (byte[])frame.Clone();
            if (copy.Length <= _headerLength + 1)
            {
                continue;
            }

            if (random.Next(4) == 0)
            {
                // Cut short: the UDP and IP lengths stay as sent, as when a capture's snap length cuts a frame.
                copy = copy.AsSpan(0, random.Next(_headerLength, copy.Length)).ToArray();
            }
            else
            {
                for (var flips = random.Next(1, 4); flips > 0; flips--)
                {
                    copy[random.Next(_headerLength, copy.Length)] ^= (byte)random.Next(1, 256);
                }
            }

            _frames[index] = (micros, copy);
        }

        return this;
    }

    /// <summary>Writes the capture (LINKTYPE_RAW) and returns its path.</summary>
    public string WritePcap(string directory)
    {
        var path = Path.Combine(directory, $"scenario-{Guid.NewGuid():N}.pcap");
        var pcap = new CaptureBytes().PcapHeader(0xa1b2c3d4, LinkType.Raw);
        foreach (var (micros, frame) in _frames)
        {
            pcap.Record((uint)(micros / 1_000_000), (uint)(micros % 1_000_000), frame);
        }

        File.WriteAllBytes(path, pcap.ToArray());
        return path;
    }

    /// <summary>Writes the capture as pcapng, with the key log in a Decryption Secrets Block when asked, and returns its path.</summary>
    public string WritePcapng(string directory, bool embedKeys)
    {
        var path = Path.Combine(directory, $"scenario-{Guid.NewGuid():N}.pcapng");
        using var writer = new PcapngWriter(File.Create(path));
        if (embedKeys)
        {
            writer.WriteSecrets(KeyLog);
        }

        foreach (var (micros, frame) in _frames)
        {
            writer.WritePacket(micros, LinkType.Raw, frame);
        }

        return path;
    }

    /// <summary>Runs the analysis over the written capture, with or without the key log.</summary>
    public List<QuicProbeEvent> Analyze(string directory, bool withKeys = true, double challengeTimeoutSeconds = 3, string? keyLogText = null) =>
        Analyze(directory, out _, withKeys, challengeTimeoutSeconds, keyLogText);

    /// <summary>Runs the analysis and also returns the analyzer, for its counters.</summary>
    public List<QuicProbeEvent> Analyze(string directory, out QuicProbeAnalyzer analyzer, bool withKeys = true, double challengeTimeoutSeconds = 3, string? keyLogText = null, int[]? ports = null,
        bool firstPacketRule = false)
    {
        KeyLog? keyLog = null;
        if (withKeys)
        {
            keyLog = new KeyLog();
            keyLog.AddText(keyLogText ?? KeyLog);
        }

        var options = new QuicProbeOptions
        {
            KeyLog = keyLog,
            ChallengeTimeout = TimeSpan.FromSeconds(challengeTimeoutSeconds),
            Ports = new HashSet<int>(ports ?? Array.Empty<int>()),
            FirstPacketRule = firstPacketRule,
        };
        var run = QuicProbeFiles.NewRun(options);
        var events = QuicProbeFiles.ReadFiles(new[] { WritePcap(directory) }, run).ToList();
        analyzer = run.Analyzer;
        return events;
    }
}
