using System;
using System.Linq;
using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Core.Errors;
using MigrationTools.Engine.Processes;

namespace MigrationTools.Commands;

/// <summary>Stops a background program started with Invoke-NetNs -Background.</summary>
/// <remarks>
/// Sends SIGTERM, waits up to -GraceSeconds (default 2), then SIGKILL, and forgets the process. Accepts
/// the objects of Invoke-NetNs -Background and Get-NetNsProcess from the pipeline. A process the module
/// did not start, or no longer knows, is an ObjectNotFound error (NetNsProcessNotFound).
/// </remarks>
/// <example>
/// <code>Get-NetNsProcess -Namespace C | Stop-NetNsProcess</code>
/// <para>Stops every background program in namespace C.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Stop, "NetNsProcess", SupportsShouldProcess = true, DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(void))]
public sealed class StopNetNsProcessCommand : MigrationToolsCmdlet
{
    private const string ByIdSet = "ById";
    private const string ByObjectSet = "ByObject";

    /// <summary>The namespace the process runs in.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByIdSet, ValueFromPipelineByPropertyName = true)]
    [Alias("NetNs")]
    [ArgumentCompleter(typeof(NetNsNameCompleter))]
    public string Namespace { get; set; } = null!;

    /// <summary>The pid of the process.</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = ByIdSet, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "Pid")]
    [ArgumentCompleter(typeof(NetNsProcessIdCompleter))]
    public int ProcessId { get; set; }

    /// <summary>A process object from Invoke-NetNs -Background or Get-NetNsProcess.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByObjectSet, ValueFromPipeline = true)]
    public NetNsProcess InputObject { get; set; } = null!;

    /// <summary>Seconds to wait after SIGTERM before SIGKILL.</summary>
    [Parameter]
    [ValidateRange(0, 600)]
    public int GraceSeconds { get; set; } = 2;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var target = ParameterSetName == ByObjectSet ? $"{InputObject.Namespace}:{InputObject.ProcessId}" : $"{Namespace}:{ProcessId}";
        Invoke(target, () =>
        {
            var process = ParameterSetName == ByObjectSet
                ? NetNsProcessManager.List(InputObject.Namespace).FirstOrDefault(p => p.ProcessId == InputObject.ProcessId)
                : NetNsProcessManager.List(Namespace).FirstOrDefault(p => p.ProcessId == ProcessId);
            if (process is null)
            {
                throw ErrorCatalog.NetNsProcessNotFound($"No background process {target} started by MigrationTools is known. List them with Get-NetNsProcess.", target);
            }

            if (ShouldProcess($"{process.Command} (pid {process.ProcessId}) in {process.Namespace}", "Stop process"))
            {
                NetNsProcessManager.Stop(process, TimeSpan.FromSeconds(GraceSeconds));
            }
        });
    }
}
