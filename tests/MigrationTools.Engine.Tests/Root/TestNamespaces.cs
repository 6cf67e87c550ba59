using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;

namespace MigrationTools.Engine.Tests.Root;

/// <summary>
/// Namespaces of one test, made and inspected with iproute2 (an oracle independent of the engine) under a unique
/// prefix, and removed with everything in them when the test ends, also when it fails.
/// </summary>
public sealed class TestNamespaces : IDisposable
{
    private readonly List<string> _names = new();

    /// <summary>The prefix of every name this test uses.</summary>
    public string Prefix { get; } = "mtx-" + Guid.NewGuid().ToString("N")[..6] + "-";

    /// <summary>Makes a namespace with `ip netns add` and returns its full name.</summary>
    public string Add(string name)
    {
        var full = Prefix + name;
        Ip("netns", "add", full);
        _names.Add(full);
        return full;
    }

    /// <summary>The interface names in a namespace, as `ip -o link` lists them.</summary>
    public static IReadOnlyList<string> Links(string @namespace) =>
        Ip("-n", @namespace, "-o", "link", "show").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(':')[1].Trim().Split('@')[0])
            .ToArray();

    /// <summary>Runs ip with the arguments and returns its output; a failure throws with its error text.</summary>
    public static string Ip(params string[] arguments) => Run("ip", arguments);

    /// <summary>Runs a program and returns its standard output; a non-zero exit throws with its error text.</summary>
    public static string Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{program} {string.Join(' ', arguments)}: {error}");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var name in Run("ip", "netns", "list").Split('\n').Select(l => l.Split(' ')[0]).Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            foreach (var pid in Run("ip", "netns", "pids", name).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                try
                {
                    Process.GetProcessById(int.Parse(pid, System.Globalization.CultureInfo.InvariantCulture)).Kill();
                }
                catch (ArgumentException)
                {
                }
            }

            try
            {
                Ip("netns", "delete", name);
            }
            catch (InvalidOperationException)
            {
            }
        }

        Engine.State.NetNsState.Sweep();
    }
}
