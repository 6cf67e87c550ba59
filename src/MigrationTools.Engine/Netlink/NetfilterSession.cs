using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Runtime.InteropServices;
using System.Threading;
using MigrationTools.Engine.Conntrack;
using MigrationTools.Engine.Namespaces;

namespace MigrationTools.Engine.Netlink;

/// <summary>
/// Netfilter netlink sockets of one namespace, kept open in this process so that a switch costs a few
/// syscalls instead of a thread, a setns and a full conntrack dump:
/// a command socket (nf_tables batches, conntrack deletes) and an event socket subscribed to conntrack NEW and
/// DESTROY events, from which an index of the flows to watched (virtual) addresses is kept. The index is
/// seeded and, after an event overflow, rebuilt from a full dump.
/// Sessions hold a reference on their namespace, so they close when the namespace is removed by this process,
/// when its bind mount no longer is the namespace they were opened in, and after 30 s without use.
/// </summary>
internal sealed class NetfilterSession : IDisposable
{
    private const int GroupConntrackNew = 1;
    private const int GroupConntrackDestroy = 3;
    private static readonly TimeSpan IdleLifetime = TimeSpan.FromSeconds(30);
    private static readonly ConcurrentDictionary<string, NetfilterSession> Sessions = new(StringComparer.Ordinal);
    private static readonly Timer IdleTimer = new(_ => CloseIdle(), null, IdleLifetime, IdleLifetime);

    private readonly string _namespace;
    private readonly ulong _inode;
    private readonly NetlinkSocket _events;
    private readonly HashSet<IPAddress> _watched = new();
    private readonly Dictionary<string, ConntrackEntry> _flows = new(StringComparer.Ordinal);
    private bool _needsResync = true;
    private long _lastUsedTicks;

    private NetfilterSession(string @namespace, ulong inode, NetlinkSocket command, NetlinkSocket events)
    {
        _namespace = @namespace;
        _inode = inode;
        Command = command;
        _events = events;
        Touch();
    }

    /// <summary>The socket for requests (map changes, conntrack deletes).</summary>
    internal NetlinkSocket Command { get; }

    /// <summary>Serialises the use of a session by the threads of this process.</summary>
    internal object Gate { get; } = new();

    /// <summary>The open session of <paramref name="namespace"/>, opened now if needed.</summary>
    internal static NetfilterSession For(string @namespace)
    {
        var inode = InodeOf(NetNsPaths.MountPath(@namespace));
        if (Sessions.TryGetValue(@namespace, out var existing))
        {
            if (existing._inode == inode)
            {
                existing.Touch();
                return existing;
            }

            Close(@namespace);
        }

        var opened = NamespaceThread.Run(@namespace, () =>
        {
            var command = NetlinkSocket.OpenNetfilter(null);
            try
            {
                var events = NetlinkSocket.OpenNetfilter(null);
                events.SetReceiveBuffer(8 << 20);
                events.JoinGroup(GroupConntrackNew);
                events.JoinGroup(GroupConntrackDestroy);
                return (command, events);
            }
            catch
            {
                command.Dispose();
                throw;
            }
        });
        var session = new NetfilterSession(@namespace, inode, opened.command, opened.events);
        return Sessions.GetOrAdd(@namespace, session) is var winner && ReferenceEquals(winner, session) ? session : Discard(session, winner);
    }

    /// <summary>Closes the session of <paramref name="namespace"/>, if any (before the namespace is removed).</summary>
    internal static void Close(string @namespace)
    {
        if (Sessions.TryRemove(@namespace, out var session))
        {
            lock (session.Gate)
            {
                session.Dispose();
            }
        }
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

            if (type == Ct.MsgDelete)
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

    private void Touch() => Interlocked.Exchange(ref _lastUsedTicks, Environment.TickCount64);

    private static NetfilterSession Discard(NetfilterSession loser, NetfilterSession winner)
    {
        loser.Dispose();
        winner.Touch();
        return winner;
    }

    private static void CloseIdle()
    {
        var now = Environment.TickCount64;
        foreach (var (name, session) in Sessions)
        {
            if (now - Interlocked.Read(ref session._lastUsedTicks) > IdleLifetime.TotalMilliseconds && Monitor.TryEnter(session.Gate))
            {
                try
                {
                    if (Sessions.TryRemove(new KeyValuePair<string, NetfilterSession>(name, session)))
                    {
                        session.Dispose();
                    }
                }
                finally
                {
                    Monitor.Exit(session.Gate);
                }
            }
        }
    }

    [DllImport("libc", SetLastError = true, EntryPoint = "stat")]
    private static extern unsafe int NativeStat(string path, byte* buffer);

    /// <summary>The inode of a namespace bind mount: it tells a namespace from a later one of the same name.</summary>
    private static unsafe ulong InodeOf(string path)
    {
        // struct stat on x86_64 and aarch64 begins with st_dev (8 bytes) then st_ino (8 bytes).
        var buffer = stackalloc byte[256];
        if (NativeStat(path, buffer) != 0)
        {
            throw new FileNotFoundException("The namespace bind mount is gone.", path);
        }

        return *(ulong*)(buffer + 8);
    }

    public void Dispose()
    {
        Command.Dispose();
        _events.Dispose();
    }
}
