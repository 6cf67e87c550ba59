using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using MigrationTools.Engine.Errors;
using MigrationTools.Engine.Namespaces;
using MigrationTools.Engine.State;
using MigrationTools.Engine.Validation;

namespace MigrationTools.Engine.Labs;

/// <summary>Where labs are kept: /run/migrationtools/labs/NAME/lab.json, written atomically, changed under one lock.</summary>
internal static class LabStore
{
    internal static string Root => Path.Combine(NetNsPaths.StateDirectory, "labs");

    internal static string FileOf(string name) => Path.Combine(Root, name, "lab.json");

    /// <summary>Throws <c>InvalidLabName</c> unless <paramref name="name"/> can name a lab (it names a folder).</summary>
    internal static string EnsureName(string name)
    {
        if (NameValidator.NamespaceNameProblem(name) is { } problem)
        {
            throw new MigrationToolsException("InvalidLabName", FailureKind.InvalidArgument, $"'{name}' cannot name a lab: {problem}.", name);
        }

        return name;
    }

    internal static StateLock Lock(CancellationToken cancellationToken) =>
        StateLock.Acquire(Path.Combine(Root, ".lock"), TimeSpan.FromSeconds(30), cancellationToken);

    internal static void Write(LabState state) => StateFiles.Write(FileOf(state.Name), state);

    internal static LabState? Read(string name) => StateFiles.Read<LabState>(FileOf(EnsureName(name)));

    internal static IReadOnlyList<LabState> All()
    {
        try
        {
            return Directory.Exists(Root)
                ? Directory.GetDirectories(Root).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)
                    .Select(n => StateFiles.Read<LabState>(FileOf(n))).OfType<LabState>().ToArray()
                : Array.Empty<LabState>();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new MigrationToolsException("LabStateUnreadable", FailureKind.OperationFailed, $"Could not read {Root}: {ex.Message}", Root, ex);
        }
    }

    internal static void Delete(string name) => StateFiles.TryDeleteDirectory(Path.Combine(Root, name));
}
