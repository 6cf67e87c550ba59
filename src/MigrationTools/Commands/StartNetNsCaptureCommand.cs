using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Engine.Captures;

namespace MigrationTools.Commands;

/// <summary>Starts a packet capture in a namespace and returns its handle.</summary>
/// <remarks>
/// Runs tcpdump inside the namespace (all its interfaces by default, or -Interface), with an optional capture
/// filter (BPF, e.g. 'udp port 443'), and returns once tcpdump is capturing. The capture is kept with the namespace's
/// state until Stop-NetNsCapture ends it and writes -Path: pcapng (the default, by the extension .pcapng; with
/// -KeyLogFile the TLS secrets are embedded in a Decryption Secrets Block, so Wireshark decrypts QUIC without the key
/// log) or pcap (.pcap). A ring buffer (-RingFileSizeMB with -RingFileCount) keeps at most that many files of that
/// size, written as NAME-0.pcapng, NAME-1.pcapng, ... An existing file is refused without -Force (OutFileExists).
/// Like every background program, the capture ends with the session that started it and with its namespace.
/// </remarks>
/// <example>
/// <code>$c = Start-NetNsCapture -Namespace router1 -Path ./router1.pcapng -Filter 'udp or ip proto 4'</code>
/// <para>Captures the router's UDP and IP-in-IP traffic.</para>
/// </example>
/// <example>
/// <code>$c | Stop-NetNsCapture</code>
/// <para>Ends it, writes the file, and returns PacketsCaptured and PacketsDropped.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Start, "NetNsCapture", SupportsShouldProcess = true)]
[OutputType(typeof(NetNsCapture))]
public sealed class StartNetNsCaptureCommand : MigrationToolsCmdlet
{
    /// <summary>The namespace to capture in.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("NetNs")]
    [ArgumentCompleter(typeof(NetNsNameCompleter))]
    public string Namespace { get; set; } = null!;

    /// <summary>The interface (all of the namespace's when omitted).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(InterfaceNameCompleter))]
    public string? Interface { get; set; }

    /// <summary>The file to write when the capture stops (.pcapng or .pcap).</summary>
    [Parameter(Mandatory = true, Position = 1)]
    public string Path { get; set; } = null!;

    /// <summary>A capture filter (BPF), e.g. 'udp port 443'.</summary>
    [Parameter]
    public string? Filter { get; set; }

    /// <summary>A TLS key log (SSLKEYLOGFILE) to embed in the pcapng file when the capture stops.</summary>
    [Parameter]
    public string? KeyLogFile { get; set; }

    /// <summary>Ring buffer: the size of each file, in MB (with -RingFileCount).</summary>
    [Parameter]
    [ValidateRange(1, 100000)]
    public int? RingFileSizeMB { get; set; }

    /// <summary>Ring buffer: how many files to keep (with -RingFileSizeMB).</summary>
    [Parameter]
    [ValidateRange(2, 1000)]
    public int? RingFileCount { get; set; }

    /// <summary>Replace files that exist.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        Invoke(Namespace, () =>
        {
            var path = GetUnresolvedProviderPathFromPSPath(Path);
            var keyLog = KeyLogFile is null ? null : GetUnresolvedProviderPathFromPSPath(KeyLogFile);
            if (ShouldProcess($"{Namespace}/{Interface ?? "any"}", $"Capture{(Filter is null ? string.Empty : $" '{Filter}'")} to {path}"))
            {
                WriteObject(NetNsCaptureManager.Start(Namespace, Interface, path, Filter, keyLog, RingFileSizeMB, RingFileCount, Force, CancellationToken));
            }
        });
    }
}
