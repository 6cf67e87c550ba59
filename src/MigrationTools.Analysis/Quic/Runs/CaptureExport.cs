using System;
using System.IO;
using MigrationTools.Analysis.Capture;
using MigrationTools.Core.Errors;
using MigrationTools.Core.Files;

namespace MigrationTools.Analysis.Quic;

/// <summary>
/// The -OutFile of a watch: every frame read is written as it goes to a private temporary file next to the target
/// (created anew, owner-only, never following a link); <see cref="Commit"/> writes the target once, with the key log
/// embedded in a Decryption Secrets Block ahead of the packets, so Wireshark opens it decrypted. Disposed without a
/// commit, nothing is left behind.
/// </summary>
internal sealed class CaptureExport : IDisposable
{
    private readonly string _target;
    private readonly string _temporary;
    private PcapngWriter? _writer;

    /// <summary>Prepares the export to <paramref name="target"/>; fails at once when its folder cannot be written.</summary>
    public CaptureExport(string target)
    {
        _target = Path.GetFullPath(target);
        if (Directory.Exists(_target))
        {
            throw ErrorCatalog.OutFileInvalid($"'{target}' is a directory; -OutFile takes a file name.", target);
        }

        OutputFiles.EnsureTarget(_target, overwrite: true, "-OutFile");
        _temporary = OutputFiles.PartialPath(_target);
        _writer = new PcapngWriter(Create(_temporary));
    }

    /// <summary>Frames written so far.</summary>
    public long Packets => _writer?.Packets ?? 0;

    /// <summary>Writes one frame.</summary>
    public void Write(in CaptureRecord record)
    {
        try
        {
            _writer?.WritePacket(record.TimestampMicroseconds, record.LinkType, record.Data);
        }
        catch (IOException ex)
        {
            // A full disk: the error names the file; the partial copy goes with Dispose.
            throw ErrorCatalog.OutFileFailed($"Could not write {_target}: {ex.Message}", _target, ex);
        }
    }

    /// <summary>Writes the target: the key log first (when there is one), then every frame; removes the temporary file.</summary>
    public void Commit(string? keyLogText)
    {
        if (_writer is null)
        {
            return;
        }

        var writer = _writer;
        _writer = null;
        try
        {
            writer.Dispose();
        }
        catch (IOException ex)
        {
            TryDelete(_temporary);
            throw ErrorCatalog.OutFileFailed($"Could not write {_target}: {ex.Message}", _target, ex);
        }

        var final = OutputFiles.PartialPath(_target);
        try
        {
            using (var output = new PcapngWriter(Create(final)))
            {
                if (!string.IsNullOrEmpty(keyLogText))
                {
                    output.WriteSecrets(keyLogText);
                }

                using var reader = new CaptureReader(File.OpenRead(_temporary), _temporary);
                while (reader.TryRead(out var record))
                {
                    output.WritePacket(record.TimestampMicroseconds, record.LinkType, record.Data);
                }
            }

            // Checked again before the rename: a device node or link put there meanwhile is refused, never replaced.
            OutputFiles.Complete(final, _target, "-OutFile");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw ErrorCatalog.OutFileFailed($"Could not write {_target}: {ex.Message}", _target, ex);
        }
        finally
        {
            TryDelete(final);
            TryDelete(_temporary);
        }
    }

    private static FileStream Create(string path) => OutputFiles.CreateNew(path, ownerOnly: true);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            _writer?.Dispose();
        }
        catch (IOException)
        {
            // Its last bytes could not be written (a full disk): the file is removed below either way.
        }
        finally
        {
            _writer = null;
            TryDelete(_temporary);
        }
    }
}
