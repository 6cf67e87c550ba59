using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Threading;
using MigrationTools.Core.Errors;
using MigrationTools.Core.Reporting;
using MigrationTools.Engine.Labs;
using MigrationTools.Engine.Tunnels;

namespace MigrationTools.Labs;

/// <summary>
/// Labs across hosts: the lab file split into one lab per host (<see cref="LabPartition"/>), the part of this machine
/// built here and recorded with the whole lab, every other part built on its host by the same module version over
/// PowerShell remoting, all hosts at once. A failure anywhere removes every part. Status, tests and removal reach
/// every host the same way.
/// </summary>
internal static class DistributedLabs
{
    /// <summary>Where a host keeps the lab file of its part (what Get-NetLab there shows as the lab's source).</summary>
    private const string HostedFiles = "/run/migrationtools/hosted";

    /// <summary>Builds a lab across hosts; on failure nothing of it is left on any host.</summary>
    public static NetLab Build(LabHostSessions sessions, ModuleInfo module, LabDefinition definition, string name, string prefix, string source,
        TunnelMode? tunnelMode, bool copyModule, CancellationToken cancellationToken)
    {
        var parts = LabPartition.Split(definition, (key, problem) => ErrorCatalog.LabFileInvalid($"{source}: {key}: {problem}.", key), name);
        var local = parts.GetValueOrDefault(LabPartition.Local) ?? LabPartition.Empty(definition);

        // This machine's part first: its record (with the whole lab) is what removes every part later, also after a
        // killed controller.
        LabManager.Build(local, name, prefix, source, tunnelMode, cancellationToken, whole: definition);
        var remote = parts.Keys.Where(h => h != LabPartition.Local).ToArray();
        var started = false;
        try
        {
            var open = Connect(sessions, name, definition, remote);
            EngineOutput.Progress($"Building lab {name}", "checking the module on each host", 10);
            EnsureModule(sessions, module, open, copyModule);
            EngineOutput.Progress($"Building lab {name}", $"building on {string.Join(", ", remote)}", 30);
            var work = remote.ToDictionary(h => h, h => (open[h], new object[] { module.Version, LabFileWriter.Write(parts[h]), name, prefix, tunnelMode?.ToString() ?? string.Empty }));
            started = true;
            var built = sessions.RunOnHosts(BuildScript, work);
            var failed = built.Where(b => b.Value.Error is not null || !IsOk(b.Value.Output)).ToArray();
            if (failed.Length > 0)
            {
                var (host, (output, error)) = failed[0];
                throw ErrorCatalog.LabHostFailed($"Building lab '{name}' failed on host '{host}': {error ?? Field(output, "Message")}" +
                    (failed.Length > 1 ? $" (and on {string.Join(", ", failed.Skip(1).Select(f => f.Key))})" : string.Empty) + "; every host's part was removed again.", host);
            }

            EngineOutput.Progress($"Building lab {name}", "done", 100, completed: true);
            // Each host said how its part stands as it built it: no second round trip.
            var statuses = built.ToDictionary(b => b.Key, b => Field(b.Value.Output, "Status") ?? "Complete", StringComparer.Ordinal);
            var record = LabManager.Record(name)!;
            return new NetLab(record, LabStatus.Complete, hosts: statuses);
        }
        catch
        {
            EngineOutput.Verbose($"Building lab '{name}' across hosts failed; removing every host's part.");
            var left = new Dictionary<string, string>(StringComparer.Ordinal);
            if (started)
            {
                try
                {
                    left = RemoveParts(sessions, module, name, definition, remote);
                }
                catch (MigrationToolsException ex)
                {
                    left = remote.ToDictionary(h => h, _ => ex.Message, StringComparer.Ordinal);
                }
            }

            var record = LabManager.Record(name);
            LabManager.Remove(name);
            if (left.Count > 0 && record is not null)
            {
                // What could not be removed is not forgotten: the record names those hosts for Remove-NetLab.
                LabManager.KeepRemaining(record, left.Keys.ToArray());
                EngineOutput.Warning($"The parts of lab '{name}' on {string.Join(", ", left.Keys)} could not be removed ({string.Join("; ", left.Values.Distinct())}); Remove-NetLab -Name {name} goes back for them.");
            }

            throw;
        }
    }

    /// <summary>A lab with its hosts' statuses (each host's part as Get-NetLab there sees it, or Unreachable).</summary>
    public static NetLab Describe(LabHostSessions sessions, LabState state, NetLab local)
    {
        if (state.Whole is not { } whole)
        {
            return local;
        }

        var hosts = state.RemainingHosts ?? whole.Nodes.Values.Select(n => n.Host).OfType<string>().Distinct().ToArray();
        var statuses = new Dictionary<string, string>(StringComparer.Ordinal);
        var open = new Dictionary<string, PSSession>(StringComparer.Ordinal);
        foreach (var (host, (session, _)) in sessions.Open(state.Name, hosts.Select(h => whole.Hosts[h])))
        {
            if (session is null)
            {
                statuses[host] = "Unreachable";
            }
            else
            {
                open[host] = session;
            }
        }

        foreach (var (host, (output, error)) in sessions.RunOnHosts(StatusScript, open.ToDictionary(o => o.Key, o => (o.Value, new object[] { state.Name }))))
        {
            statuses[host] = error is not null ? "Unreachable" : Field(output, "Status") ?? "Missing";
        }

        if (state.RemainingHosts is not null)
        {
            return new NetLab(state, LabStatus.Incomplete, hosts: statuses);
        }

        return new NetLab(state, Enum.Parse<LabStatus>(local.Status), hosts: statuses);
    }

    /// <summary>
    /// Removes a lab across hosts: every host's part and this machine's. A host that cannot be reached keeps its part
    /// and the lab's record names it (Get-NetLab shows the lab Incomplete); Remove-NetLab again goes back for it.
    /// </summary>
    public static void Remove(LabHostSessions sessions, ModuleInfo module, LabState state)
    {
        var whole = state.Whole!;
        var hosts = state.RemainingHosts ?? whole.Nodes.Values.Select(n => n.Host).OfType<string>().Distinct().ToArray();
        var left = RemoveParts(sessions, module, state.Name, whole, hosts);
        LabManager.Remove(state.Name);
        if (left.Count > 0)
        {
            LabManager.KeepRemaining(state, left.Keys.ToArray());
            throw ErrorCatalog.LabHostUnreachable(
                $"Lab '{state.Name}' was removed here and on every other host but {string.Join(", ", left.Select(l => $"'{l.Key}' ({l.Value})"))}; its record stays: run Remove-NetLab -Name {state.Name} again when that host is reachable, or Remove-NetLab there.",
                left.Keys.First());
        }
    }

    /// <summary>
    /// Pings every pair the whole lab should reach, each from the host of its source node (all hosts at once); the
    /// pairs of an unreachable host are reported as not reachable, with a warning.
    /// </summary>
    public static IReadOnlyList<LabReachability> Test(LabHostSessions sessions, LabState state, IReadOnlyCollection<string>? from, IReadOnlyCollection<string>? to)
    {
        var whole = state.Whole!;
        var pairs = LabTester.Expected(whole, from, to);
        var results = new LabReachability?[pairs.Count];
        var byHost = pairs.Select((p, i) => (Pair: p, Index: i)).GroupBy(p => whole.Nodes[p.Pair.From].Host ?? LabPartition.Local).ToArray();
        var open = sessions.Open(state.Name, byHost.Select(g => g.Key).Where(h => h != LabPartition.Local).Select(h => whole.Hosts[h]));
        var work = new Dictionary<string, (PSSession, object[])>(StringComparer.Ordinal);
        foreach (var group in byHost)
        {
            var list = group.Select(p => (object)new System.Collections.Hashtable
            {
                ["Index"] = p.Index,
                ["Namespace"] = state.Prefix + p.Pair.From,
                ["Source"] = p.Pair.Source.ToString(),
                ["Address"] = p.Pair.Address.ToString(),
            }).ToArray();
            if (group.Key == LabPartition.Local)
            {
                foreach (var p in group)
                {
                    results[p.Index] = LabTester.Test(LabManager.Get(state.Name), new[] { p.Pair.From }, new[] { p.Pair.Address.ToString() }, CancellationToken.None).FirstOrDefault();
                }
            }
            else if (open[group.Key].Session is { } session)
            {
                work[group.Key] = (session, new object[] { list });
            }
            else
            {
                EngineOutput.Warning($"Host '{group.Key}' is unreachable ({open[group.Key].Error}); its {group.Count()} pings are reported as failed.");
            }
        }

        foreach (var (host, (output, error)) in sessions.RunOnHosts(PingScript, work))
        {
            if (error is not null)
            {
                EngineOutput.Warning($"The pings on host '{host}' failed: {error}");
                continue;
            }

            var answers = (output?.BaseObject as System.Collections.IDictionary)?["Results"];
            foreach (var answer in ((answers as PSObject)?.BaseObject as System.Collections.IEnumerable ?? answers as System.Collections.IEnumerable)?.Cast<object>() ?? Array.Empty<object>())
            {
                var item = PSObject.AsPSObject(answer);
                var index = Convert.ToInt32(Field(item, "Index"), CultureInfo.InvariantCulture);
                var rtt = System.Text.RegularExpressions.Regex.Match(Field(item, "Output") ?? string.Empty, @"time=([0-9.]+) ms");
                var pair = pairs[index];
                results[index] = new LabReachability(state.Name, pair.From, pair.To, pair.Address.ToString(), Field(item, "Ok") == "True",
                    rtt.Success ? double.Parse(rtt.Groups[1].Value, CultureInfo.InvariantCulture) : null);
            }
        }

        return pairs.Select((p, i) => results[i] ?? new LabReachability(state.Name, p.From, p.To, p.Address.ToString(), false, null)).ToArray();
    }

    /// <summary>
    /// Where node <paramref name="node"/> of lab <paramref name="lab"/> lives: the lab's record, the node's namespace
    /// and its host (null: this machine).
    /// </summary>
    public static (LabState State, string Namespace, string? Host) Locate(string lab, string node)
    {
        var state = LabManager.Record(lab) ?? throw ErrorCatalog.LabNotFound($"There is no lab named '{lab}'. List them with Get-NetLab.", lab);
        var definition = state.Whole ?? state.Definition;
        if (!definition.Nodes.TryGetValue(node, out var found))
        {
            throw ErrorCatalog.LabNodeNotFound($"Lab '{lab}' has no node '{node}'; its nodes are {string.Join(", ", definition.Nodes.Keys.Order(StringComparer.Ordinal))}.", node);
        }

        return (state, state.Prefix + node, found.Host);
    }

    /// <summary>
    /// Runs a module command on a host of a lab (<paramref name="script"/> returns @{ Ok; Result } or @{ Ok = $false;
    /// ErrorId; Message }); its result, or its error as the module's error of the same id.
    /// </summary>
    public static object? RunOn(LabHostSessions sessions, LabState state, string host, string script, object[] arguments)
    {
        var (session, error) = sessions.Open(state.Name, new[] { state.Whole!.Hosts[host] })[host];
        if (session is null)
        {
            throw ErrorCatalog.LabHostUnreachable($"Host '{host}' of lab '{state.Name}' could not be reached: {error}", host);
        }

        var output = sessions.RunOnHost(session, script, arguments);
        if (IsOk(output))
        {
            return (output?.BaseObject as System.Collections.IDictionary)?["Result"];
        }

        var id = (Field(output, "ErrorId") ?? ErrorIds.LabHostFailed).Split(',')[0];
        var message = $"On host '{host}': {Field(output, "Message") ?? "no answer"}";
        try
        {
            return ErrorCatalog.Create(id, message, host) is var known ? throw known : null;
        }
        catch (ArgumentOutOfRangeException)
        {
            throw ErrorCatalog.LabHostFailed(message, host);
        }
    }

    /// <summary>The module this cmdlet runs from: its version and folder (what a host gets when it lacks it).</summary>
    internal sealed record ModuleInfo(string Version, string ModuleBase);

    private static Dictionary<string, PSSession> Connect(LabHostSessions sessions, string name, LabDefinition definition, IReadOnlyList<string> hosts)
    {
        var open = sessions.Open(name, hosts.Select(h => definition.Hosts[h]));
        if (open.FirstOrDefault(o => o.Value.Session is null) is { Key: not null } failed)
        {
            throw ErrorCatalog.LabHostUnreachable($"Host '{failed.Key}' of lab '{name}' could not be reached: {failed.Value.Error}", failed.Key);
        }

        return open.ToDictionary(o => o.Key, o => o.Value.Session!, StringComparer.Ordinal);
    }

    /// <summary>Each host has this module's version, or gets it (Copy-Item -ToSession into its user module path).</summary>
    private static void EnsureModule(LabHostSessions sessions, ModuleInfo module, IReadOnlyDictionary<string, PSSession> open, bool copy)
    {
        var found = sessions.RunOnHosts(ModuleScript, open.ToDictionary(o => o.Key, o => (o.Value, new object[] { module.Version })));
        foreach (var (host, (output, error)) in found)
        {
            if (error is not null)
            {
                throw ErrorCatalog.LabHostFailed($"Could not ask host '{host}' for its MigrationTools: {error}", host);
            }

            if (Field(output, "Found") == "True")
            {
                continue;
            }

            var versions = Field(output, "Versions") is { Length: > 0 } v ? v : "none";
            if (!copy)
            {
                throw ErrorCatalog.LabHostModuleMismatch($"Host '{host}' has MigrationTools {versions}, not {module.Version}, which builds this lab; install {module.Version} there, or leave out -NoModuleCopy to have it copied.", host);
            }

            var destination = $"{Field(output, "UserModules")}/MigrationTools/{module.Version}";
            EngineOutput.Verbose($"Host '{host}' has MigrationTools {versions}; copying {module.Version} to {destination} there.");
            try
            {
                sessions.CopyModule(open[host], module.ModuleBase, destination);
            }
            catch (MigrationToolsException ex)
            {
                throw ErrorCatalog.LabHostModuleMismatch($"Host '{host}' has MigrationTools {versions}, not {module.Version}, and copying it there failed: {ex.Message}", host, ex);
            }
        }
    }

    /// <summary>Removes the lab's part on each of <paramref name="hosts"/>; the hosts where that failed, with why.</summary>
    private static Dictionary<string, string> RemoveParts(LabHostSessions sessions, ModuleInfo module, string name, LabDefinition whole, IReadOnlyList<string> hosts)
    {
        var left = new Dictionary<string, string>(StringComparer.Ordinal);
        var open = new Dictionary<string, PSSession>(StringComparer.Ordinal);
        foreach (var (host, (session, error)) in sessions.Open(name, hosts.Select(h => whole.Hosts[h])))
        {
            if (session is null)
            {
                left[host] = error ?? "unreachable";
            }
            else
            {
                open[host] = session;
            }
        }

        foreach (var (host, (output, error)) in sessions.RunOnHosts(RemoveScript, open.ToDictionary(o => o.Key, o => (o.Value, new object[] { module.Version, name }))))
        {
            if (error is not null || !IsOk(output))
            {
                left[host] = error ?? Field(output, "Message") ?? "failed";
            }
        }

        return left;
    }

    private static bool IsOk(PSObject? output) => Field(output, "Ok") == "True";

    private static string? Field(PSObject? output, string name) =>
        output?.BaseObject is System.Collections.IDictionary table ? Text(table[name]) : Text(output?.Properties[name]?.Value);

    private static string? Text(object? value) => value switch
    {
        null => null,
        PSObject { BaseObject: System.Collections.IEnumerable list and not string } => string.Join(", ", list.Cast<object>()),
        System.Collections.IEnumerable list and not string => string.Join(", ", list.Cast<object>()),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    private const string ModuleScript = """
        param([string] $Version)
        $all = @(Get-Module -ListAvailable -Name MigrationTools)
        @{
            Found = [bool]($all | Where-Object { $_.Version -eq [version] $Version })
            Versions = @($all | ForEach-Object { $_.Version.ToString() } | Sort-Object -Unique)
            UserModules = Join-Path $HOME '.local/share/powershell/Modules'
        }
        """;

    private const string BuildScript = """
        param([string] $Version, [string] $Text, [string] $Name, [string] $Prefix, [string] $TunnelMode)
        $ErrorActionPreference = 'Stop'
        try {
            Import-Module MigrationTools -RequiredVersion $Version
            $null = New-Item -ItemType Directory -Force -Path /run/migrationtools/hosted
            $file = "/run/migrationtools/hosted/$Name.psd1"
            Set-Content -LiteralPath $file -Value $Text
            $arguments = @{ Path = $file; Name = $Name; Prefix = $Prefix; Confirm = $false }
            if ($TunnelMode) { $arguments.TunnelMode = $TunnelMode }
            $lab = New-NetLab @arguments
            @{ Ok = $true; Status = $lab.Status }
        }
        catch { @{ Ok = $false; ErrorId = $_.FullyQualifiedErrorId; Message = $_.Exception.Message } }
        """;

    private const string RemoveScript = """
        param([string] $Version, [string] $Name)
        $ErrorActionPreference = 'Stop'
        try {
            Import-Module MigrationTools -RequiredVersion $Version
            if (Get-NetLab -Name $Name -ErrorAction SilentlyContinue) { Remove-NetLab -Name $Name -Confirm:$false }
            Remove-Item -LiteralPath "/run/migrationtools/hosted/$Name.psd1" -ErrorAction SilentlyContinue
            @{ Ok = $true }
        }
        catch { @{ Ok = $false; ErrorId = $_.FullyQualifiedErrorId; Message = $_.Exception.Message } }
        """;

    private const string StatusScript = """
        param([string] $Name)
        try {
            Import-Module MigrationTools -ErrorAction Stop
            $lab = @(Get-NetLab -Name $Name -ErrorAction SilentlyContinue)
            @{ Ok = $true; Status = if ($lab) { $lab[0].Status } else { 'Missing' } }
        }
        catch { @{ Ok = $false; Status = 'Unreachable'; Message = $_.Exception.Message } }
        """;

    private const string PingScript = """
        param([object[]] $Pairs)
        $results = @($Pairs | ForEach-Object -ThrottleLimit 16 -Parallel {
            $text = & ip netns exec $_.Namespace ping -c 1 -W 1 -n -I $_.Source $_.Address 2>&1
            @{ Index = $_.Index; Ok = ($LASTEXITCODE -eq 0); Output = ($text -join "`n") }
        })
        @{ Results = $results }
        """;
}
