using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MigrationTools.Engine.Errors;

namespace MigrationTools.Engine.Quic;

/// <summary>The TLS 1.3 secrets of one connection, from an SSLKEYLOGFILE.</summary>
public sealed class KeyLogEntry
{
    /// <summary>The ClientHello random, in hex.</summary>
    public required string ClientRandom { get; init; }
    /// <summary>CLIENT_HANDSHAKE_TRAFFIC_SECRET.</summary>
    public byte[]? ClientHandshake { get; set; }
    /// <summary>SERVER_HANDSHAKE_TRAFFIC_SECRET.</summary>
    public byte[]? ServerHandshake { get; set; }
    /// <summary>CLIENT_TRAFFIC_SECRET_0.</summary>
    public byte[]? ClientTraffic { get; set; }
    /// <summary>SERVER_TRAFFIC_SECRET_0.</summary>
    public byte[]? ServerTraffic { get; set; }
}

/// <summary>An SSLKEYLOGFILE (NSS key log format), keyed by client random.</summary>
public sealed class KeyLog
{
    private readonly Dictionary<string, KeyLogEntry> _entries = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _paths = new();
    private long _lastSize = -1;
    private DateTime _lastRefresh;

    /// <summary>The entries.</summary>
    public IReadOnlyCollection<KeyLogEntry> Entries => _entries.Values;

    /// <summary>Lines that were not understood (comments excluded).</summary>
    public int IgnoredLines { get; private set; }

    /// <summary>Reads one or more key log files; throws <c>KeyLogUnreadable</c> for a missing file.</summary>
    public static KeyLog Load(IEnumerable<string> paths)
    {
        var log = new KeyLog();
        foreach (var path in paths)
        {
            if (!File.Exists(path))
            {
                throw new MigrationToolsException("KeyLogUnreadable", FailureKind.ObjectNotFound, $"The key log file '{path}' does not exist.", path);
            }

            log._paths.Add(path);
        }

        log.Refresh(force: true);
        return log;
    }

    /// <summary>Adds the lines of a key log.</summary>
    public void AddText(string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 3 || parts[1].Length != 64 || !TryHex(parts[2], out var secret) || !TryHex(parts[1], out _))
            {
                IgnoredLines++;
                continue;
            }

            if (!_entries.TryGetValue(parts[1], out var entry))
            {
                entry = new KeyLogEntry { ClientRandom = parts[1].ToLowerInvariant() };
                _entries[parts[1]] = entry;
            }

            switch (parts[0])
            {
                case "CLIENT_HANDSHAKE_TRAFFIC_SECRET": entry.ClientHandshake = secret; break;
                case "SERVER_HANDSHAKE_TRAFFIC_SECRET": entry.ServerHandshake = secret; break;
                case "CLIENT_TRAFFIC_SECRET_0": entry.ClientTraffic = secret; break;
                case "SERVER_TRAFFIC_SECRET_0": entry.ServerTraffic = secret; break;
                default: break;
            }
        }
    }

    /// <summary>
    /// The entry of a ClientHello random. A live watch starts before the peers write their secrets, so a miss
    /// re-reads the files when they have grown (at most every 100 ms).
    /// </summary>
    public KeyLogEntry? Find(ReadOnlySpan<byte> clientRandom)
    {
        var key = Convert.ToHexString(clientRandom);
        if (_entries.TryGetValue(key, out var entry) && entry.ClientTraffic is not null && entry.ServerTraffic is not null)
        {
            return entry;
        }

        Refresh(force: false);
        return _entries.TryGetValue(key, out entry) ? entry : null;
    }

    private void Refresh(bool force)
    {
        if (_paths.Count == 0 || (!force && DateTime.UtcNow - _lastRefresh < TimeSpan.FromMilliseconds(100)))
        {
            return;
        }

        _lastRefresh = DateTime.UtcNow;
        var size = _paths.Sum(p => File.Exists(p) ? new FileInfo(p).Length : 0);
        if (!force && size == _lastSize)
        {
            return;
        }

        _lastSize = size;
        foreach (var path in _paths.Where(File.Exists))
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            AddText(reader.ReadToEnd());
        }
    }

    private static bool TryHex(string text, out byte[] bytes)
    {
        try
        {
            bytes = Convert.FromHexString(text);
            return bytes.Length > 0;
        }
        catch (FormatException)
        {
            bytes = Array.Empty<byte>();
            return false;
        }
    }
}
