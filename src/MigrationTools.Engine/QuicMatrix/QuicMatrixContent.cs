using System;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using CliWrap;
using CliWrap.Buffered;
using MigrationTools.Core.Errors;
using MigrationTools.Engine.Tools;

namespace MigrationTools.Engine.QuicMatrix;

/// <summary>What every cell's server serves: a random file, and a self-signed P-256 certificate with its key.</summary>
internal sealed class QuicMatrixContent
{
    private QuicMatrixContent(string directory, long size, string sha256)
    {
        Directory = directory;
        Size = size;
        Sha256 = sha256;
    }

    /// <summary>The folder that holds www/ and certs/.</summary>
    public string Directory { get; }

    /// <summary>The served file's name.</summary>
    public string FileName => "transfer.bin";

    /// <summary>The served file's size.</summary>
    public long Size { get; }

    /// <summary>The served file's SHA-256 (hex).</summary>
    public string Sha256 { get; }

    /// <summary>The document root.</summary>
    public string WwwDirectory => Path.Combine(Directory, "www");

    /// <summary>The folder of the certificate and key (cert.pem, priv.key: the interop-runner's names).</summary>
    public string CertificateDirectory => Path.Combine(Directory, "certs");

    /// <summary>The certificate.</summary>
    public string CertificateFile => Path.Combine(CertificateDirectory, "cert.pem");

    /// <summary>The certificate's key.</summary>
    public string KeyFile => Path.Combine(CertificateDirectory, "priv.key");

    /// <summary>Makes the content in <paramref name="directory"/>.</summary>
    public static QuicMatrixContent Create(string directory, long size, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "www"));
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "certs"));
        var file = Path.Combine(directory, "www", "transfer.bin");
        using (var stream = File.Create(file))
        {
            var buffer = new byte[1 << 16];
            for (var left = size; left > 0; left -= buffer.Length)
            {
                RandomNumberGenerator.Fill(buffer);
                stream.Write(buffer, 0, (int)Math.Min(left, buffer.Length));
            }
        }

        var certs = Path.Combine(directory, "certs");
        var openssl = ToolCatalog.Resolve("openssl");
        var result = Cli.Wrap(openssl)
            .WithArguments(new[] { "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=server",
                "-keyout", Path.Combine(certs, "priv.key"), "-out", Path.Combine(certs, "cert.pem") })
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(cancellationToken).GetAwaiter().GetResult();
        if (result.ExitCode != 0)
        {
            throw ErrorCatalog.ToolFailed($"openssl could not make the server's certificate: {result.StandardError.Trim()}", openssl);
        }

        return new QuicMatrixContent(directory, size, Sha256Of(file)!);
    }

    /// <summary>The SHA-256 of <paramref name="path"/> in hex, or null when it does not exist.</summary>
    public static string? Sha256Of(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }
}
