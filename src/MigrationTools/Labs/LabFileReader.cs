using System;
using System.Collections;
using System.IO;
using System.Linq;
using System.Management.Automation.Language;
using MigrationTools.Engine.Errors;
using MigrationTools.Engine.Labs;

namespace MigrationTools.Labs;

/// <summary>
/// Reads a lab file as data only, as Import-PowerShellDataFile does: the file is parsed, never run; it must be one
/// hashtable of constants (strings, numbers, $true, $false, $null, arrays and nested hashtables), and anything else (a
/// variable, a subexpression, a command) makes it invalid before a single value is taken from it.
/// </summary>
internal static class LabFileReader
{
    /// <summary>Reads and checks the lab file at <paramref name="path"/>.</summary>
    internal static LabDefinition Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new MigrationToolsException(Directory.Exists(path) ? "LabFileInvalid" : "LabFileNotFound",
                Directory.Exists(path) ? FailureKind.InvalidArgument : FailureKind.ObjectNotFound,
                Directory.Exists(path) ? $"'{path}' is a directory, not a lab file." : $"The lab file '{path}' does not exist.", path);
        }

        var ast = Parser.ParseFile(path, out _, out var errors);
        if (errors.Length > 0)
        {
            throw Invalid(path, $"line {errors[0].Extent.StartLineNumber}: {errors[0].Message}");
        }

        var statements = ast.EndBlock?.Statements;
        if (ast.BeginBlock is not null || ast.ProcessBlock is not null || ast.ParamBlock is not null || statements is null || statements.Count != 1 ||
            statements[0] is not PipelineAst { PipelineElements: [CommandExpressionAst { Expression: HashtableAst table }] })
        {
            throw Invalid(path, "a lab file holds one hashtable, @{ ... }, and nothing else");
        }

        object? value;
        try
        {
            value = table.SafeGetValue();
        }
        catch (InvalidOperationException ex)
        {
            throw Invalid(path, "a lab file holds data only (no variables, subexpressions or commands): " + ex.Message.TrimEnd('.'));
        }

        return LabFileParser.Parse((IDictionary)value!, path, Path.GetFileNameWithoutExtension(path));
    }

    private static MigrationToolsException Invalid(string path, string problem) =>
        new("LabFileInvalid", FailureKind.InvalidArgument, $"{path}: {problem}.", path);
}
