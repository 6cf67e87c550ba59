using System.IO;
using System.Linq;
using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Engine.QuicMatrix;
using MigrationTools.Quic;

namespace MigrationTools.Commands;

/// <summary>Lists the QUIC implementations Test-QuicMigration can run: the shipped ones, and those in folders you name.</summary>
/// <remarks>
/// An implementation is a data file (.psd1, read as data only, like a lab file) that says how to start its server and
/// its client: Name, then Server and Client, each @{ Command = '...'; Arguments = @(...); Environment = @{...} }, with
/// placeholders the module fills for each run: {ServerAddress}, {Port}, {Url}, {FileName}, {CertificateFile},
/// {KeyFile}, {KeyLogFile}, {QlogDirectory}, {WwwDirectory}, {DownloadDirectory}, {LogDirectory}, {BuildDirectory},
/// {MigrateAfterMs} and {PreferredAddress}. Optional keys: Description; Port (4433, or 443 for the interop-runner
/// layout); Scenarios (the scenarios it supports; all but PreferredAddress by default, which needs
/// Server.PreferredAddressArguments); Client.MigrationArguments (its own flag to move to a new local address, added in
/// ClientMigration and DsrLoadBalancer); Layout = 'InteropRunner' (run an unmodified quic-interop-runner endpoint:
/// ROLE, TESTCASE, SSLKEYLOGFILE, QLOGDIR and REQUESTS are set and /www, /downloads, /certs and /logs are
/// bind-mounted per run in a private mount namespace, without Docker and without directories left on the machine);
/// and Build, steps that make its programs in its build directory (each skipped when what it makes is there).
///
/// Two ship: ngtcp2 (Debian's gtlsserver and gtlsclient) and quic-go (its interop-runner endpoints, built from
/// Debian's sources with Debian's Go). Builds are cached in $env:MIGRATIONTOOLS_BUILD_ROOT, or in ~/.cache/migrationtools/quic.
/// </remarks>
/// <example>
/// <code>Get-QuicImplementation</code>
/// <para>Lists the shipped implementations, their layout, port, scenarios and whether they are built.</para>
/// </example>
/// <example>
/// <code>Get-QuicImplementation -Path ./impls -Name 'quic-go*'</code>
/// <para>Lists the shipped quic-go and your own implementation files in ./impls whose names start with quic-go.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "QuicImplementation")]
[OutputType(typeof(QuicImplementation))]
public sealed class GetQuicImplementationCommand : MigrationToolsCmdlet
{
    /// <summary>Implementation names or wildcard patterns; all when omitted.</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(QuicImplementationCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Folders of implementation files (every .psd1 in them), or implementation files, besides the shipped ones.</summary>
    [Parameter]
    public string[]? Path { get; set; }

    /// <inheritdoc />
    protected override bool RequiresRoot => false;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var patterns = (Name ?? new[] { "*" }).Select(p => new WildcardPattern(p, WildcardOptions.IgnoreCase)).ToArray();
        string[] files = System.Array.Empty<string>();
        Invoke(Path, () => files = Files(this, Path));
        foreach (var file in files)
        {
            Invoke(file, () =>
            {
                var implementation = QuicImplementationFiles.Read(file);
                if (patterns.Any(p => p.IsMatch(implementation.Name)))
                {
                    WriteObject(implementation);
                }
            });
        }
    }

    /// <summary>The shipped files and those <paramref name="paths"/> names (folders or files).</summary>
    internal static string[] Files(PSCmdlet cmdlet, string[]? paths)
    {
        var resolved = (paths ?? System.Array.Empty<string>()).Select(p => cmdlet.GetUnresolvedProviderPathFromPSPath(p)).ToArray();
        if (resolved.FirstOrDefault(p => !Directory.Exists(p) && !File.Exists(p)) is { } missing)
        {
            throw Core.Errors.ErrorCatalog.QuicImplementationNotFound($"-Path '{missing}' is neither a folder of implementation files nor an implementation file.", missing);
        }

        return QuicImplementationFiles.Paths(resolved.Where(Directory.Exists), shipped: true).Concat(resolved.Where(File.Exists)).Distinct().ToArray();
    }
}
