using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using MigrationTools.Core.Interop;
using MigrationTools.Engine.Conntrack;
using MigrationTools.Engine.Namespaces;

namespace MigrationTools.Engine.Netlink;

/// <summary>
/// Netfilter netlink sockets of one namespace, kept open in this process so that a switch costs a few
/// syscalls instead of a thread, a setns and a full conntrack dump:
/// a command socket (nf_tables batches, conntrack deletes) and an event socket subscribed to conntrack NEW and
/// DESTROY events, from which an index of the flows to watched (virtual) addresses is kept. The index is
/// seeded and, after an event overflow, rebuilt from a full dump. Sessions live in a
/// <see cref="NamespaceSessionCache{T}"/>: re-checked against the namespace's identity before each use, closed
/// within a second when the namespace is removed (by any process) and after 30 s without use.
/// </summary>
internal sealed class NetfilterSession : IDisposable
{
    private const int EventBufferBytes = 8 << 20;
    private static readonly NamespaceSessionCache<NetfilterSession> Sessions = new(name => Open(name, EventBufferBytes));

    private readonly string _namespace;
    private readonly NetlinkSocket _events;
    private readonly HashSet<IPAddress> _watched = new();
    private readonly Dictionary<string, ConntrackEntry> _flows = new(StringComparer.Ordinal);
    private bool _needsResync = true;

    private NetfilterSession(string @namespace, NetlinkSocket command, NetlinkSocket events)
    {
        _namespace = @namespace;
        Command = command;
        _events = events;
    }

    /// <summary>The socket for requests (map changes, conntrack deletes).</summary>
    internal NetlinkSocket Command { get; }

    /// <summary>How many times the event queue overflowed and the index was rebuilt from a dump.</summary>
    internal int Overflows { get; private set; }

    /// <summary>How many namespaces have a session open (for tests).</summary>
    internal static int OpenSessions => Sessions.Count;

    /// <summary>Runs <paramref name="action"/> with the session of <paramref name="namespace"/>, serialised with other users in this process.</summary>
    internal static T Use<T>(string @namespace, Func<NetfilterSession, T> action) => Sessions.Use(@namespace, action);

    /// <summary><see cref="Use{T}(string, Func{NetfilterSession, T})"/> with the namespace's identity just read by the caller.</summary>
    internal static T Use<T>(string @namespace, NetNsIdentity identity, Func<NetfilterSession, T> action) => Sessions.Use(@namespace, identity, action);

    /// <summary>Closes the session of <paramref name="namespace"/>, if any (before the namespace is removed).</summary>
    internal static void Close(string @namespace) => Sessions.Close(@namespace);

    /// <summary>Opens a session of its own (not cached) in <paramref name="namespace"/>, with an event queue of <paramref name="eventBufferBytes"/>.</summary>
    internal static NetfilterSession Open(string @namespace, int eventBufferBytes)
    {
        var (command, events) = NamespaceThread.Run(@namespace, () =>
        {
            var command = NetlinkSocket.Open(Sock.NETLINK_NETFILTER);
            try
            {
                var events = NetlinkSocket.Open(Sock.NETLINK_NETFILTER);
                events.SetReceiveBuffer(eventBufferBytes);
                events.JoinGroup(Nfnl.NFNLGRP_CONNTRACK_NEW);
                events.JoinGroup(Nfnl.NFNLGRP_CONNTRACK_DESTROY);
                return (command, events);
            }
            catch
            {
                command.Dispose();
                throw;
            }
        });
        return new NetfilterSession(@namespace, command, events);
    }

    /// <summary>
    /// The tracked conntrack entries whose original destination is <paramref name="destination"/>, up to date
    /// with every event queued so far. The first call for an address seeds the index from a full dump.
    /// </summary>
    internal List<ConntrackEntry> FlowsTo(IPAddress destination)
    {
        if (_watched.Add(destination))
        {
            _needsResync = true;
        }

        Drain();
        if (_needsResync)
        {
            Resync();
        }

        return _flows.Values.Where(e => e.Original.Destination.Equals(destination)).ToList();
    }

    /// <summary>Forgets entries the caller has just deleted.</summary>
    internal void Forget(IEnumerable<ConntrackEntry> entries)
    {
        foreach (var entry in entries)
        {
            _flows.Remove(Key(entry));
        }
    }

    private void Drain()
    {
        var complete = _events.DrainQueued(message =>
        {
            var type = (ushort)(message.Type & 0xff);
            var entry = ConntrackCodec.Decode(_namespace, message, acceptDelete: true);
            if (entry is null || !_watched.Contains(entry.Original.Destination))
            {
                return;
            }

            if (type == Ctnl.IPCTNL_MSG_CT_DELETE)
            {
                _flows.Remove(Key(entry));
            }
            else
            {
                _flows[Key(entry)] = entry;
            }
        });
        if (!complete)
        {
            Overflows++;
            _needsResync = true;
        }
    }

    private void Resync()
    {
        // Events keep queueing during the dump; entries seen in both are the same key.
        _flows.Clear();
        foreach (var entry in ConntrackTable.List(Command, _namespace, new ConntrackFilter()))
        {
            if (_watched.Contains(entry.Original.Destination))
            {
                _flows[Key(entry)] = entry;
            }
        }

        _needsResync = false;
        Drain();
    }

    private static string Key(ConntrackEntry entry) => Convert.ToHexString(entry.OriginalEncoded) + "/" + entry.Zone;

    /// <inheritdoc />
    public void Dispose()
    {
        Command.Dispose();
        _events.Dispose();
    }
}
