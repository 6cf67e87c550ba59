using System;
using System.Buffers.Binary;
using System.Linq;
using MigrationTools.Agent.Relay.Bpf;
using MigrationTools.Core.Interop;
using MigrationTools.Engine.Netlink;

namespace MigrationTools.Agent.Relay;

/// <summary>
/// The kernel's share of the tunnel: two traffic-control programs (<see cref="TunnelPrograms"/>) on TCX links the
/// relay holds, so they go with it, however it ends. The egress program on the TUN device encapsulates and the
/// ingress program on the underlay device decapsulates most packets without a copy to userspace; the rest reach the
/// relay's loops as before. The underlay device is the one the route to the remote end uses, looked up again every
/// half second: when the route moves, the programs follow (and until then, the ingress program simply sees nothing
/// and the loops take the packets). Without TCX (before Linux 6.6) or eBPF, or with
/// MIGRATIONTOOLS_IPIP_FASTPATH=off (--fast-path off), the loops do everything and the counters say so.
/// </summary>
internal sealed partial class UserspaceIpipRelay
{
    private FileDescriptor _fastMap = new(-1), _fastEgress = new(-1), _fastIngress = new(-1);
    private int _fastUnderlay, _routeDevice = -1, _tunIfindex, _underlayMtu;
    private string _fastPath = "off";

    /// <summary>Loads the programs and attaches the egress one; a failure leaves the loops doing everything, logged.</summary>
    private void OpenFastPath()
    {
        if (!_settings.FastPath)
        {
            return;
        }

        using var socket = NetlinkSocket.OpenRoute(null);
        _tunIfindex = Rtnetlink.Link(socket, _settings.Name)?.Index ?? 0;
        _underlayMtu = UnderlayMtu();
        var map = BpfObjects.CreateArray(TunnelPrograms.EntrySize, 2);
        if (map.IsInvalid || _tunIfindex == 0)
        {
            _log.Write($"the kernel fast path is off (map: {Libc.Describe(Libc.LastError)}); the relay's loops carry everything");
            map.Dispose();
            return;
        }

        var egress = AttachProgram("mt_ipip_encap", TunnelPrograms.Encapsulate(map.Number, (int)ToNetworkOrder(_settings.Local), (int)ToNetworkOrder(_settings.Remote), _settings.Ttl, _settings.Tos),
            _tunIfindex, BpfObjects.TcxEgress, out var failure);
        if (egress.IsInvalid)
        {
            _log.Write($"the kernel fast path is off ({failure}); the relay's loops carry everything");
            map.Dispose();
            return;
        }

        _fastMap = map;
        _fastEgress = egress;
        RefreshFastPath(socket);
    }

    /// <summary>Follows the route to the remote end (every half second); a failure is logged and tried again next time.</summary>
    private void FollowRoute()
    {
        try
        {
            using var socket = NetlinkSocket.OpenRoute(null);
            RefreshFastPath(socket);
        }
        catch (Exception ex)
        {
            _log.Write("fast-path-route", $"Could not follow the route to {_settings.Remote}: {ex.Message}");
        }
    }

    /// <summary>Points the programs at the device the route to the remote end uses now (0: none, the loops carry all).</summary>
    private void RefreshFastPath(NetlinkSocket socket)
    {
        if (_fastMap.IsInvalid)
        {
            return;
        }

        var route = Rtnetlink.OutputInterfaceTo(socket, _settings.Remote) ?? 0;
        var underlay = route == _tunIfindex ? 0 : route;
        var mtu = underlay == 0 ? _underlayMtu : UnderlayMtu();
        // Compared with the route's device, not with the one the programs use: a device they cannot serve (0 then)
        // is looked at once, not every half second.
        if (route == _routeDevice && mtu == _underlayMtu)
        {
            return;
        }

        _underlayMtu = mtu;
        Span<byte> settings = stackalloc byte[(int)TunnelPrograms.EntrySize];
        settings.Clear();
        if (route != _routeDevice)
        {
            _fastIngress.Dispose();
            _fastIngress = new FileDescriptor(-1);
            var device = underlay == 0 ? null : Rtnetlink.Links(socket).FirstOrDefault(l => l.Index == underlay);
            // Ethernet and loopback carry a 14-byte header in front of IP; other kinds of underlay stay with the loops.
            if (device is null || device.DeviceType is not (Sock.ARPHRD_ETHER or Sock.ARPHRD_LOOPBACK) || !AttachIngress(underlay))
            {
                underlay = 0;
            }
        }
        else
        {
            underlay = _fastUnderlay;
        }

        BinaryPrimitives.WriteInt32LittleEndian(settings, underlay);
        BinaryPrimitives.WriteInt32LittleEndian(settings[4..], mtu);
        BpfObjects.Write(_fastMap, 0, settings);
        _routeDevice = route;
        _fastUnderlay = underlay;
        _fastPath = underlay == 0 ? "off" : $"tc egress {_settings.Name}, tc ingress ifindex {underlay}";
        _log.Write($"kernel fast path: {(underlay == 0 ? "off until a route to " + _settings.Remote + " leaves through an Ethernet device" : _fastPath)} (underlay MTU {mtu})");
    }

    private bool AttachIngress(int underlay)
    {
        _fastIngress = AttachProgram("mt_ipip_decap", TunnelPrograms.Decapsulate(_fastMap.Number, (int)ToNetworkOrder(_settings.Local), (int)ToNetworkOrder(_settings.Remote), 14, _tunIfindex),
            underlay, BpfObjects.TcxIngress, out var failure);
        if (_fastIngress.IsInvalid)
        {
            _log.Write($"the kernel fast path has no way in ({failure})");
        }

        return !_fastIngress.IsInvalid;
    }

    /// <summary>
    /// Loads a classifier and attaches it to a device's hook; the TCX link (which holds the program), or an invalid
    /// descriptor and why: which step failed, its errno, and the verifier's log when it refused the program.
    /// </summary>
    private static FileDescriptor AttachProgram(string name, ulong[] instructions, int ifindex, uint attachType, out string failure)
    {
        var (program, error, log) = BpfObjects.LoadProgram(BpfObjects.SchedClassifier, name, instructions);
        using (program)
        {
            var link = program.IsInvalid ? new FileDescriptor(-1) : BpfObjects.Attach(program, ifindex, attachType);
            failure = !link.IsInvalid ? ""
                : program.IsInvalid ? $"load: {Libc.Describe(error)}{(log.Length > 0 ? "; verifier: " + log : "")}"
                : $"attach: {Libc.Describe(Libc.LastError)}";
            return link;
        }
    }

    /// <summary>The fast path's counters: (encapsulated packets, bytes, decapsulated packets, bytes).</summary>
    private (long, long, long, long) FastCounters()
    {
        Span<byte> entry = stackalloc byte[(int)TunnelPrograms.EntrySize];
        if (_fastMap.IsInvalid || !BpfObjects.Read(_fastMap, 1, entry))
        {
            return default;
        }

        return (BinaryPrimitives.ReadInt64LittleEndian(entry[TunnelPrograms.EncapsulatedPackets..]), BinaryPrimitives.ReadInt64LittleEndian(entry[TunnelPrograms.EncapsulatedBytes..]),
            BinaryPrimitives.ReadInt64LittleEndian(entry[TunnelPrograms.DecapsulatedPackets..]), BinaryPrimitives.ReadInt64LittleEndian(entry[TunnelPrograms.DecapsulatedBytes..]));
    }
}
