using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using MigrationTools.Core.Errors;
using MigrationTools.Engine.Validation;

namespace MigrationTools.Engine.QuicMatrix;

/// <summary>
/// Reads an implementation file's data into a <see cref="QuicImplementation"/>, checking every key before anything
/// runs: unknown keys, a missing command, a placeholder that does not exist, a scenario that does not exist, a build
/// output outside the build directory. Every problem is a <c>QuicImplementationInvalid</c> error naming its key path.
/// </summary>
internal static class QuicImplementationParser
{
    private static readonly string[] TopKeys = { "Name", "Description", "Layout", "Port", "Server", "Client", "Scenarios", "Build" };
    private static readonly string[] ServerKeys = { "Command", "Arguments", "Environment", "PreferredAddressArguments" };
    private static readonly string[] ClientKeys = { "Command", "Arguments", "Environment", "MigrationArguments" };
    private static readonly string[] BuildKeys = { "Command", "Arguments", "Environment", "Creates" };

    /// <summary>Reads and checks <paramref name="data"/> from <paramref name="source"/>; its builds go under <paramref name="buildRoot"/>.</summary>
    public static QuicImplementation Parse(IDictionary data, string source, string buildRoot)
    {
        var reader = new DataReader((path, problem) => ErrorCatalog.QuicImplementationInvalid($"{source}: {path}: {problem}.", path));
        reader.KnownKeys(data, TopKeys, string.Empty);
        var name = reader.RequiredString(data, "Name", string.Empty);
        if (name.Length > 40 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') || name.StartsWith('.'))
        {
            throw reader.Fail("Name", $"'{name}' is not a name: letters, digits, '-', '_' and '.', at most 40 characters");
        }

        var layout = reader.OptionalString(data, "Layout", string.Empty) ?? "Native";
        var interop = layout.Equals("InteropRunner", StringComparison.OrdinalIgnoreCase)
            ? true
            : layout.Equals("Native", StringComparison.OrdinalIgnoreCase) ? false : throw reader.Fail("Layout", $"'{layout}' is not a layout: Native or InteropRunner");
        var port = reader.OptionalInt(data, "Port", string.Empty, 1, 65535) ?? (interop ? 443 : 4433);
        var server = Endpoint(reader, data, "Server", ServerKeys, "PreferredAddressArguments");
        var client = Endpoint(reader, data, "Client", ClientKeys, "MigrationArguments");
        var scenarios = Scenarios(reader, data, interop || server.ScenarioArguments.Count > 0);
        var build = reader.Items(data, "Build", string.Empty).Select(item => BuildStep(reader, item.Item, item.Path)).ToArray();
        var buildDirectory = build.Length > 0 ? Path.Combine(buildRoot, name) : string.Empty;
        return new QuicImplementation(name, reader.OptionalString(data, "Description", string.Empty), source, interop, port, scenarios, server, client, build, buildDirectory);
    }

    private static QuicEndpointSpec Endpoint(DataReader reader, IDictionary data, string key, string[] keys, string scenarioKey)
    {
        var table = reader.Dictionary(data, key, string.Empty) ?? throw reader.Fail(key, $"the {key.ToLowerInvariant()} is needed: @{{ Command = '...'; Arguments = @(...) }}");
        reader.KnownKeys(table, keys, key);
        var command = Checked(reader, reader.RequiredString(table, "Command", key), $"{key}.Command");
        return new QuicEndpointSpec(command, Strings(reader, table, "Arguments", key), Environment(reader, table, key), Strings(reader, table, scenarioKey, key));
    }

    private static IReadOnlyList<string> Strings(DataReader reader, IDictionary table, string key, string path)
    {
        if (!DataReader.Has(table, key))
        {
            return Array.Empty<string>();
        }

        var items = reader.StringList(table, key, path);
        return items.Select((item, i) => Checked(reader, item, $"{path}.{key}[{i}]")).ToArray();
    }

    private static IReadOnlyDictionary<string, string> Environment(DataReader reader, IDictionary table, string path)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in reader.Dictionary(table, "Environment", path) ?? new Hashtable())
        {
            var name = entry.Key?.ToString() ?? string.Empty;
            var at = $"{path}.Environment.{name}";
            if (name.Length == 0 || name.Contains('=', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal))
            {
                throw reader.Fail(at, "not an environment variable name");
            }

            var value = entry.Value switch
            {
                string text => text,
                int or long or short or byte => Convert.ToString(entry.Value, CultureInfo.InvariantCulture)!,
                _ => throw reader.Fail(at, "expected a string"),
            };
            result[name] = Checked(reader, value, at);
        }

        return result;
    }

    private static IReadOnlyList<QuicScenario> Scenarios(DataReader reader, IDictionary data, bool preferredAddress)
    {
        if (!DataReader.Has(data, "Scenarios"))
        {
            return Enum.GetValues<QuicScenario>().Where(s => s != QuicScenario.PreferredAddress || preferredAddress).ToArray();
        }

        var names = reader.StringList(data, "Scenarios", string.Empty);
        var result = new List<QuicScenario>();
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == "*")
            {
                result.AddRange(Enum.GetValues<QuicScenario>());
            }
            else if (Enum.TryParse<QuicScenario>(names[i], ignoreCase: true, out var scenario) && Enum.IsDefined(scenario) && !char.IsDigit(names[i][0]))
            {
                result.Add(scenario);
            }
            else
            {
                throw reader.Fail($"Scenarios[{i}]", $"'{names[i]}' is not a scenario: {string.Join(", ", Enum.GetNames<QuicScenario>())}");
            }
        }

        return result.Distinct().ToArray();
    }

    private static QuicBuildStep BuildStep(DataReader reader, IDictionary item, string path)
    {
        reader.KnownKeys(item, BuildKeys, path);
        var command = Checked(reader, reader.RequiredString(item, "Command", path), path + ".Command");
        var creates = reader.RequiredString(item, "Creates", path);
        if (Path.IsPathRooted(creates) || creates.Split('/').Any(part => part is ".." or ""))
        {
            throw reader.Fail(path + ".Creates", $"'{creates}' must be a path inside the build directory, such as 'server'");
        }

        return new QuicBuildStep(command, Strings(reader, item, "Arguments", path), Environment(reader, item, path), creates);
    }

    private static string Checked(DataReader reader, string text, string path) =>
        QuicPlaceholders.Unknown(text) is { } unknown
            ? throw reader.Fail(path, $"{{{unknown}}} is not a placeholder; the placeholders are {string.Join(", ", QuicPlaceholders.Known.Select(k => "{" + k + "}"))}")
            : text;
}
