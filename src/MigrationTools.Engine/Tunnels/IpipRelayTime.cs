namespace MigrationTools.Engine.Tunnels;

/// <summary>
/// Where a userspace tunnel's relay spends its time: the CPU seconds of each direction's thread, in the relay itself
/// (user: segmenting, checksums, joining, headers) and in the kernel on its behalf (system: the TUN device, the raw
/// sockets and the network stack the packets pass through in their calls), and how many packets each call carried.
/// </summary>
/// <param name="EncapsulateUserSeconds">CPU seconds of the way out (TUN device to remote end) in the relay.</param>
/// <param name="EncapsulateSystemSeconds">CPU seconds of the way out in the kernel.</param>
/// <param name="DecapsulateUserSeconds">CPU seconds of the way in (remote end to TUN device) in the relay.</param>
/// <param name="DecapsulateSystemSeconds">CPU seconds of the way in in the kernel.</param>
/// <param name="TunReads">Reads from the TUN device that returned a packet (with offloads, up to 64 KB each).</param>
/// <param name="SendCalls">sendmmsg calls to the remote end (each sends a batch of wire-sized packets).</param>
/// <param name="ReceiveCalls">recvmmsg calls that returned packets from the remote end.</param>
/// <param name="TunWrites">Writes to the TUN device (with offloads, one per joined GSO packet).</param>
public sealed record IpipRelayTime(
    double EncapsulateUserSeconds, double EncapsulateSystemSeconds, double DecapsulateUserSeconds, double DecapsulateSystemSeconds,
    long TunReads, long SendCalls, long ReceiveCalls, long TunWrites);
