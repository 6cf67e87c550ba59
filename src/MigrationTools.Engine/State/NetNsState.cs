using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using MigrationTools.Core.Files;
using MigrationTools.Core.Processes;
using MigrationTools.Core.Reporting;
using MigrationTools.Engine.Namespaces;

namespace MigrationTools.Engine.State;

/// <summary>
/// The one store of per-namespace state: <c>/run/migrationtools/netns/NAME/</c> holds an <c>identity</c> file (the
/// namespace's device and inode) and a folder per concern (<c>flows</c>, <c>tunnels</c>, <c>processes</c>). State
/// belongs to the namespace it was written for, not to its name: state of a namespace that is gone, or that was
/// deleted and created again under the same name, is stale. Stale state is discarded where it is met (the programs
/// it records are stopped, the folder removed, a verbose note written), never reported as the user's error.
/// Files are written atomically (<see cref="StateFiles"/>); changes that must not interleave take a
/// <see cref="StateLock"/>.
/// </summary>
internal static class NetNsState
{
    private const string IdentityFile = "identity";

    /// <summary>Where per-namespace state lives.</summary>
    public static string Root => Path.Combine(NetNsPaths.StateDirectory, "netns");

    /// <summary>The state folder of namespace <paramref name="name"/> (a validated name).</summary>
    internal static string DirectoryOf(string name) => Path.Combine(Root, name);

    /// <summary>
    /// The folder of one concern for a namespace that exists, made if needed, after discarding stale state: for
    /// writing. The identity file is written first, so every file of the folder belongs to this namespace.
    /// </summary>
    internal static string Prepare(string name, string area)
    {
        var identity = NetNsIdentity.Of(NetNsPaths.MountPath(name)) ?? throw NetNsLookup.NotFound(name);
        var directory = DirectoryOf(name);
        var recorded = ReadIdentity(directory);
        if (recorded != identity)
        {
            if (Directory.Exists(directory))
            {
                Discard(name, recorded, "it belongs to an earlier namespace of that name");
            }

            StateFiles.WriteText(Path.Combine(directory, IdentityFile), identity.ToString());
        }

        var folder = Path.Combine(directory, area);
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>
    /// The folder of one concern for reading: null when there is no state for the namespace as it is now. Stale
    /// state met here is discarded.
    /// </summary>
    internal static string? Current(string name, string area)
    {
        var directory = DirectoryOf(name);
        if (!Directory.Exists(directory))
        {
            return null;
        }

        var identity = NetNsIdentity.Of(NetNsPaths.MountPath(name));
        var recorded = ReadIdentity(directory);
        if (identity is null || recorded != identity)
        {
            Discard(name, recorded, identity is null ? "the namespace no longer exists" : "it belongs to an earlier namespace of that name");
            return null;
        }

        var folder = Path.Combine(directory, area);
        return Directory.Exists(folder) ? folder : null;
    }

    /// <summary>Takes the lock of one concern of a namespace (e.g. its flow mappings).</summary>
    internal static StateLock Lock(string name, string area, CancellationToken cancellationToken) => Lock(name, area, cancellationToken, out _);

    /// <summary>
    /// Takes the lock of one concern of a namespace and gives its folder, whose identity the lock has just checked:
    /// what is read there under the lock needs no second check.
    /// </summary>
    internal static StateLock Lock(string name, string area, CancellationToken cancellationToken, out string folder)
    {
        folder = Prepare(name, area);
        return StateLock.Acquire(Path.Combine(folder, ".lock"), StateLock.Timeout, cancellationToken);
    }

    /// <summary>
    /// <see cref="Lock(string, string, CancellationToken, out string)"/> for a path taken on every call (a flow
    /// switch): the lock file stays open between calls, and while the namespace is the one it was opened for (one
    /// statx) and the file is still the one at its path, taking it is one flock: no identity file read, no mkdir.
    /// </summary>
    internal static StateLock LockKept(string name, string area, CancellationToken cancellationToken, out string folder, out NetNsIdentity identity)
    {
        identity = NetNsIdentity.Of(NetNsPaths.MountPath(name)) ?? throw NetNsLookup.NotFound(name);
        if (KeptLocks.TryGetValue((name, area), out var kept) && kept.Identity == identity &&
            kept.Keeper.TryAcquire(StateLock.Timeout, cancellationToken) is { } held)
        {
            folder = kept.Folder;
            return held;
        }

        // First use, another namespace of that name, or a folder made again: checked and opened anew.
        folder = Prepare(name, area);
        var fresh = new KeptLock(identity, folder, new StateLock.Keeper(Path.Combine(folder, ".lock")));
        KeptLocks[(name, area)] = fresh;
        return fresh.Keeper.TryAcquire(StateLock.Timeout, cancellationToken)
            ?? StateLock.Acquire(fresh.Keeper.Path, StateLock.Timeout, cancellationToken);
    }

    private sealed record KeptLock(NetNsIdentity Identity, string Folder, StateLock.Keeper Keeper);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Name, string Area), KeptLock> KeptLocks = new();

    /// <summary>Drops every piece of state of a namespace (whose processes are already stopped).</summary>
    internal static void Forget(string name)
    {
        foreach (var key in KeptLocks.Keys)
        {
            if (key.Name == name)
            {
                KeptLocks.TryRemove(key, out _);
            }
        }

        FileCleanup.TryDeleteDirectory(DirectoryOf(name));
    }

    /// <summary>The namespaces that have state, whether current or stale.</summary>
    internal static IReadOnlyList<string> Names()
    {
        try
        {
            return Directory.Exists(Root)
                ? Directory.GetDirectories(Root).Select(Path.GetFileName).OfType<string>().OrderBy(n => n, StringComparer.Ordinal).ToArray()
                : Array.Empty<string>();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Array.Empty<string>();
        }
    }

    /// <summary>Discards the state of every namespace that no longer exists or was replaced; returns their names.</summary>
    public static IReadOnlyList<string> Sweep()
    {
        var discarded = new List<string>();
        foreach (var name in Names())
        {
            var directory = DirectoryOf(name);
            var identity = NetNsIdentity.Of(NetNsPaths.MountPath(name));
            var recorded = ReadIdentity(directory);
            if (identity is null || recorded != identity)
            {
                Discard(name, recorded, identity is null ? "the namespace no longer exists" : "it belongs to an earlier namespace of that name");
                discarded.Add(name);
            }
        }

        return discarded;
    }

    /// <summary>Discards the state recorded for <paramref name="name"/> when it belongs to a namespace other than <paramref name="identity"/>.</summary>
    internal static void DiscardStale(string name, NetNsIdentity identity)
    {
        var directory = DirectoryOf(name);
        if (Directory.Exists(directory) && ReadIdentity(directory) is var recorded && recorded != identity)
        {
            Discard(name, recorded, "it belongs to an earlier namespace of that name");
        }
    }

    private static NetNsIdentity? ReadIdentity(string directory)
    {
        try
        {
            return NetNsIdentity.Parse(File.ReadAllText(Path.Combine(directory, IdentityFile)));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Removes stale state: the programs it records (background programs, tunnel relays) that still run in the
    /// namespace the state was written for are stopped first, so none outlives the state that owned it.
    /// </summary>
    private static void Discard(string name, NetNsIdentity? recorded, string why)
    {
        var directory = DirectoryOf(name);
        var stopped = 0;
        if (recorded is not null)
        {
            foreach (var (pid, ticks) in RecordedProcesses(directory))
            {
                if (ProcessSignals.StartTicks(pid) == ticks && NetNsIdentity.Of($"/proc/{pid}/ns/net") == recorded)
                {
                    ProcessSignals.Terminate(pid, TimeSpan.FromSeconds(1));
                    stopped++;
                }
            }
        }

        FileCleanup.TryDeleteDirectory(directory);
        EngineOutput.Verbose($"Discarded the module's state for '{name}' because {why}" + (stopped > 0 ? $"; stopped {stopped} program(s) it had started." : "."));
    }

    /// <summary>The (pid, start ticks) pairs recorded in the state files of a namespace.</summary>
    private static IEnumerable<(int Pid, long StartTicks)> RecordedProcesses(string directory)
    {
        IEnumerable<string> files;
        try
        {
            files = Directory.Exists(directory) ? Directory.GetFiles(directory, "*.json", SearchOption.AllDirectories) : Array.Empty<string>();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            yield break;
        }

        foreach (var file in files)
        {
            (int, long)? found = null;
            try
            {
                using var document = JsonDocument.Parse(File.ReadAllText(file));
                if (document.RootElement.ValueKind == JsonValueKind.Object &&
                    document.RootElement.TryGetProperty(nameof(RecordedProcess.ProcessId), out var pid) && pid.TryGetInt32(out var p) && p > 0 &&
                    document.RootElement.TryGetProperty(nameof(RecordedProcess.StartTicks), out var ticks) && ticks.TryGetInt64(out var t))
                {
                    found = (p, t);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
            {
            }

            if (found is { } value)
            {
                yield return value;
            }
        }
    }
}
