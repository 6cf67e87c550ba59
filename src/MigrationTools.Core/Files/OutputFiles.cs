using System;
using System.IO;
using Microsoft.Win32.SafeHandles;
using MigrationTools.Core.Errors;
using MigrationTools.Core.Interop;
using MigrationTools.Core.Processes;

namespace MigrationTools.Core.Files;

/// <summary>
/// The one policy for files a user names for output (Watch-QuicProbe -OutFile, -TimelinePath and -QlogOutDirectory,
/// Show-NetLab -OutFile, Export-NetLab): a new file is created exclusively; an existing one is replaced only when it is
/// a regular file (and replacing is meant), never through a symbolic link; device nodes, FIFOs, sockets, directories
/// and links are refused with <c>OutFileInvalid</c>. A whole file is written to a private temporary file beside the
/// target and renamed into place, so nothing but a complete file ever has the target's name.
/// </summary>
internal static class OutputFiles
{
    /// <summary>
    /// Throws unless <paramref name="path"/> is absent, or a regular file that may be replaced
    /// (<paramref name="overwrite"/>; otherwise <c>OutFileExists</c>). Links are not followed.
    /// </summary>
    internal static void EnsureTarget(string path, bool overwrite, string parameter)
    {
        if (FileKinds.Of(path, followLinks: false) is not { } kind)
        {
            return; // Nothing there (or nothing that can be looked at): creating it exclusively decides.
        }

        if (kind != FileKind.Regular)
        {
            var what = kind == FileKind.SymbolicLink ? "a symbolic link (output never follows links: name the file itself)" : FileKinds.Describe(kind);
            throw ErrorCatalog.OutFileInvalid($"{parameter} '{path}' is {what}; it takes the name of a regular file, which is made or replaced.", path);
        }

        if (!overwrite)
        {
            throw ErrorCatalog.OutFileExists($"{parameter} '{path}' exists; use -Force to replace it, or name another file.", path);
        }
    }

    /// <summary>Options to open a file with; one made anew is readable and writable by its owner only when asked.</summary>
    internal static FileStreamOptions Options(FileMode mode, FileAccess access, FileShare share, int bufferSize, bool ownerOnly)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = share, BufferSize = bufferSize };
        if (ownerOnly && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return options;
    }

    /// <summary>Creates <paramref name="path"/> exclusively (it must not exist, a link included), owner-only when asked.</summary>
    internal static FileStream CreateNew(string path, bool ownerOnly, int bufferSize = 1 << 16)
    {
        try
        {
            return new FileStream(path, Options(FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, bufferSize, ownerOnly));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw ErrorCatalog.OutFileFailed($"Could not create {path}: {ex.Message}", path, ex);
        }
    }

    /// <summary>
    /// Opens <paramref name="path"/> for a stream of output: a regular file there is removed first (when
    /// <paramref name="overwrite"/>), then the file is made exclusively, so a link planted at the name is never followed.
    /// </summary>
    internal static FileStream Replace(string path, bool overwrite, string parameter, bool ownerOnly, int bufferSize = 1 << 16)
    {
        EnsureTarget(path, overwrite, parameter);
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw ErrorCatalog.OutFileFailed($"Could not replace {path}: {ex.Message}", path, ex);
        }

        return CreateNew(path, ownerOnly, bufferSize);
    }

    /// <summary>Reopens a file this module made, to append, refusing to follow a link that took its place meanwhile.</summary>
    internal static FileStream OpenAppend(string path, int bufferSize = 1 << 16)
    {
        var fd = Libc.Open(path, FileConstants.O_WRONLY | FileConstants.O_APPEND | FileConstants.O_NOFOLLOW | FileConstants.O_CLOEXEC, 0);
        if (fd < 0)
        {
            var errno = Libc.LastError;
            throw ErrorCatalog.OutFileFailed($"Could not reopen {path}: {Libc.Describe(errno)}", path);
        }

        return new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Write, bufferSize);
    }

    /// <summary>Writes a whole file: a private temporary file beside the target, renamed over it (see <see cref="EnsureTarget"/>).</summary>
    internal static void Write(string path, bool overwrite, string parameter, bool ownerOnly, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        EnsureTarget(full, overwrite, parameter);
        var temporary = PartialPath(full);
        try
        {
            using var stream = CreateNew(temporary, ownerOnly);
            write(stream);
        }
        catch (Exception ex)
        {
            FileCleanup.TryDelete(temporary);
            if (ex is IOException or UnauthorizedAccessException)
            {
                throw ErrorCatalog.OutFileFailed($"Could not write {full}: {ex.Message}", full, ex);
            }

            throw;
        }

        Complete(temporary, full, parameter, overwrite);
    }

    /// <summary>
    /// A private name beside <paramref name="target"/> for the file being written (<c>.NAME.PID-RANDOM.partial</c>),
    /// renamed to the target once complete. Partial files of the same target whose writer is dead (killed, or stopped
    /// by a full disk) are removed first, unless <paramref name="sweep"/> is false (the caller swept the whole
    /// directory once, as the qlog writer does for its many traces).
    /// </summary>
    internal static string PartialPath(string target, bool sweep = true)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(target)) ?? ".";
        var prefix = "." + Path.GetFileName(target) + ".";
        if (sweep)
        {
            SweepDeadPartials(directory, prefix);
        }

        return Path.Combine(directory, prefix + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8] + ".partial");
    }

    /// <summary>Removes, each with a warning, the partial files in <paramref name="directory"/> (named from <paramref name="prefix"/>) of writers that are gone.</summary>
    internal static void SweepDeadPartials(string directory, string prefix = ".")
    {
        try
        {
            foreach (var stale in Directory.EnumerateFiles(directory, prefix + "*.partial"))
            {
                // .NAME.PID-RANDOM.partial: the pid is what lies between the last dot before the dash and the dash.
                var file = Path.GetFileName(stale);
                var dash = file.LastIndexOf('-');
                var dot = dash > 0 ? file.LastIndexOf('.', dash) : -1;
                if (dot >= 0 && int.TryParse(file.AsSpan(dot + 1, dash - dot - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid) &&
                    !ProcessSignals.IsAlive(pid) && FileKinds.Of(stale, followLinks: false) == FileKind.Regular)
                {
                    FileCleanup.TryDelete(stale);
                    MigrationTools.Core.Reporting.EngineOutput.Warning($"Removed {stale}, the unfinished output of process {pid}, which is gone.");
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The directory cannot be listed: creating the file there will say so.
        }
    }

    /// <summary>
    /// Renames a complete <paramref name="partial"/> file to <paramref name="target"/>, checked again just before: what
    /// is there is still absent, or a regular file that may be replaced (<paramref name="overwrite"/>).
    /// </summary>
    internal static void Complete(string partial, string target, string parameter, bool overwrite = true)
    {
        try
        {
            EnsureTarget(target, overwrite, parameter);
            File.Move(partial, target, overwrite);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw ErrorCatalog.OutFileFailed($"Could not write {target}: {ex.Message}", target, ex);
        }
        finally
        {
            FileCleanup.TryDelete(partial);
        }
    }

    /// <summary>Writes a whole text file (UTF-8) the same way.</summary>
    internal static void WriteText(string path, string text, bool overwrite, string parameter, bool ownerOnly = false) =>
        Write(path, overwrite, parameter, ownerOnly, stream =>
        {
            using var writer = new StreamWriter(stream, leaveOpen: true);
            writer.Write(text);
        });
}
