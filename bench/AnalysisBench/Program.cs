using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using MigrationTools.Analysis.Capture;
using MigrationTools.Analysis.Quic;
using MigrationTools.Engine.Tests;
using static MigrationTools.Engine.Tests.QuicScenario;

// bench/quic-probe.ps1: "allocation <capture> [<key log>]" prints the bytes the analysis allocates on this thread for a
// whole read of the capture, the datagrams it counted and the events it found, tab-separated (a second, warm read).
if (args.Length > 1 && args[0] == "allocation")
{
    return Allocation(args[1], args.Length > 2 ? args[2] : null);
}

// Otherwise: times the analysis of captures built to hurt it, at growing sizes: the time per item should stay flat
// (linear work).
//   paths        one connection whose client probes N new addresses (unvalidated paths), then goes on from its own
//   connections  N connections, each a ClientHello and one more Initial from a second client address (a Migration)
//   crypto-gaps  one connection whose client Initials carry N one-byte CRYPTO frames, each opening a gap
var workloads = new Dictionary<string, Func<int, List<(long Micros, byte[] Frame)>>>
{
    ["paths"] = Paths,
    ["connections"] = Connections,
    ["crypto-gaps"] = CryptoGaps,
};
var sizes = args.Length > 1 ? args.Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : new[] { 10_000, 20_000, 40_000 };
var selected = args.Length > 0 && args[0] != "all" ? args[0].Split(',') : workloads.Keys.ToArray();
var directory = Directory.CreateTempSubdirectory("hostile-captures-").FullName;
try
{
    Console.WriteLine("workload     items     seconds  us/item  events  peak MB");
    foreach (var name in selected)
    {
        foreach (var size in name == "crypto-gaps" ? sizes.Select(s => Math.Min(s / 5, 8000)).Distinct() : sizes)
        {
            var path = Path.Combine(directory, $"{name}-{size}.pcap");
            Write(path, workloads[name](size));
            GC.Collect();
            var run = QuicProbeFiles.NewRun(new QuicProbeOptions { KeyLog = Keys(), MaxConnections = 1_000_000, EndlessProbingThreshold = 1_000_000 });
            var watch = Stopwatch.StartNew();
            var events = QuicProbeFiles.ReadFiles(new[] { path }, run).Count();
            _ = run.Analyzer.Summaries(run.Events);
            watch.Stop();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-12} {size,6} {watch.Elapsed.TotalSeconds,10:0.000} {watch.Elapsed.TotalMilliseconds * 1000 / size,8:0.0} {events,7} {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576,8}"));
            File.Delete(path);
        }
    }
}
finally
{
    Directory.Delete(directory, recursive: true);
}

return 0;

static int Allocation(string capture, string? keyLogFile)
{
    (long Bytes, long Datagrams, int Events) Read()
    {
        var keys = keyLogFile is null ? null : KeyLog.Load(new[] { keyLogFile });
        var run = QuicProbeFiles.NewRun(new QuicProbeOptions { KeyLog = keys });
        var before = GC.GetAllocatedBytesForCurrentThread();
        var events = QuicProbeFiles.ReadFiles(new[] { capture }, run).Count();
        return (GC.GetAllocatedBytesForCurrentThread() - before, run.Analyzer.Datagrams, events);
    }

    _ = Read();
    var (bytes, datagrams, found) = Read();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{bytes}\t{datagrams}\t{found}"));
    return 0;
}

static KeyLog Keys()
{
    var keys = new KeyLog();
    keys.AddText(KeyLogText);
    return keys;
}

static IPEndPoint Address(int i, int net) => new(new IPAddress(new byte[] { 10, (byte)net, (byte)(i >> 8), (byte)i }), 30000 + (i >> 16));

static List<(long, byte[])> Paths(int n)
{
    var scenario = new QuicScenario().Handshake();
    for (var i = 0; i < n; i++)
    {
        // A probe from a new address every 0.1 ms: tens of thousands of unvalidated paths at once.
        scenario.At(100 + (i * 0.1)).FromClient(Address(i, 211), ServerCid2, 1200, Frames.Challenge((ulong)i)).FromClient(Client1, ServerCid, 0, Frames.Ping);
    }

    return scenario.Captured.ToList();
}

static List<(long, byte[])> Connections(int n)
{
    var frames = new List<(long, byte[])>();
    for (var i = 0; i < n; i++)
    {
        var dcid = new byte[8];
        BitConverter.GetBytes(i + 1).CopyTo(dcid, 0);
        var scenario = new QuicScenario(originalDcid: dcid).At(i * 0.01).ClientHelloOnly(Address(i, 212)).ClientInitial(Address(i, 213), Frames.Ping);
        frames.AddRange(scenario.Captured);
    }

    return frames;
}

static List<(long, byte[])> CryptoGaps(int n)
{
    // One-byte CRYPTO frames at every other offset (below 16384, the two-byte varint the builder writes), 100 a packet.
    var scenario = new QuicScenario().ClientHelloOnly();
    for (var start = 0; start < n; start += 100)
    {
        var frames = Enumerable.Range(start, Math.Min(100, n - start)).SelectMany(i => Frames.Crypto(new byte[] { 0x16 }, 2000 + (2 * i))).ToArray();
        scenario.ClientInitial(Client1, frames);
    }

    return scenario.Captured.ToList();
}

static void Write(string path, List<(long Micros, byte[] Frame)> frames)
{
    var pcap = new CaptureBytes().PcapHeader(0xa1b2c3d4, LinkType.Raw);
    foreach (var (micros, frame) in frames.OrderBy(f => f.Micros))
    {
        pcap.Record((uint)(micros / 1_000_000), (uint)(micros % 1_000_000), frame);
    }

    File.WriteAllBytes(path, pcap.ToArray());
}
