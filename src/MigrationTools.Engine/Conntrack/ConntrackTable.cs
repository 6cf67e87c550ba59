using System;
using System.Collections.Generic;
using MigrationTools.Core.Interop;
using MigrationTools.Engine.Namespaces;
using MigrationTools.Engine.Netlink;

namespace MigrationTools.Engine.Conntrack;

/// <summary>A namespace's connection tracking table, read and pruned over ctnetlink (no conntrack process).</summary>
internal static class ConntrackTable
{
    /// <summary>Lists the entries of a namespace that match <paramref name="filter"/>.</summary>
    public static IReadOnlyList<ConntrackEntry> List(string @namespace, ConntrackFilter? filter = null)
    {
        NetNsLookup.EnsureExists(@namespace);
        using var socket = NetlinkSocket.OpenNetfilter(@namespace);
        return List(socket, @namespace, filter ?? new ConntrackFilter());
    }

    /// <summary>Deletes the given entries; returns those the kernel removed (gone ones are not errors).</summary>
    public static IReadOnlyList<ConntrackEntry> Remove(string @namespace, IEnumerable<ConntrackEntry> entries)
    {
        NetNsLookup.EnsureExists(@namespace);
        using var socket = NetlinkSocket.OpenNetfilter(@namespace);
        return Remove(socket, entries);
    }

    /// <summary>Deletes every entry that matches; returns those removed.</summary>
    public static IReadOnlyList<ConntrackEntry> Purge(string @namespace, ConntrackFilter filter)
    {
        NetNsLookup.EnsureExists(@namespace);
        using var socket = NetlinkSocket.OpenNetfilter(@namespace);
        return Purge(socket, @namespace, filter);
    }

    internal static IReadOnlyList<ConntrackEntry> Purge(NetlinkSocket socket, string @namespace, ConntrackFilter filter) =>
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

    internal static IReadOnlyList<ConntrackEntry> Remove(NetlinkSocket socket, IEnumerable<ConntrackEntry> entries)
    {
        var removed = new List<ConntrackEntry>();
        Span<byte> request = stackalloc byte[512];
        foreach (var entry in entries)
        {
            var writer = new NetlinkWriter(request);
            var sequence = socket.NextSequence();
            ConntrackCodec.WriteDeleteRequest(ref writer, sequence, entry);
            var ack = socket.Execute(writer.Written, sequence, "delete a conntrack entry");
            if (ack.Succeeded)
            {
                removed.Add(entry);
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
