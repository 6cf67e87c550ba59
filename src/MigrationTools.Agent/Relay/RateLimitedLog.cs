using System;
using System.Collections.Generic;
using System.IO;

namespace MigrationTools.Agent.Relay;

/// <summary>A log that writes each kind of message at most once per interval and says how many it held back.</summary>
internal sealed class RateLimitedLog
{
    private readonly TextWriter _writer;
    private readonly TimeSpan _interval;
    private readonly Dictionary<string, (DateTime Last, int Suppressed)> _kinds = new(StringComparer.Ordinal);

    internal RateLimitedLog(TextWriter writer, TimeSpan interval)
    {
        _writer = writer;
        _interval = interval;
    }

    /// <summary>Writes <paramref name="message"/> now.</summary>
    internal void Write(string message)
    {
        lock (_kinds)
        {
            WriteLine(message);
        }
    }

    /// <summary>Writes <paramref name="message"/> unless a message of <paramref name="kind"/> was written within the interval.</summary>
    internal void Write(string kind, string message)
    {
        lock (_kinds)
        {
            var now = DateTime.UtcNow;
            if (_kinds.TryGetValue(kind, out var seen) && now - seen.Last < _interval)
            {
                _kinds[kind] = (seen.Last, seen.Suppressed + 1);
                return;
            }

            WriteLine(seen.Suppressed > 0 ? $"{message} ({seen.Suppressed} more like it since the last)" : message);
            _kinds[kind] = (now, 0);
        }
    }

    private void WriteLine(string message)
    {
        try
        {
            _writer.WriteLine($"{DateTime.UtcNow:O} {message}");
            _writer.Flush();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The log is gone (its directory removed): the relay's work does not depend on it.
        }
    }
}
