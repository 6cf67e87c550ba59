using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MigrationTools.Core.Errors;

namespace MigrationTools.Labs;

/// <summary>The lab files shipped with the module (the labs of the origin experiments), in its labs folder.</summary>
internal static class LabTemplates
{
    /// <summary>The module's labs folder.</summary>
    internal static string Directory => Path.Combine(Path.GetDirectoryName(typeof(LabTemplates).Assembly.Location) ?? ".", "labs");

    /// <summary>The shipped lab files, by name.</summary>
    internal static IReadOnlyList<string> Paths() =>
        System.IO.Directory.Exists(Directory) ? System.IO.Directory.GetFiles(Directory, "*.psd1").Order(StringComparer.Ordinal).ToArray() : Array.Empty<string>();

    /// <summary>The names of the shipped labs.</summary>
    internal static IEnumerable<string> Names() => Paths().Select(Path.GetFileNameWithoutExtension).OfType<string>();

    /// <summary>The file of shipped lab <paramref name="name"/>; <c>LabTemplateNotFound</c> when there is none.</summary>
    internal static string PathOf(string name) =>
        Paths().FirstOrDefault(p => string.Equals(Path.GetFileNameWithoutExtension(p), name, StringComparison.OrdinalIgnoreCase))
        ?? throw ErrorCatalog.LabTemplateNotFound($"The module ships no lab named '{name}'. The shipped labs: {string.Join(", ", Names())} (Get-NetLab -Available).", name);
}
