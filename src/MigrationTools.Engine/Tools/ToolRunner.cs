using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using CliWrap;
using CliWrap.Buffered;
using MigrationTools.Core.Errors;

namespace MigrationTools.Engine.Tools;

/// <summary>
/// Runs external programs through CliWrap with argument lists (never a shell) and turns failures into
/// <see cref="MigrationToolsException"/>s with the program's own message.
/// </summary>
internal static class ToolRunner
{
    /// <summary>Runs <paramref name="program"/> to completion and returns its output, whatever its exit code.</summary>
    public static async Task<ToolResult> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken, string? standardInput = null)
    {
        var path = ToolCatalog.Resolve(program);
        var command = Cli.Wrap(path)
            .WithArguments(arguments)
            .WithValidation(CommandResultValidation.None);
        if (standardInput is not null)
        {
            command = command.WithStandardInputPipe(PipeSource.FromString(standardInput));
        }

        var started = DateTime.UtcNow;
        BufferedCommandResult result;
        try
        {
            result = await command.ExecuteBufferedAsync(Encoding.UTF8, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw ErrorCatalog.ToolStartFailed($"Could not start '{program}': {ex.Message}", program, ex);
        }

        return new ToolResult(program, arguments.ToArray(), result.ExitCode, result.StandardOutput, result.StandardError, DateTime.UtcNow - started);
    }

    /// <summary>Runs <paramref name="program"/> and throws a classified error when it exits non-zero.</summary>
    public static ToolResult Run(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default, object? target = null, string? standardInput = null)
    {
        var result = RunAsync(program, arguments, cancellationToken, standardInput).GetAwaiter().GetResult();
        if (!result.Succeeded)
        {
            throw Classify(result, target);
        }

        return result;
    }

    /// <summary>Runs <paramref name="program"/> and returns its result without throwing on a non-zero exit code.</summary>
    public static ToolResult TryRun(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default) =>
        RunAsync(program, arguments, cancellationToken).GetAwaiter().GetResult();

    /// <summary>Maps a failed tool run to an error whose kind follows the tool's message.</summary>
    public static MigrationToolsException Classify(ToolResult result, object? target)
    {
        var message = result.StandardError.Trim();
        if (message.Length == 0)
        {
            message = result.StandardOutput.Trim();
        }

        var commandLine = result.Program + " " + string.Join(' ', result.Arguments);
        var text = $"'{commandLine}' failed (exit code {result.ExitCode}): {message}";
        return ErrorCatalog.Create(ClassifyMessage(message), text, target);
    }

    internal static string ClassifyMessage(string message)
    {
        if (message.Contains("File exists", StringComparison.OrdinalIgnoreCase))
        {
            return ErrorIds.ToolReportedExists;
        }

        if (message.Contains("Cannot find device", StringComparison.OrdinalIgnoreCase)
            || message.Contains("No such file or directory", StringComparison.OrdinalIgnoreCase)
            || message.Contains("No such process", StringComparison.OrdinalIgnoreCase)
            || message.Contains("does not exist", StringComparison.OrdinalIgnoreCase)
            || message.Contains("Cannot assign requested address", StringComparison.OrdinalIgnoreCase))
        {
            return ErrorIds.ToolReportedNotFound;
        }

        if (message.Contains("Operation not permitted", StringComparison.OrdinalIgnoreCase)
            || message.Contains("Permission denied", StringComparison.OrdinalIgnoreCase))
        {
            return ErrorIds.ToolReportedPermissionDenied;
        }

        if (message.Contains("Invalid argument", StringComparison.OrdinalIgnoreCase)
            || message.Contains("Error: ", StringComparison.Ordinal)
            || message.Contains("invalid", StringComparison.OrdinalIgnoreCase))
        {
            return ErrorIds.ToolReportedInvalidArgument;
        }

        return ErrorIds.ToolFailed;
    }
}
