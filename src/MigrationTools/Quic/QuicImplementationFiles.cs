using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using MigrationTools.Core.Errors;
using MigrationTools.Engine.QuicMatrix;
using MigrationTools.Labs;

namespace MigrationTools.Quic;

/// <summary>
/// The QUIC implementation files: those shipped in the module's quic folder and those in folders a user names. Each
/// file is read as data only, like a lab file, and checked by the engine's parser.
/// </summary>
internal static class QuicImplementationFiles
{
    /// <summary>The module's quic folder.</summary>
    internal static string ShippedDirectory => Path.Combine(Path.GetDirectoryName(typeof(QuicImplementationFiles).Assembly.Location) ?? ".", "quic");

    /// <summary>Reads the implementation file at <paramref name="path"/>.</summary>
    internal static QuicImplementation Read(string path)
    {
        var data = LabFileReader.ReadData(path, "an implementation file",
            problem => ErrorCatalog.QuicImplementationInvalid($"{path}: {problem}.", path),
            () => ErrorCatalog.QuicImplementationNotFound($"The implementation file '{path}' does not exist.", path));
        return QuicImplementationParser.Parse(data, path, QuicBuilder.Root());
    }

    /// <summary>The implementation files in <paramref name="directories"/> (the shipped folder first when <paramref name="shipped"/>).</summary>
    internal static IReadOnlyList<string> Paths(IEnumerable<string> directories, bool shipped)
    {
        var folders = (shipped ? new[] { ShippedDirectory } : Array.Empty<string>()).Concat(directories);
        return folders.Where(Directory.Exists).SelectMany(d => Directory.GetFiles(d, "*.psd1").Order(StringComparer.Ordinal)).ToArray();
    }

    /// <summary>The names of the shipped implementations (for completion).</summary>
    internal static IEnumerable<string> ShippedNames() => Paths(Array.Empty<string>(), shipped: true).Select(Path.GetFileNameWithoutExtension).OfType<string>();

    /// <summary>
    /// The implementations named by <paramref name="names"/> (wildcards allowed; a name that matches none is
    /// <c>QuicImplementationNotFound</c>) among <paramref name="available"/>.
    /// </summary>
    internal static IReadOnlyList<QuicImplementation> Select(IReadOnlyList<QuicImplementation> available, IEnumerable<string> names)
    {
        var result = new List<QuicImplementation>();
        foreach (var name in names)
        {
            var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
            var matches = available.Where(i => pattern.IsMatch(i.Name)).ToArray();
            if (matches.Length == 0)
            {
                throw ErrorCatalog.QuicImplementationNotFound(
                    $"There is no QUIC implementation named '{name}'. Known: {string.Join(", ", available.Select(i => i.Name))} (Get-QuicImplementation; -Path adds a folder of your own).", name);
            }

            result.AddRange(matches.Where(m => !result.Any(r => r.Name == m.Name)));
        }

        return result;
    }
}
