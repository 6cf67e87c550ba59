using System;
using System.Collections;
using System.IO;
using System.Management.Automation.Language;
using MigrationTools.Core.Errors;
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
        var data = ReadData(path, "a lab file",
            problem => ErrorCatalog.LabFileInvalid($"{path}: {problem}.", path),
            () => ErrorCatalog.LabFileNotFound($"The lab file '{path}' does not exist.", path));
        return LabFileParser.Parse(data, path, Path.GetFileNameWithoutExtension(path));
    }

    /// <summary>
    /// The hashtable of the data file at <paramref name="path"/> (<paramref name="what"/> names the kind of file in
    /// messages): <paramref name="invalid"/> makes the error for a file that is not data only, <paramref name="missing"/>
    /// the one for a file that does not exist.
    /// </summary>
    internal static IDictionary ReadData(string path, string what, Func<string, MigrationToolsException> invalid, Func<MigrationToolsException> missing)
    {
        if (!File.Exists(path))
        {
            throw Directory.Exists(path) ? invalid($"this is a directory, not {what}") : missing();
        }

        var ast = Parser.ParseFile(path, out _, out var errors);
        if (errors.Length > 0)
        {
            throw invalid($"line {errors[0].Extent.StartLineNumber}: {errors[0].Message}");
        }

        var statements = ast.EndBlock?.Statements;
        if (ast.BeginBlock is not null || ast.ProcessBlock is not null || ast.ParamBlock is not null || statements is null || statements.Count != 1 ||
            statements[0] is not PipelineAst { PipelineElements: [CommandExpressionAst { Expression: HashtableAst table }] })
        {
            throw invalid($"{what} holds one hashtable, @{{ ... }}, and nothing else");
        }

        try
        {
            return (IDictionary)SafeValue(table)!;
        }
        catch (InvalidOperationException ex)
        {
            throw invalid($"{what} holds data only (no variables, subexpressions or commands): " + FirstLine(ex.Message));
        }
    }

    /// <summary>
    /// The constant value of the hashtable. PowerShell 7.2 and later check the constants without the limit on
    /// hashtable size meant for untrusted input of unknown size (Import-PowerShellDataFile -SkipLimitCheck): a lab
    /// of hundreds of nodes is larger than that limit, and the content is still checked to be constants only.
    /// </summary>
    private static object? SafeValue(HashtableAst table)
    {
        var unlimited = typeof(Ast).GetMethod(nameof(Ast.SafeGetValue), new[] { typeof(bool) });
        if (unlimited is null)
        {
            return table.SafeGetValue();
        }

        try
        {
            return unlimited.Invoke(table, new object[] { true });
        }
        catch (System.Reflection.TargetInvocationException ex) when (ex.InnerException is InvalidOperationException inner)
        {
            throw inner;
        }
    }

    private static string FirstLine(string message)
    {
        var line = message.Split('\n')[0].Trim();
        var cut = line.IndexOf(" Dynamic expression:", StringComparison.Ordinal);
        return (cut > 0 ? line[..cut] : line).TrimEnd('.');
    }
}
