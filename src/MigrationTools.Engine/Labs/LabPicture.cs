using System.IO;
using System.Threading;
using MigrationTools.Core.Errors;
using MigrationTools.Core.Files;
using MigrationTools.Engine.Tools;

namespace MigrationTools.Engine.Labs;

/// <summary>
/// A lab drawn into a file whose extension says how: .svg, .png and .pdf rendered by Graphviz, .dot and .gv as DOT
/// text, .mmd as Mermaid and .md as Mermaid in a Markdown fence; any other extension is refused. Written by the
/// module's output policy (<see cref="OutputFiles"/>): Graphviz draws into a private partial file that is renamed
/// into place once complete.
/// </summary>
internal static class LabPicture
{
    /// <summary>The extensions a picture can be written to, for the error that lists them.</summary>
    internal const string Extensions = ".svg, .png, .pdf (Graphviz), .dot, .gv, .mmd, .md";

    internal static void Write(LabDefinition definition, string target, CancellationToken cancellationToken)
    {
        var extension = Path.GetExtension(target).ToLowerInvariant();
        OutputFiles.EnsureTarget(target, overwrite: true, "-OutFile");
        switch (extension)
        {
            case ".svg" or ".png" or ".pdf":
                Render(LabGraph.Dot(definition), extension[1..], target, cancellationToken);
                break;
            case ".dot" or ".gv":
                OutputFiles.WriteText(target, LabGraph.Dot(definition), overwrite: true, "-OutFile");
                break;
            case ".mmd":
                OutputFiles.WriteText(target, LabGraph.Mermaid(definition), overwrite: true, "-OutFile");
                break;
            case ".md":
                OutputFiles.WriteText(target, "```mermaid\n" + LabGraph.Mermaid(definition).TrimEnd('\n') + "\n```\n", overwrite: true, "-OutFile");
                break;
            default:
                throw ErrorCatalog.OutFileInvalid($"-OutFile '{target}': '{(extension.Length == 0 ? "no extension" : extension)}' is not a picture format; use {Extensions}.", target);
        }
    }

    private static void Render(string dot, string format, string target, CancellationToken cancellationToken)
    {
        var partial = OutputFiles.PartialPath(target);
        try
        {
            var result = ToolRunner.Run("dot", new[] { "-T" + format, "-o", partial }, cancellationToken, target, dot);
            if (!File.Exists(partial) || new FileInfo(partial).Length == 0)
            {
                throw ErrorCatalog.LabDrawingFailed($"Graphviz drew no picture: {result.StandardError.Trim()}", target);
            }

            OutputFiles.Complete(partial, target, "-OutFile");
        }
        finally
        {
            FileCleanup.TryDelete(partial);
        }
    }
}
