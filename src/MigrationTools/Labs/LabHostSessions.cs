using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using MigrationTools.Core.Errors;
using MigrationTools.Engine.Labs;

namespace MigrationTools.Labs;

/// <summary>
/// PowerShell remoting sessions to the hosts of labs across hosts, and commands run on several of them at once. A
/// session is opened over SSH (New-PSSession -SSHConnection, with the host's SSH options) or given by the user
/// (New-NetLab -Session), and kept for this PowerShell session, so that later commands on the lab reuse it. Commands
/// run as nested pipelines of the calling cmdlet (on its thread), each host's as a job, all at once; Stop ends them.
/// </summary>
internal sealed class LabHostSessions
{
    private static readonly ConcurrentDictionary<string, PSSession> Cache = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private PowerShell? _running;

    /// <summary>Stops the nested pipeline that is running (from StopProcessing, on another thread).</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _running?.BeginStop(null, null);
        }
    }

    /// <summary>Keeps sessions given by the user for a lab's hosts.</summary>
    public static void Remember(string lab, IDictionary? sessions)
    {
        foreach (DictionaryEntry entry in sessions ?? new Hashtable())
        {
            var session = (entry.Value as PSObject)?.BaseObject as PSSession ?? entry.Value as PSSession
                ?? throw ErrorCatalog.InvalidArgument($"-Session: the value for host '{entry.Key}' is not a PSSession (New-PSSession -HostName ... -SSHTransport gives one).", entry.Key);
            Cache[Key(lab, entry.Key?.ToString() ?? string.Empty)] = session;
        }
    }

    private static string Key(string lab, string host) => lab + "\0" + host;

    /// <summary>The SSH port of a session (its connection info's Port; 0 and none mean 22).</summary>
    private static int PortOf(PSSession session) =>
        PSObject.AsPSObject(session.Runspace.ConnectionInfo).Properties["Port"]?.Value is int port and > 0 ? port : 22;

    private static string Connection(LabHost host) =>
        $"ssh\0{host.UserName ?? "root"}@{host.HostName}:{host.Port ?? 22}\0{host.KeyFilePath}\0{string.Join(";", host.Options.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => o.Key + "=" + o.Value))}";

    private static Hashtable ConnectionTable(LabHost h)
    {
        // ConnectingTimeout (ms) must be given: without it the SSH transport gives up at once.
        var connection = new Hashtable { ["HostName"] = h.HostName, ["UserName"] = h.UserName ?? "root", ["ConnectingTimeout"] = 30_000 };
        if (h.KeyFilePath is not null)
        {
            connection["KeyFilePath"] = h.KeyFilePath;
        }

        if (h.Port is { } port)
        {
            connection["Port"] = port;
        }

        if (h.Options.Count > 0)
        {
            connection["Options"] = new Hashtable(h.Options.ToDictionary(o => o.Key, o => (object)o.Value));
        }

        return connection;
    }

    private static bool IsOpen(PSSession? session) => session?.Runspace.RunspaceStateInfo.State == RunspaceState.Opened;

    /// <summary>
    /// A session to each of <paramref name="hosts"/> (opened when none is kept), or the reason there is none. Opened
    /// ones are kept for the lab.
    /// </summary>
    public IReadOnlyDictionary<string, (PSSession? Session, string? Error)> Open(string lab, IEnumerable<LabHost> hosts)
    {
        var result = new Dictionary<string, (PSSession?, string?)>(StringComparer.Ordinal);
        var toOpen = new List<LabHost>();
        foreach (var host in hosts)
        {
            if (Cache.TryGetValue(Key(lab, host.Name), out var kept) && IsOpen(kept))
            {
                result[host.Name] = (kept, null);
            }
            else if (host.HostName is null)
            {
                result[host.Name] = (null, $"host '{host.Name}' has no HostName and no session was given for it (-Session @{{ {host.Name} = $session }})");
            }
            else
            {
                toOpen.Add(host);
            }
        }

        // A host reached before (by any lab) with the same SSH settings is reached through the same session.
        foreach (var host in toOpen.ToArray())
        {
            if (Cache.TryGetValue(Connection(host), out var shared) && IsOpen(shared))
            {
                Cache[Key(lab, host.Name)] = shared;
                result[host.Name] = (shared, null);
                toOpen.Remove(host);
            }
        }

        if (toOpen.Count > 0)
        {
            var connections = toOpen.Select(ConnectionTable).ToArray();
            // One New-PSSession for all hosts: the SSH handshakes run at once. Sessions are matched back to hosts by
            // name and port (New-PSSession returns them as they open).
            var opened = Run(OpenScript, new Hashtable { ["Connections"] = connections });
            var sessions = opened.Select(o => o.BaseObject).OfType<PSSession>().ToList();
            var errors = opened.Select(o => o.BaseObject).OfType<string>().ToArray();
            foreach (var host in toOpen)
            {
                var session = sessions.FirstOrDefault(x => string.Equals(x.ComputerName, host.HostName, StringComparison.OrdinalIgnoreCase) && PortOf(x) == (host.Port ?? 22));
                if (session is not null)
                {
                    sessions.Remove(session);
                    Cache[Key(lab, host.Name)] = session;
                    Cache[Connection(host)] = session;
                    result[host.Name] = (session, null);
                }
                else
                {
                    result[host.Name] = (null, errors.FirstOrDefault(e => e.Contains(host.HostName!, StringComparison.OrdinalIgnoreCase)) ?? errors.FirstOrDefault() ?? "no session was opened");
                }
            }
        }

        return result;
    }

    /// <summary>
    /// Runs <paramref name="script"/> on every session at once (one job each) with that host's arguments; each host's
    /// output (its last object) or the error that ended it.
    /// </summary>
    public IReadOnlyDictionary<string, (PSObject? Output, string? Error)> RunOnHosts(string script, IReadOnlyDictionary<string, (PSSession Session, object[] Arguments)> work)
    {
        var hosts = work.Keys.ToArray();
        var items = hosts.Select(h => (object)new Hashtable { ["Host"] = h, ["Session"] = work[h].Session, ["Arguments"] = work[h].Arguments }).ToArray();
        var output = Run(FanOutScript, new Hashtable { ["Work"] = items, ["Script"] = script });
        var result = new Dictionary<string, (PSObject?, string?)>(StringComparer.Ordinal);
        foreach (var item in output)
        {
            var host = item.Properties["Host"]?.Value?.ToString() ?? string.Empty;
            var error = item.Properties["Error"]?.Value?.ToString() is { Length: > 0 } text ? text : null;
            var last = (item.Properties["Output"]?.Value as IEnumerable)?.Cast<object?>().LastOrDefault();
            result[host] = (last is null ? null : PSObject.AsPSObject(last), error);
        }

        foreach (var host in hosts.Where(h => !result.ContainsKey(h)))
        {
            result[host] = (null, "no answer");
        }

        return result;
    }

    /// <summary>Runs <paramref name="script"/> on one host, waiting for it (no job: a single call costs one round trip); its last output.</summary>
    public PSObject? RunOnHost(PSSession session, string script, object[] arguments) =>
        Run(SingleScript, new Hashtable { ["Session"] = session, ["Script"] = script, ["Arguments"] = arguments }).LastOrDefault();

    /// <summary>Copies the module folder <paramref name="moduleBase"/> to <paramref name="destination"/> on the host of <paramref name="session"/>.</summary>
    public void CopyModule(PSSession session, string moduleBase, string destination) =>
        Run(CopyScript, new Hashtable { ["Session"] = session, ["Source"] = moduleBase, ["Destination"] = destination });

    private Collection<PSObject> Run(string script, IDictionary parameters)
    {
        using var shell = PowerShell.Create(RunspaceMode.CurrentRunspace);
        shell.AddScript(script, useLocalScope: true).AddParameters(parameters);
        lock (_gate)
        {
            _running = shell;
        }

        try
        {
            return shell.Invoke();
        }
        catch (RuntimeException ex)
        {
            throw ErrorCatalog.LabHostFailed($"A command on the lab's hosts failed: {ex.Message}", null, ex);
        }
        finally
        {
            lock (_gate)
            {
                _running = null;
            }
        }
    }

    private const string OpenScript = """
        param([hashtable[]] $Connections)
        $failed = $null
        New-PSSession -SSHConnection $Connections -ErrorAction SilentlyContinue -ErrorVariable failed
        foreach ($e in @($failed)) { "$e" }
        """;

    private const string FanOutScript = """
        param([object[]] $Work, [string] $Script)
        $block = [scriptblock]::Create($Script)
        $jobs = @(foreach ($w in $Work) {
            try { Invoke-Command -Session $w.Session -ScriptBlock $block -ArgumentList $w.Arguments -AsJob -ErrorAction Stop }
            catch { [pscustomobject]@{ NotStarted = $_.Exception.Message } }
        })
        $started = @($jobs | Where-Object { $_ -is [System.Management.Automation.Job] })
        try {
            if ($started) { $null = Wait-Job -Job $started }
            for ($i = 0; $i -lt $jobs.Count; $i++) {
                if ($jobs[$i] -isnot [System.Management.Automation.Job]) {
                    [pscustomobject]@{ Host = $Work[$i].Host; Output = @(); Error = $jobs[$i].NotStarted }
                    continue
                }
                $failed = $null
                $output = @(Receive-Job -Job $jobs[$i] -ErrorVariable failed -ErrorAction SilentlyContinue)
                $reason = $null
                if ($failed) { $reason = "$($failed[0])" } elseif ($jobs[$i].State -ne 'Completed') { $reason = "$($jobs[$i].JobStateInfo.Reason.Message)" }
                [pscustomobject]@{ Host = $Work[$i].Host; Output = $output; Error = $reason }
            }
        }
        finally {
            if ($started) { $started | Stop-Job -PassThru | Remove-Job -Force }
        }
        """;

    private const string SingleScript = """
        param($Session, [string] $Script, [object[]] $Arguments)
        Invoke-Command -Session $Session -ScriptBlock ([scriptblock]::Create($Script)) -ArgumentList $Arguments -ErrorAction Stop
        """;

    private const string CopyScript = """
        param($Session, [string] $Source, [string] $Destination)
        Invoke-Command -Session $Session -ScriptBlock { param($d) $null = New-Item -ItemType Directory -Force -Path (Split-Path $d) } -ArgumentList $Destination -ErrorAction Stop
        Copy-Item -Path $Source -Destination $Destination -ToSession $Session -Recurse -Force -ErrorAction Stop
        """;
}
