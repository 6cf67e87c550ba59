using System.IO;
using MigrationTools.Core.Errors;
using MigrationTools.Engine.Tools;

namespace MigrationTools.Engine.Processes;

/// <summary>Finds the program a user asks to run, as execvp(3) would, so a missing one is an error before anything starts.</summary>
internal static class ProgramLocator
{
    /// <summary>The full path of <paramref name="program"/>; <c>ProgramNotFound</c> when there is none.</summary>
    internal static string Find(string program)
    {
        if (string.IsNullOrWhiteSpace(program))
        {
            throw ErrorCatalog.InvalidCommand("The command to run is empty.", program);
        }

        if (program.Contains('/'))
        {
            return ToolCatalog.IsExecutable(program)
                ? Path.GetFullPath(program)
                : throw NotFound(program, File.Exists(program) ? "it is not executable" : "there is no such file");
        }

        return ToolCatalog.Search(program) ?? throw NotFound(program, "it is not on PATH");
    }

    private static MigrationToolsException NotFound(string program, string why) =>
        ErrorCatalog.ProgramNotFound($"The program '{program}' cannot be run: {why}. Give its full path, or install it (the Debian package that provides it).", program);
}
