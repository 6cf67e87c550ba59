using System.Linq;
using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Engine.Captures;

namespace MigrationTools.Commands;

/// <summary>Ends captures started with Start-NetNsCapture, writes their files, and says what they hold.</summary>
/// <remarks>
/// Stops tcpdump (SIGTERM, so it writes its counts), writes the capture's file (pcapng with the key log embedded
/// when asked, or pcap), and returns a summary: PacketsCaptured, PacketsReceivedByFilter, PacketsDropped (by the
/// kernel, because the capture did not keep up), Duration and the files written. Takes the handles of
/// Start-NetNsCapture from the pipeline, or -Namespace alone to stop every capture there (from any session).
/// </remarks>
/// <example>
/// <code>$capture | Stop-NetNsCapture</code>
/// <para>Ends one capture.</para>
/// </example>
/// <example>
/// <code>Stop-NetNsCapture -Namespace router1</code>
/// <para>Ends every capture in router1.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Stop, "NetNsCapture", SupportsShouldProcess = true, DefaultParameterSetName = ObjectSet)]
[OutputType(typeof(NetNsCaptureSummary))]
public sealed class StopNetNsCaptureCommand : MigrationToolsCmdlet
{
    private const string ObjectSet = "Object";
    private const string NamespaceSet = "Namespace";

    /// <summary>A capture from Start-NetNsCapture.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = ObjectSet)]
    public NetNsCapture InputObject { get; set; } = null!;

    /// <summary>Stop every capture in this namespace.</summary>
    [Parameter(Mandatory = true, ParameterSetName = NamespaceSet)]
    [Alias("NetNs")]
    [ArgumentCompleter(typeof(NetNsNameCompleter))]
    public string Namespace { get; set; } = null!;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var captures = ParameterSetName == ObjectSet ? new[] { InputObject } : NetNsCaptureManager.List(Namespace).ToArray();
        foreach (var capture in captures)
        {
            Invoke(capture.Id, () =>
            {
                if (ShouldProcess(capture.ToString(), "Stop capture"))
                {
                    WriteObject(NetNsCaptureManager.Stop(capture.Namespace, capture.Id, CancellationToken));
                }
            });
        }
    }
}
