using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Errors;
using MigrationTools.Engine.Interop;
using MigrationTools.Engine.Namespaces;
using MigrationTools.Engine.Netlink;

namespace MigrationTools.Engine.Conntrack;

/// <summary>Which entries to act on; null members match anything.</summary>
public sealed record ConntrackFilter(IPAddress? Destination = null, IPAddress? Source = null, byte? Protocol = null, IpFamily? Family = null)
{
    /// <summary>True when <paramref name="entry"/> matches.</summary>
    public bool Matches(ConntrackEntry entry) =>
        (Family is null || entry.AddressFamily == Family)
        && (Protocol is null || entry.ProtocolNumber == Protocol)
        && (Destination is null || entry.Original.Destination.Equals(Destination))
        && (Source is null || entry.Original.Source.Equals(Source));
}

/// <summary>A namespace's connection tracking table, read and pruned over ctnetlink (no conntrack process).</summary>
public static class ConntrackTable
{
    /// <summary>Lists the entries of a namespace that match <paramref name="filter"/>.</summary>
    public static IReadOnlyList<ConntrackEntry> List(string @namespace, ConntrackFilter? filter = null)
    {
        NetNsManager.EnsureExists(@namespace);
        using var socket = NetlinkSocket.OpenNetfilter(@namespace);
        return List(socket, @namespace, filter ?? new ConntrackFilter());
    }

    /// <summary>Deletes the given entries; returns how many the kernel removed (gone ones are not errors).</summary>
    public static int Remove(string @namespace, IEnumerable<ConntrackEntry> entries)
    {
        NetNsManager.EnsureExists(@namespace);
        using var socket = NetlinkSocket.OpenNetfilter(@namespace);
        return Remove(socket, entries);
    }

    /// <summary>Deletes every entry that matches; returns how many were removed.</summary>
    public static int Purge(string @namespace, ConntrackFilter filter)
    {
        NetNsManager.EnsureExists(@namespace);
        using var socket = NetlinkSocket.OpenNetfilter(@namespace);
        return Purge(socket, @namespace, filter);
    }

    internal static int Purge(NetlinkSocket socket, string @namespace, ConntrackFilter filter) =>
        Remove(socket, List(socket, @namespace, filter));

    internal static IReadOnlyList<ConntrackEntry> List(NetlinkSocket socket, string @namespace, ConntrackFilter filter)
    {
        Span<byte> request = stackalloc byte[64];
        var writer = new NetlinkWriter(request);
        var family = filter.Family is null ? (byte)0 : ConntrackCodec.FamilyByte(filter.Family.Value);
        var sequence = socket.NextSequence();
        ConntrackCodec.WriteDumpRequest(ref writer, sequence, family);
        var result = new List<ConntrackEntry>();
        socket.Dump(writer.Written, sequence, message =>
        {
            var entry = ConntrackCodec.Decode(@namespace, message);
            if (entry is not null && filter.Matches(entry))
            {
                result.Add(entry);
            }
        }, "dump the conntrack table");
        return result;
    }

    internal static int Remove(NetlinkSocket socket, IEnumerable<ConntrackEntry> entries)
    {
        var removed = 0;
        Span<byte> request = stackalloc byte[512];
        foreach (var entry in entries)
        {
            var writer = new NetlinkWriter(request);
            var sequence = socket.NextSequence();
            ConntrackCodec.WriteDeleteRequest(ref writer, sequence, entry);
            var ack = socket.Execute(writer.Written, sequence, "delete a conntrack entry");
            if (ack.Succeeded)
            {
                removed++;
            }
            else if (ack.Error != Errno.ENOENT)
            {
                // ENOENT means the entry expired or was removed meanwhile: the goal is reached.
                throw NetlinkSocket.Failure("delete the conntrack entry " + entry, ack);
            }
        }

        return removed;
    }
}
