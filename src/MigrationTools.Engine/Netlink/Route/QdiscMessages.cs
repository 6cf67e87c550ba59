using System;
using System.Buffers.Binary;

namespace MigrationTools.Engine.Netlink.Route;

/// <summary>
/// Traffic-control requests (linux/rtnetlink.h tcmsg, linux/pkt_sched.h): the netem qdisc at the root of an
/// interface as <c>tc qdisc replace dev IF root netem ...</c> sends it, and the removal of a root qdisc.
/// </summary>
internal static class QdiscMessages
{
    internal const ushort RTM_NEWQDISC = 36;
    internal const ushort RTM_DELQDISC = 37;
    private const ushort TCA_KIND = 1;
    private const ushort TCA_OPTIONS = 2;
    private const ushort TCA_NETEM_REORDER = 3;
    private const ushort TCA_NETEM_RATE = 6;
    private const uint TC_H_ROOT = 0xFFFFFFFF;
    private const int TcMsgLength = 20;

    /// <summary>
    /// RTM_NEWQDISC with CREATE|REPLACE: a netem qdisc at the root of interface <paramref name="index"/>. The options
    /// are struct tc_netem_qopt (latency and jitter in scheduler ticks, limit 1000 packets, loss and duplicate as
    /// fractions of 2^32-1, gap 1 when reordering as tc sets it), then TCA_NETEM_REORDER (probability, correlation 0)
    /// when reordering is asked.
    /// </summary>
    internal static void WriteNetem(ref NetlinkWriter writer, uint sequence, int index, NetemSettings settings, double ticksPerMicrosecond, int? rateMbit = null)
    {
        writer.BeginMessage(RTM_NEWQDISC, (ushort)(Nl.NLM_F_REQUEST | Nl.NLM_F_ACK | 0x400 | 0x100), sequence);
        Header(writer.ReserveHeader(TcMsgLength), index);
        writer.PutBytes(TCA_KIND, "netem\0"u8);
        var reorder = Fraction(settings.ReorderPercent);
        Span<byte> options = stackalloc byte[24 + (reorder != 0 ? 12 : 0) + (rateMbit is null ? 0 : 20)];
        BinaryPrimitives.WriteUInt32LittleEndian(options, Ticks(settings.DelayMs, ticksPerMicrosecond));
        BinaryPrimitives.WriteUInt32LittleEndian(options[4..], 1000);
        BinaryPrimitives.WriteUInt32LittleEndian(options[8..], Fraction(settings.LossPercent));
        BinaryPrimitives.WriteUInt32LittleEndian(options[12..], reorder != 0 ? 1u : 0u);
        BinaryPrimitives.WriteUInt32LittleEndian(options[16..], Fraction(settings.DuplicatePercent));
        BinaryPrimitives.WriteUInt32LittleEndian(options[20..], Ticks(settings.JitterMs, ticksPerMicrosecond));
        if (reorder != 0)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(options[24..], 12);
            BinaryPrimitives.WriteUInt16LittleEndian(options[26..], TCA_NETEM_REORDER);
            BinaryPrimitives.WriteUInt32LittleEndian(options[28..], reorder);
            BinaryPrimitives.WriteUInt32LittleEndian(options[32..], 0);
        }

        if (rateMbit is { } rate)
        {
            // TCA_NETEM_RATE: struct tc_netem_rate { rate in bytes/s, packet_overhead, cell_size, cell_overhead }.
            var at = 24 + (reorder != 0 ? 12 : 0);
            BinaryPrimitives.WriteUInt16LittleEndian(options[at..], 20);
            BinaryPrimitives.WriteUInt16LittleEndian(options[(at + 2)..], TCA_NETEM_RATE);
            BinaryPrimitives.WriteUInt32LittleEndian(options[(at + 4)..], (uint)Math.Min(uint.MaxValue, rate * 125_000L));
            options[(at + 8)..(at + 20)].Clear();
        }

        writer.PutBytes(TCA_OPTIONS, options);
        writer.EndMessage();
    }

    /// <summary>RTM_DELQDISC of the root qdisc of interface <paramref name="index"/> (the default comes back).</summary>
    internal static void WriteDeleteRoot(ref NetlinkWriter writer, uint sequence, int index)
    {
        writer.BeginMessage(RTM_DELQDISC, (ushort)(Nl.NLM_F_REQUEST | Nl.NLM_F_ACK), sequence);
        Header(writer.ReserveHeader(TcMsgLength), index);
        writer.EndMessage();
    }

    /// <summary>A percentage as netem's probabilities: a fraction of 2^32-1, rounded as tc rounds it.</summary>
    internal static uint Fraction(double percent) => percent <= 0 ? 0 : percent >= 100 ? uint.MaxValue : (uint)Math.Round(percent / 100 * uint.MaxValue);

    /// <summary>Milliseconds as packet-scheduler ticks (/proc/net/psched: 15.625 ticks per microsecond on Linux).</summary>
    internal static uint Ticks(double milliseconds, double ticksPerMicrosecond) =>
        milliseconds <= 0 ? 0 : (uint)Math.Min(uint.MaxValue, Math.Round(milliseconds * 1000 * ticksPerMicrosecond));

    private static void Header(Span<byte> header, int index)
    {
        header.Clear();
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], index);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], TC_H_ROOT);
    }
}

/// <summary>What netem is asked to do to an interface's outgoing packets.</summary>
internal sealed record NetemSettings(double DelayMs, double JitterMs, double LossPercent, double DuplicatePercent, double ReorderPercent);
