using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using MigrationTools.Core.Reporting;
using MigrationTools.Engine.Namespaces;

namespace MigrationTools.Engine.Netlink;

/// <summary>
/// Per-namespace objects that hold kernel resources of the namespace (netlink sockets), kept open in this process so
/// that repeated requests cost a few system calls. An object belongs to one namespace identity: it is re-checked
/// before each use and closed when the namespace's bind mount is gone or is another namespace (checked every second,
/// so that this process never keeps a removed namespace and its veth peers alive), and after 30 s unused.
/// </summary>
internal sealed class NamespaceSessionCache<T> where T : class, IDisposable
{
    private static readonly TimeSpan DefaultIdleLifetime = TimeSpan.FromSeconds(30);
    private static readonly List<Action> Sweepers = new();
    private static readonly Timer SweepTimer = Detached.Timer(SweepAll, TimeSpan.FromSeconds(1));

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Func<string, T> _open;
    private readonly TimeSpan _idleLifetime;

    /// <summary>A cache whose objects <paramref name="open"/> makes, closed after <paramref name="idleLifetime"/> unused (30 s by default).</summary>
    internal NamespaceSessionCache(Func<string, T> open, TimeSpan? idleLifetime = null)
    {
        _open = open;
        _idleLifetime = idleLifetime ?? DefaultIdleLifetime;
        lock (Sweepers)
        {
            Sweepers.Add(Sweep);
        }

        GC.KeepAlive(SweepTimer);
    }

    /// <summary>How many objects are open (for tests).</summary>
    internal int Count => _entries.Count;

    /// <summary>
    /// Runs <paramref name="action"/> with the object of <paramref name="namespace"/>, opened now if there is none or
    /// if the namespace of that name is not the one it was opened in. Calls are serialised per namespace.
    /// </summary>
    internal TResult Use<TResult>(string @namespace, Func<T, TResult> action) => Use(@namespace, null, action);

    /// <summary>
    /// <see cref="Use{TResult}(string, Func{T, TResult})"/> for a caller that has just read the namespace's identity
    /// (<paramref name="identity"/>): not read again.
    /// </summary>
    internal TResult Use<TResult>(string @namespace, NetNsIdentity? identity, Func<T, TResult> action)
    {
        while (true)
        {
            var entry = Get(@namespace, identity);
            identity = null;
            lock (entry.Gate)
            {
                if (entry.Closed)
                {
                    continue;
                }

                entry.Touch();
                return action(entry.Value);
            }
        }
    }

    /// <summary>Keeps <paramref name="value"/>, already opened in the namespace of <paramref name="identity"/>, as its object.</summary>
    internal void Adopt(string @namespace, NetNsIdentity identity, T value)
    {
        var entry = new Entry(identity, value);
        _entries.AddOrUpdate(@namespace, entry, (_, old) =>
        {
            old.Close();
            return entry;
        });
    }

    /// <summary>Closes the object of <paramref name="namespace"/>, if any (before the namespace is removed).</summary>
    internal void Close(string @namespace)
    {
        if (_entries.TryRemove(@namespace, out var entry))
        {
            entry.Close();
        }
    }

    private Entry Get(string @namespace, NetNsIdentity? known)
    {
        var identity = known ?? NetNsIdentity.Of(NetNsPaths.MountPath(@namespace)) ?? throw NetNsLookup.NotFound(@namespace);
        if (_entries.TryGetValue(@namespace, out var existing))
        {
            if (existing.Identity == identity)
            {
                return existing;
            }

            if (_entries.TryRemove(new KeyValuePair<string, Entry>(@namespace, existing)))
            {
                existing.Close();
            }
        }

        var opened = new Entry(identity, _open(@namespace));
        var winner = _entries.GetOrAdd(@namespace, opened);
        if (!ReferenceEquals(winner, opened))
        {
            opened.Close();
        }

        return winner;
    }

    private void Sweep()
    {
        var now = Environment.TickCount64;
        foreach (var (name, entry) in _entries)
        {
            var gone = NetNsIdentity.Of(NetNsPaths.MountPath(name)) != entry.Identity;
            if ((gone || now - entry.LastUsed > _idleLifetime.TotalMilliseconds) && Monitor.TryEnter(entry.Gate))
            {
                try
                {
                    if (_entries.TryRemove(new KeyValuePair<string, Entry>(name, entry)))
                    {
                        entry.Close();
                    }
                }
                finally
                {
                    Monitor.Exit(entry.Gate);
                }
            }
        }
    }

    private static void SweepAll()
    {
        Action[] sweepers;
        lock (Sweepers)
        {
            sweepers = Sweepers.ToArray();
        }

        foreach (var sweep in sweepers)
        {
            try
            {
                sweep();
            }
            catch (Exception)
            {
                // A timer callback must not end the process; the next sweep tries again.
            }
        }
    }

    private sealed class Entry(NetNsIdentity identity, T value)
    {
        private long _lastUsed = Environment.TickCount64;

        public NetNsIdentity Identity { get; } = identity;
        public T Value { get; } = value;
        public object Gate { get; } = new();
        public bool Closed { get; private set; }
        public long LastUsed => Interlocked.Read(ref _lastUsed);

        public void Touch() => Interlocked.Exchange(ref _lastUsed, Environment.TickCount64);

        public void Close()
        {
            lock (Gate)
            {
                if (!Closed)
                {
                    Closed = true;
                    Value.Dispose();
                }
            }
        }
    }
}
