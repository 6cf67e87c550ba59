using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using MigrationTools.Core.Errors;
using MigrationTools.Core.Files;

namespace MigrationTools.Analysis.Quic;

/// <summary>
/// TLS 1.3 secrets in the NSS key log format (SSLKEYLOGFILE), keyed by client random: from files (re-read while a
/// live watch runs), and from the Decryption Secrets Blocks of pcapng captures. A line that is not a well-formed
/// secret of a known label (a secret must be 32 or 48 bytes, the SHA-256 or SHA-384 length the cipher suites use)
/// is not used, and counted with its place so the user is told.
/// </summary>
internal sealed class KeyLog
{
    private const int MaxExamples = 3;
    private static readonly HashSet<string> UnusedLabels = new(StringComparer.Ordinal)
    {
        "CLIENT_RANDOM", "CLIENT_EARLY_TRAFFIC_SECRET", "EARLY_EXPORTER_SECRET", "EXPORTER_SECRET",
    };

    private readonly Dictionary<string, KeyLogEntry> _entries = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _paths = new();
    private readonly List<string> _ignoredExamples = new();
    private readonly Dictionary<string, int> _linesRead = new(StringComparer.Ordinal);
    private long _lastSize = -1;
    private DateTime _lastRefresh;

    /// <summary>The entries.</summary>
    public IReadOnlyCollection<KeyLogEntry> Entries => _entries.Values;

    /// <summary>Lines that were not understood (comments and blank lines excluded).</summary>
    public int IgnoredLines { get; private set; }

    /// <summary>Where the first ignored lines are and why (source, line number, reason).</summary>
    public IReadOnlyList<string> IgnoredExamples => _ignoredExamples;

    /// <summary>Decryption Secrets Blocks whose key log was added.</summary>
    public int SecretsBlocks { get; private set; }

    /// <summary>True when there are secrets, or files that may yet hold some.</summary>
    public bool MayHaveKeys => _entries.Count > 0 || _paths.Count > 0;

    /// <summary>Every secret known now, as NSS key log lines (to embed in a pcapng capture).</summary>
    public string ToText()
    {
        Refresh(force: false);
        var text = new StringBuilder();
        foreach (var entry in _entries.Values)
        {
            Line("CLIENT_HANDSHAKE_TRAFFIC_SECRET", entry.ClientHandshake);
            Line("SERVER_HANDSHAKE_TRAFFIC_SECRET", entry.ServerHandshake);
            Line("CLIENT_TRAFFIC_SECRET_0", entry.ClientTraffic);
            Line("SERVER_TRAFFIC_SECRET_0", entry.ServerTraffic);

            void Line(string label, byte[]? secret)
            {
                if (secret is not null)
                {
                    text.Append(label).Append(' ').Append(entry.ClientRandom).Append(' ').Append(Convert.ToHexString(secret).ToLowerInvariant()).Append('\n');
                }
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// Reads one or more key log files; throws <c>KeyLogUnreadable</c> for a directory or an unreadable file, and for a
    /// missing one unless <paramref name="allowMissing"/> (a live watch started before the program that writes it):
    /// then it is read once it appears.
    /// </summary>
    public static KeyLog Load(IEnumerable<string> paths, bool allowMissing = false)
    {
        var log = new KeyLog();
        foreach (var path in paths)
        {
            if (FileKinds.NotRegular(path) is { } kind)
            {
                // /dev/zero never ends and a FIFO with no writer blocks: a key log is a regular file.
                throw ErrorCatalog.KeyLogUnreadable($"The key log '{path}' is {kind}, not a regular file.", path);
            }

            if (!File.Exists(path) && !allowMissing)
            {
                throw ErrorCatalog.Missing(ErrorIds.KeyLogUnreadable, $"The key log file '{path}' does not exist.", path);
            }

            log._paths.Add(path);
        }

        log.Refresh(force: true);
        return log;
    }

    /// <summary>Adds the lines of a key log; <paramref name="source"/> names it in the notes of ignored lines.</summary>
    public void AddText(string text, string source = "key log") => AddLines(text.Split('\n'), source);

    /// <summary>
    /// Adds lines (the last one is what follows the last newline, empty when the text ends with one); a null line was
    /// longer than <see cref="MaxLineLength"/> and is counted, not kept.
    /// </summary>
    private void AddLines(IReadOnlyList<string?> lines, string source)
    {
        _linesRead.TryGetValue(source, out var alreadyRead);
        // A file that grows is read again whole; only its new lines are counted again.
        for (var number = alreadyRead; number < lines.Count; number++)
        {
            if (lines[number] is not { } raw)
            {
                Ignore(source, number, $"longer than {MaxLineLength} characters");
                continue;
            }

            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (number == lines.Count - 1 && _paths.Contains(source))
            {
                // The last line of a file may lack its newline, or be still being written: taken when it reads as a whole
                // line, and read again next time (a longer version replaces it); its problems count once it is complete.
                Add(line);
                break;
            }

            if (Add(line) is { } problem)
            {
                Ignore(source, number, problem);
            }
        }

        if (_paths.Contains(source))
        {
            _linesRead[source] = lines.Count - 1;
        }
    }

    private void Ignore(string source, int number, string problem)
    {
        IgnoredLines++;
        if (_ignoredExamples.Count < MaxExamples)
        {
            _ignoredExamples.Add($"{source} line {number + 1}: {problem}");
        }
    }

    /// <summary>Adds the secrets of a pcapng Decryption Secrets Block (TLS key log type only); true when used.</summary>
    public bool AddSecretsBlock(uint secretsType, ReadOnlySpan<byte> data, string source)
    {
        if (secretsType != Capture.PcapngBlock.SecretsTlsKeyLog)
        {
            return false;
        }

        SecretsBlocks++;
        AddText(Encoding.UTF8.GetString(data), source + " (decryption secrets block)");
        return true;
    }

    private string? Add(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 3)
        {
            return "not three fields (label, client random, secret)";
        }

        if (UnusedLabels.Contains(parts[0]))
        {
            return null;
        }

        if (parts[1].Length != 64 || !TryHex(parts[1], out _))
        {
            return "the client random is not 32 bytes of hex";
        }

        if (!TryHex(parts[2], out var secret) || secret.Length is not (32 or 48))
        {
            return "the secret is not 32 or 48 bytes of hex";
        }

        if (!_entries.TryGetValue(parts[1], out var entry))
        {
            entry = new KeyLogEntry { ClientRandom = parts[1].ToLowerInvariant() };
            _entries[parts[1]] = entry;
        }

        switch (parts[0])
        {
            case "CLIENT_HANDSHAKE_TRAFFIC_SECRET": entry.ClientHandshake = secret; return null;
            case "SERVER_HANDSHAKE_TRAFFIC_SECRET": entry.ServerHandshake = secret; return null;
            case "CLIENT_TRAFFIC_SECRET_0": entry.ClientTraffic = secret; return null;
            case "SERVER_TRAFFIC_SECRET_0": entry.ServerTraffic = secret; return null;
            default: return $"unknown label '{parts[0]}'";
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
        foreach (var path in _paths.Where(p => FileKinds.Of(p, followLinks: true) == FileKind.Regular))
        {
            List<string?> lines;
            try
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                lines = ReadBoundedLines(stream);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                if (force)
                {
                    throw ErrorCatalog.KeyLogUnreadable($"The key log '{path}' cannot be read: {ex.Message}", path, ex);
                }

                continue;
            }

            AddLines(lines, path);
        }
    }

    /// <summary>The longest key log line kept; a real one is under 250 characters.</summary>
    internal const int MaxLineLength = 4096;

    /// <summary>
    /// The lines of a key log, each at most <see cref="MaxLineLength"/> characters (a longer one is null, and what it
    /// held is not kept: a 1 GB line costs no memory); the last element is what follows the last newline.
    /// </summary>
    private static List<string?> ReadBoundedLines(Stream stream)
    {
        var lines = new List<string?>();
        var line = new StringBuilder();
        var tooLong = false;
        using var reader = new StreamReader(stream);
        var buffer = new char[8192];
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            foreach (var c in buffer.AsSpan(0, read))
            {
                if (c == '\n')
                {
                    lines.Add(tooLong ? null : line.ToString());
                    line.Clear();
                    tooLong = false;
                }
                else if (!tooLong && line.Length < MaxLineLength)
                {
                    line.Append(c);
                }
                else
                {
                    tooLong = true;
                    line.Clear();
                }
            }
        }

        lines.Add(tooLong ? null : line.ToString());
        return lines;
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
