using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Core.Errors;
using MigrationTools.Engine.Processes;

namespace MigrationTools.Commands;

/// <summary>Runs a program inside a network namespace.</summary>
/// <remarks>
/// Runs the program as `ip netns exec` does (no shell is involved: -ArgumentList is passed as is).
/// By default it waits and returns an object with the exit code, the output lines and standard error;
/// a non-zero exit code is reported in that object, not as an error. -Stream writes each output line as it
/// arrives (standard error goes to the verbose stream) and ends with an error if the exit code is not zero.
/// -Background starts a long-running program (a server, a capture) and returns a handle at once: its output
/// goes to files (OutputPath, ErrorPath), it keeps running until Stop-NetNsProcess or Remove-NetNs, and it
/// ends with the PowerShell session that started it (it gets SIGKILL when the session's process dies, however
/// that happens). Its handle's IsRunning stays true until all it printed is in those files and its ExitCode is
/// known, so a script that waits for IsRunning to turn false reads complete output. -Detach starts it so that it outlives the session instead; Stop-NetNsProcess, Remove-NetNs and
/// Remove-NetLab still stop it. -StandardInput gives the program lines on its standard input (then end of input),
/// -InputIntervalMilliseconds apart: a UDP or TCP sender such as ncat then sends one datagram or line per entry.
/// A program that cannot be started (not found, not executable) is an ObjectNotFound error (ProgramNotFound).
/// </remarks>
/// <example>
/// <code>Invoke-NetNs -Name A -Command ping -ArgumentList '-c', '3', 'fd00:ab::b'</code>
/// <para>Pings from namespace A and returns the result object.</para>
/// </example>
/// <example>
/// <code>Invoke-NetNs A ping '-c','100','10.201.1.254' -Stream | Select-Object -First 5</code>
/// <para>Shows the first five lines as they arrive, then stops ping.</para>
/// </example>
/// <example>
/// <code>$p = Invoke-NetNs -Name C -Command ncat -ArgumentList '-u','-l','fc01::1','5555' -Background; Stop-NetNsProcess -InputObject $p</code>
/// <para>Starts a UDP listener in C, then stops it.</para>
/// </example>
/// <example>
/// <code>Invoke-NetNs A ncat '-u','fe00::1','5555' -StandardInput (1..100 | ForEach-Object { "datagram $_" }) -InputIntervalMilliseconds 100 -Background</code>
/// <para>Sends 100 UDP datagrams, one every 100 ms, from A to fe00::1 port 5555 in the background.</para>
/// </example>
/// <example>
/// <code>Invoke-NetNs client gtlsclient '10.250.1.1','8889' -Environment @{ SSLKEYLOGFILE = '/tmp/lab/keys.log' } -Background</code>
/// <para>Starts a QUIC client that writes its TLS secrets for Wireshark.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Invoke, "NetNs", SupportsShouldProcess = true, DefaultParameterSetName = WaitSet, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(NetNsCommandResult), ParameterSetName = new[] { WaitSet })]
[OutputType(typeof(string), ParameterSetName = new[] { StreamSet })]
[OutputType(typeof(NetNsProcess), ParameterSetName = new[] { BackgroundSet })]
public sealed class InvokeNetNsCommand : MigrationToolsCmdlet
{
    private const string WaitSet = "Wait";
    private const string StreamSet = "Stream";
    private const string BackgroundSet = "Background";

    /// <summary>The namespace to run the program in.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [Alias("Namespace")]
    [ArgumentCompleter(typeof(NetNsNameCompleter))]
    public string Name { get; set; } = null!;

    /// <summary>The program to run (a name found on PATH, or a path).</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Command { get; set; } = null!;

    /// <summary>Arguments passed to the program, each as one argument (no shell splitting or expansion).</summary>
    [Parameter(Position = 2, ValueFromRemainingArguments = true)]
    [Alias("Args")]
    public string[] ArgumentList { get; set; } = Array.Empty<string>();

    /// <summary>Write output lines as they arrive instead of one result object.</summary>
    [Parameter(Mandatory = true, ParameterSetName = StreamSet)]
    public SwitchParameter Stream { get; set; }

    /// <summary>Start the program in the background and return a process handle.</summary>
    [Parameter(Mandatory = true, ParameterSetName = BackgroundSet)]
    public SwitchParameter Background { get; set; }

    /// <summary>Start the background program so that it outlives this session (it is still stopped by Stop-NetNsProcess and Remove-NetNs).</summary>
    [Parameter(ParameterSetName = BackgroundSet)]
    public SwitchParameter Detach { get; set; }

    /// <summary>Lines written to the program's standard input, then end of input (no input when omitted).</summary>
    [Parameter(ParameterSetName = WaitSet)]
    [Parameter(ParameterSetName = BackgroundSet)]
    [AllowEmptyCollection]
    [AllowEmptyString]
    public string[]? StandardInput { get; set; }

    /// <summary>The pause after each line of -StandardInput, in milliseconds.</summary>
    [Parameter(ParameterSetName = WaitSet)]
    [Parameter(ParameterSetName = BackgroundSet)]
    [ValidateRange(0, 3_600_000)]
    public int InputIntervalMilliseconds { get; set; }

    private TimeSpan InputInterval => TimeSpan.FromMilliseconds(InputIntervalMilliseconds);

    /// <summary>Stop the program after this many seconds (it is killed and a timeout error is written).</summary>
    [Parameter(ParameterSetName = WaitSet)]
    [Parameter(ParameterSetName = StreamSet)]
    [ValidateRange(1, int.MaxValue)]
    public int TimeoutSeconds { get; set; }

    /// <summary>Environment variables for the program (name = value; $null removes one), e.g. @{ SSLKEYLOGFILE = './keys.log' }.</summary>
    [Parameter]
    public System.Collections.Hashtable? Environment { get; set; }

    private IReadOnlyDictionary<string, string?>? EnvironmentVariables =>
        Environment?.Cast<System.Collections.DictionaryEntry>().ToDictionary(e => e.Key.ToString() ?? string.Empty, e => e.Value?.ToString(), StringComparer.Ordinal);

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var description = $"{Command} {string.Join(" ", ArgumentList)}".TrimEnd();
        if (!ShouldProcess(Name, "Run '" + description + "'"))
        {
            return;
        }

        Invoke(Name, () =>
        {
            switch (ParameterSetName)
            {
                case BackgroundSet:
                    WriteObject(NetNsProcessManager.StartBackground(Name, Command, ArgumentList, EnvironmentVariables, Detach, StandardInput, InputInterval));
                    break;
                case StreamSet:
                    RunStreaming();
                    break;
                default:
                    RunToCompletion();
                    break;
            }
        });
    }

    private void RunToCompletion()
    {
        using var timeout = System.Threading.CancellationTokenSource.CreateLinkedTokenSource(CancellationToken);
        if (TimeoutSeconds > 0)
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(TimeoutSeconds));
        }

        try
        {
            WriteObject(NetNsProcessManager.RunAsync(Name, Command, ArgumentList, timeout.Token, EnvironmentVariables, StandardInput, InputInterval).GetAwaiter().GetResult());
        }
        catch (OperationCanceledException) when (!CancellationToken.IsCancellationRequested)
        {
            throw TimedOut();
        }
    }

    private void RunStreaming()
    {
        int? exitCode = null;
        var errorTail = string.Empty;
        StreamToPipeline(
            token => NetNsProcessManager.StreamAsync(Name, Command, ArgumentList, token, EnvironmentVariables),
            output =>
            {
                switch (output.Kind)
                {
                    case ProcessOutputKind.Output:
                        WriteObject(output.Text);
                        break;
                    case ProcessOutputKind.Error:
                        errorTail = output.Text;
                        WriteVerbose(output.Text);
                        break;
                    default:
                        exitCode = output.ExitCode;
                        break;
                }

                return true;
            },
            TimeoutSeconds > 0 ? TimeSpan.FromSeconds(TimeoutSeconds) : null);

        if (exitCode is null && TimeoutSeconds > 0)
        {
            throw TimedOut();
        }

        if (exitCode is not null and not 0)
        {
            throw ErrorCatalog.NativeCommandFailed($"'{Command}' in '{Name}' exited with code {exitCode}. {errorTail}".TrimEnd(), Command);
        }
    }

    private MigrationToolsException TimedOut() =>
        ErrorCatalog.CommandTimedOut($"'{Command}' in '{Name}' did not finish within {TimeoutSeconds} s and was stopped.", Command);
}
