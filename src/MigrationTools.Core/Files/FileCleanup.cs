using System;
using System.IO;
using MigrationTools.Core.Reporting;

namespace MigrationTools.Core.Files;

/// <summary>Removing files and folders where "already gone" is success and a failure is a warning, not an error.</summary>
internal static class FileCleanup
{
    /// <summary>Deletes a file if it is there; a failure is a warning, not an error.</summary>
    internal static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
            // Its folder was removed meanwhile (another session's sweep): the file is gone too.
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            EngineOutput.Warning($"Could not delete {path}: {ex.Message}");
        }
    }

    /// <summary>Deletes a directory tree if it is there; a failure is a warning, not an error.</summary>
    internal static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (Exception ex) when (ex is DirectoryNotFoundException or FileNotFoundException)
        {
            // Another session swept it (or part of it) at the same moment: gone is what was wanted.
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            EngineOutput.Warning($"Could not delete {path}: {ex.Message}");
        }
    }
}
