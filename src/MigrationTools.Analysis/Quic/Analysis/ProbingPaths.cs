using System.Collections.Generic;

namespace MigrationTools.Analysis.Quic;

/// <summary>
/// The paths a client probes without having validated them, ordered by when the client last sent on each: the check
/// for paths it gave up walks only those silent for longer than the timeout, never every path of the connection.
/// </summary>
internal sealed class ProbingPaths
{
    private readonly SortedSet<(long LastClientMicros, int Order, PathState Path)> _bySilence = new(Comparer<(long LastClientMicros, int Order, PathState Path)>.Create(
        (a, b) => a.LastClientMicros != b.LastClientMicros ? a.LastClientMicros.CompareTo(b.LastClientMicros) : a.Order.CompareTo(b.Order)));

    public int Count => _bySilence.Count;

    public void Add(PathState path) => _bySilence.Add((path.LastClientMicros, path.Order, path));

    public void Remove(PathState path) => _bySilence.Remove((path.LastClientMicros, path.Order, path));

    /// <summary>Records that the client sent on <paramref name="path"/> at <paramref name="micros"/>.</summary>
    public void Touch(PathState path, long micros)
    {
        if (path.LastClientMicros == micros)
        {
            return;
        }

        var probing = _bySilence.Remove((path.LastClientMicros, path.Order, path));
        path.LastClientMicros = micros;
        if (probing)
        {
            _bySilence.Add((micros, path.Order, path));
        }
    }

    /// <summary>The probed paths the client has sent nothing on since before <paramref name="micros"/>, longest silent first.</summary>
    public IReadOnlyList<PathState> SilentSince(long micros)
    {
        if (_bySilence.Count == 0 || _bySilence.Min.LastClientMicros >= micros)
        {
            return System.Array.Empty<PathState>();
        }

        var silent = new List<PathState>();
        foreach (var (last, _, path) in _bySilence)
        {
            if (last >= micros)
            {
                break;
            }

            silent.Add(path);
        }

        return silent;
    }
}
