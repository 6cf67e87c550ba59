using System;
using System.IO;
using System.Linq;
using System.Threading;
using CliWrap;
using CliWrap.Buffered;
using MigrationTools.Core.Errors;
using MigrationTools.Core.Reporting;
using MigrationTools.Engine.Processes;

namespace MigrationTools.Engine.QuicMatrix;

/// <summary>
/// Builds implementations whose files have Build steps (quic-go from Debian's sources, or a user's own tree), each
/// step skipped when what it makes is there: the build is cached in the build directory.
/// </summary>
internal static class QuicBuilder
{
    /// <summary>The variable that moves the build cache (the repository's build script points it into out/).</summary>
    public const string RootVariable = "MIGRATIONTOOLS_BUILD_ROOT";

    /// <summary>Where builds go: $MIGRATIONTOOLS_BUILD_ROOT, or the user's cache folder ($XDG_CACHE_HOME or ~/.cache) /migrationtools/quic.</summary>
    public static string Root()
    {
        if (Environment.GetEnvironmentVariable(RootVariable) is { Length: > 0 } root)
        {
            return Path.GetFullPath(root);
        }

        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cache, "migrationtools", "quic");
    }

    /// <summary>Runs the build steps of <paramref name="implementation"/> whose output is missing.</summary>
    public static void EnsureBuilt(QuicImplementation implementation, CancellationToken cancellationToken)
    {
        foreach (var step in implementation.Build.Where(step => !File.Exists(Path.Combine(implementation.BuildDirectory, step.Creates))))
        {
            Directory.CreateDirectory(implementation.BuildDirectory);
            var values = new System.Collections.Generic.Dictionary<string, string> { ["BuildDirectory"] = implementation.BuildDirectory };
            var command = QuicPlaceholders.Expand(step.Command, values);
            EngineOutput.Progress("Building " + implementation.Name, $"{command} makes {step.Creates}", -1);
            var program = ProgramLocator.Find(command);
            var result = Cli.Wrap(program)
                .WithArguments(step.Arguments.Select(a => QuicPlaceholders.Expand(a, values)))
                .WithEnvironmentVariables(step.Environment.ToDictionary(e => e.Key, e => (string?)QuicPlaceholders.Expand(e.Value, values)))
                .WithWorkingDirectory(implementation.BuildDirectory)
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(cancellationToken).GetAwaiter().GetResult();
            var made = Path.Combine(implementation.BuildDirectory, step.Creates);
            if (result.ExitCode != 0 || !File.Exists(made))
            {
                var output = (result.StandardError + result.StandardOutput).Trim();
                var tail = string.Join(" / ", output.Split('\n').TakeLast(5).Select(l => l.Trim()));
                throw ErrorCatalog.QuicBuildFailed(
                    $"Building {implementation.Name} failed: {command} exited with {result.ExitCode}{(File.Exists(made) ? string.Empty : $" and did not make {step.Creates}")}: {tail}", implementation.Name);
            }

            EngineOutput.Verbose($"Built {implementation.Name}: {made} ({result.RunTime.TotalSeconds:0.0} s).");
        }

        EngineOutput.Progress("Building " + implementation.Name, "done", 100, completed: true);
    }
}
