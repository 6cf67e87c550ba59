using System;

namespace MigrationTools.Engine.Tunnels;

/// <summary>Packet and drop counters of a userspace tunnel, written by the relay to its stats file.</summary>
/// <param name="EncapsulatedPackets">Inner packets sent into the tunnel.</param>
/// <param name="EncapsulatedBytes">Their bytes.</param>
/// <param name="DecapsulatedPackets">Inner packets taken out of the tunnel.</param>
/// <param name="DecapsulatedBytes">Their bytes.</param>
/// <param name="DroppedMalformed">Packets with broken headers.</param>
/// <param name="DroppedNotIpip">Raw packets of another protocol.</param>
/// <param name="DroppedWrongSource">Encapsulated packets from another source than the remote end.</param>
/// <param name="DroppedInnerNotIPv4">Packets whose inner packet is not IPv4.</param>
/// <param name="SendErrors">Packets the kernel did not take.</param>
/// <param name="InternalErrors">Packets whose handling failed in the relay itself (counted and logged; the relay goes on).</param>
/// <param name="FragmentationNeededSent">ICMP "fragmentation needed" messages sent back for DF packets too big for the underlay.</param>
/// <param name="Updated">When the counters were written.</param>
/// <param name="Offloads">The TUN offloads in use (csum, tso4, tso6, tso-ecn, uso4, uso6), or none.</param>
/// <param name="SegmentedPackets">GSO packets from the TUN device cut into wire-sized packets.</param>
/// <param name="CoalescedPackets">Received segments joined into a GSO packet for the TUN device.</param>
/// <param name="Time">Where the relay's time goes, by direction (null from a relay that does not say).</param>
public sealed record IpipCounters(
    long EncapsulatedPackets, long EncapsulatedBytes, long DecapsulatedPackets, long DecapsulatedBytes,
    long DroppedMalformed, long DroppedNotIpip, long DroppedWrongSource, long DroppedInnerNotIPv4, long SendErrors,
    long InternalErrors, long FragmentationNeededSent, DateTime Updated, string Offloads = "none", long SegmentedPackets = 0, long CoalescedPackets = 0, IpipRelayTime? Time = null)
{
    /// <summary>Of <see cref="EncapsulatedPackets"/>, the wire packets the kernel's fast path encapsulated (never copied to the relay).</summary>
    public long KernelEncapsulatedPackets { get; init; }

    /// <summary>Of <see cref="DecapsulatedPackets"/>, the packets the kernel's fast path decapsulated.</summary>
    public long KernelDecapsulatedPackets { get; init; }

    /// <summary>
    /// Packets from the remote end whose TCP or UDP checksum the relay finished: their sender's kernel left it to the
    /// device (a kernel encapsulating the tunnel, over a veth underlay that passes that on).
    /// </summary>
    public long FinishedChecksums { get; init; }

    /// <summary>Where the kernel's fast path sits (its traffic-control hooks), or off when the relay's loops carry everything.</summary>
    public string FastPath { get; init; } = "off";
}
