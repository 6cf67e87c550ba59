using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using MigrationTools.Core.Errors;
using MigrationTools.Core.Files;
using MigrationTools.Core.Reporting;
using MigrationTools.Engine.Namespaces;
using MigrationTools.Engine.State;
using MigrationTools.Engine.Validation;

namespace MigrationTools.Engine.Labs;

/// <summary>
/// Where labs are kept: /run/migrationtools/labs/NAME/lab.json, written atomically, changed under one lock, and beside
/// it a journal of the namespaces a build has made (one line each, appended the moment each is made, so a builder
/// killed at any point leaves the identity of everything it made). Records are checked when read: a record whose name
/// is not its folder's, or that lacks a field, is a corrupt record, named with its file, and hides no other lab.
/// </summary>
internal static class LabStore
{
    private const string JournalName = "namespaces.jsonl";

    private static readonly object JournalGate = new();

    internal static string Root => Path.Combine(NetNsPaths.StateDirectory, "labs");

    internal static string FileOf(string name) => Path.Combine(Root, name, "lab.json");

    private static string JournalOf(string name) => Path.Combine(Root, name, JournalName);

    /// <summary>Throws <c>InvalidLabName</c> unless <paramref name="name"/> can name a lab (it names a folder).</summary>
    internal static string EnsureName(string name)
    {
        if (NameValidator.NamespaceNameProblem(name) is { } problem)
        {
            throw ErrorCatalog.InvalidLabName($"'{name}' cannot name a lab: {problem}.", name);
        }

        return name;
    }

    internal static StateLock Lock(CancellationToken cancellationToken) =>
        StateLock.Acquire(Path.Combine(Root, ".lock"), TimeSpan.FromSeconds(30), cancellationToken);

    /// <summary>Writes the whole record; the namespaces journal it now holds is no longer needed.</summary>
    internal static void Write(LabState state)
    {
        StateFiles.Write(FileOf(EnsureName(state.Name)), state);
        if (state.Namespaces.All(n => n.Identity is not null))
        {
            FileCleanup.TryDelete(JournalOf(state.Name));
        }
    }

    /// <summary>Appends a namespace the build has just made, with its identity, to the lab's journal.</summary>
    internal static void RecordMade(string name, LabNamespace made) => RecordMade(name, new[] { made });

    /// <summary>Appends several namespaces to the lab's journal in one write (builders on several threads share it).</summary>
    internal static void RecordMade(string name, IReadOnlyCollection<LabNamespace> made)
    {
        var lines = new System.Text.StringBuilder();
        foreach (var ns in made)
        {
            lines.Append(JsonSerializer.Serialize(ns)).Append('\n');
        }

        lock (JournalGate)
        {
            try
            {
                File.AppendAllText(JournalOf(name), lines.ToString());
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                var first = made.First().Name;
                throw ErrorCatalog.StateWriteFailed($"Could not record namespace {first} of lab {name}: {ex.Message}", first, ex);
            }
        }
    }

    /// <summary>The lab of that name; null when there is none; <c>LabRecordCorrupt</c> when its record cannot be trusted.</summary>
    internal static LabState? Read(string name)
    {
        var file = FileOf(EnsureName(name));
        if (!File.Exists(file))
        {
            return null;
        }

        var state = StateFiles.Read<LabState>(file);
        var problem = state is null ? "it cannot be read" : Problem(state, name);
        if (problem is not null)
        {
            throw Corrupt(name, file, problem);
        }

        return WithJournal(state!);
    }

    /// <summary>Every lab whose record can be trusted; each corrupt record is a warning naming its file.</summary>
    internal static IReadOnlyList<LabState> All()
    {
        string[] folders;
        try
        {
            folders = Directory.Exists(Root) ? Directory.GetDirectories(Root).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray() : Array.Empty<string>();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw ErrorCatalog.LabStateUnreadable($"Could not read {Root}: {ex.Message}", Root, ex);
        }

        var labs = new List<LabState>();
        foreach (var folder in folders)
        {
            if (NameValidator.NamespaceNameProblem(folder) is not null || !File.Exists(FileOf(folder)))
            {
                continue;
            }

            try
            {
                if (Read(folder) is { } state)
                {
                    labs.Add(state);
                }
            }
            catch (MigrationToolsException ex) when (ex.ErrorId == ErrorIds.LabRecordCorrupt)
            {
                EngineOutput.Warning(ex.Message);
            }
        }

        return labs;
    }

    internal static void Delete(string name) => FileCleanup.TryDeleteDirectory(Path.Combine(Root, EnsureName(name)));

    /// <summary>What makes a record untrustworthy, or null: its fields must be there, and its names must be names, not paths.</summary>
    private static string? Problem(LabState state, string folder)
    {
        if (state.Name is null || state.Prefix is null || state.Source is null || state.Definition is null || state.Namespaces is null)
        {
            return "a field is missing (Name, Prefix, Source, Definition and Namespaces are needed)";
        }

        if (state.Name != folder)
        {
            return $"it names the lab '{state.Name}', not '{folder}'";
        }

        foreach (var ns in state.Namespaces)
        {
            if (ns?.Name is null || ns.Node is null)
            {
                return "a namespace entry is empty";
            }

            if (NameValidator.NamespaceNameProblem(ns.Name) is { } problem)
            {
                return $"the namespace '{ns.Name}' is not a namespace name: {problem}";
            }
        }

        return null;
    }

    /// <summary>Identities the journal holds that the record does not yet (a build still at work, or killed).</summary>
    private static LabState WithJournal(LabState state)
    {
        var journal = JournalOf(state.Name);
        if (!File.Exists(journal) || state.Namespaces.All(n => n.Identity is not null))
        {
            return state;
        }

        var made = new Dictionary<string, LabNamespace>(StringComparer.Ordinal);
        try
        {
            foreach (var line in File.ReadLines(journal))
            {
                try
                {
                    if (JsonSerializer.Deserialize<LabNamespace>(line) is { Name: not null } entry && (entry.Identity is not null || !made.ContainsKey(entry.Name)))
                    {
                        made[entry.Name] = entry;
                    }
                }
                catch (JsonException)
                {
                    // A line cut short by a kill: that namespace was not recorded.
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            EngineOutput.Warning($"The namespace journal {journal} could not be read: {ex.Message}");
        }

        return state with
        {
            Namespaces = state.Namespaces.Select(n => n.Identity is null && made.TryGetValue(n.Name, out var entry) ? n with { Identity = entry.Identity, IntendedAt = entry.IntendedAt } : n).ToArray(),
        };
    }

    private static MigrationToolsException Corrupt(string name, string file, string problem) =>
        ErrorCatalog.LabRecordCorrupt($"The record of lab '{name}' ({file}) is corrupt: {problem}. Nothing of it is trusted; check its namespaces with Get-NetNs and remove the folder {Path.GetDirectoryName(file)} by hand.", name);
}
