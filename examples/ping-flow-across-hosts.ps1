<#
.SYNOPSIS
    The ping flow migration across three hosts: a ping to an abstract address keeps running while the address is
    moved between two hosts.
.DESCRIPTION
    Builds examples/labs/ping-flow-hosts.psd1 (or -LabFile) over PowerShell remoting: A and its router B on one host,
    the two locations C (fc01::1) and D (fc02::2) of the abstract address fe00::1 on two others, joined by VXLAN.
    Pings fe00::1 from A (on A's host) while switching the mapping -Swaps times (Switch-FlowTarget -Lab -Node, run on
    A's host), counts the echo requests that reach C and D (kernel counters, read on their hosts), and returns the
    same figures as the one-host experiment: sent, received, lost, ping errors, echoes per location, switches and
    their times. The lab is removed on every host on exit, also on Ctrl+C or failure.
.EXAMPLE
    ./examples/ping-flow-across-hosts.ps1 -Swaps 100
    Opens sessions to the hosts of the lab file (edit its Hosts section first).
.EXAMPLE
    $s = @{ east = New-PSSession -HostName east.example -SSHTransport; west = ...; north = ... }
    ./examples/ping-flow-across-hosts.ps1 -Session $s -Swaps 100
    With sessions of your own.
.OUTPUTS
    A summary object.
.LINK
    Switch-FlowTarget
.LINK
    about_MigrationTools_Labs
#>
#Requires -Version 7.4
[CmdletBinding()]
param(
    # Number of switches.
    [ValidateRange(1, 1000000)] [int] $Swaps = 100,
    # Seconds between switches.
    [ValidateRange(0.01, 3600.0)] [double] $Interval = 0.1,
    # Seconds between echo requests (ping -i).
    [ValidateRange(0.00001, 10.0)] [double] $PingInterval = 0.005,
    # The lab file: hosts east, west and north with nodes A and B, C, and D.
    [string] $LabFile = (Join-Path $PSScriptRoot 'labs/ping-flow-hosts.psd1'),
    # Sessions already open to the lab's hosts, by host name; without it they are opened from the lab file.
    [hashtable] $Session,
    # Prefix of the lab's namespace names on every host.
    [string] $Prefix = 'pfh-',
    # The module to use; the built one by default.
    [string] $ModuleManifest = (Join-Path $PSScriptRoot '../out/MigrationTools/MigrationTools.psd1')
)
$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest -Force
Import-Module (Join-Path $PSScriptRoot 'Experiments.psm1') -Force

$data = Import-PowerShellDataFile $LabFile
$hostOf = @{}
foreach ($node in 'A', 'C', 'D') { $hostOf[$node] = $data.Nodes[$node].Host }
$opened = @()
if (-not $Session) {
    $Session = @{}
    foreach ($name in $data.Hosts.Keys) {
        $h = $data.Hosts[$name]
        $connection = @{ HostName = $h.HostName; UserName = $(if ($h.UserName) { $h.UserName } else { 'root' }); ConnectingTimeout = 30000 }
        if ($h.KeyFilePath) { $connection.KeyFilePath = $h.KeyFilePath }
        if ($h.Port) { $connection.Port = $h.Port }
        if ($h.Options) { $connection.Options = $h.Options }
        $Session[$name] = New-PSSession -SSHConnection $connection
        $opened += $Session[$name]
    }
}

# Echo requests that reached a namespace on a host so far (its kernel counters, read there).
function Get-RemoteEchoes([string] $Node, [string] $Namespace) {
    Invoke-Command -Session $Session[$hostOf[$Node]] -ScriptBlock {
        param($ns)
        (Get-NetNsCounter -Namespace $ns -Name IcmpInEchos, Icmp6InEchos | Measure-Object Value -Sum).Sum
    } -ArgumentList $Namespace
}

$virtual = 'fe00::1'
$name = "${Prefix}ping-flow-hosts"
$watch = [Diagnostics.Stopwatch]::StartNew()
$lab = New-NetLab -Path $LabFile -Name $name -Prefix $Prefix -Session $Session
try {
    Write-Host "Lab built on $(($lab.Hosts.Keys | Sort-Object) -join ', ') in $([int]$watch.Elapsed.TotalMilliseconds) ms." -ForegroundColor Green
    $a = "${Prefix}A"; $c = "${Prefix}C"; $d = "${Prefix}D"
    $before = @{ C = Get-RemoteEchoes C $c; D = Get-RemoteEchoes D $d }

    # ping runs on A's host throughout; it stops by itself shortly after the last interval (-c).
    $count = [int][math]::Ceiling((($Swaps + 1) * $Interval + 1) / $PingInterval)
    $deadline = [int][math]::Ceiling(($Swaps + 1) * $Interval * 2 + 10)
    # In the background on A's host (Invoke-NetNs -Background): one session runs one command at a time, and the
    # switches go through the same session.
    $ping = Invoke-Command -Session $Session[$hostOf['A']] -ScriptBlock {
        param($ns, $interval, $count, $deadline, $address)
        Invoke-NetNs -Namespace $ns -Command ping -ArgumentList '-q', '-i', $interval, '-c', $count, '-w', $deadline, $address -Background
    } -ArgumentList $a, "$PingInterval", "$count", "$deadline", $virtual
    Start-Sleep -Seconds $Interval
    $results = [Collections.Generic.List[object]]::new()
    for ($i = 0; $i -lt $Swaps; $i++) {
        $results.Add((Switch-FlowTarget -Lab $name -Node A -PassThru))
        Write-Progress -Activity 'Switching the flow across hosts' -Status "$($i + 1) of $Swaps switches" -PercentComplete ((($i + 1) * 100) / $Swaps)
        Start-Sleep -Seconds $Interval
    }
    Write-Progress -Activity 'Switching the flow across hosts' -Completed
    $pingText = Invoke-Command -Session $Session[$hostOf['A']] -ScriptBlock {
        param($processId, $path)
        while (Get-Process -Id $processId -ErrorAction SilentlyContinue) { Start-Sleep -Milliseconds 50 }
        Get-Content -Raw $path
    } -ArgumentList $ping.ProcessId, $ping.OutputPath
    $pingStats = Get-PingSummary -Text "$pingText"
    $after = @{ C = Get-RemoteEchoes C $c; D = Get-RemoteEchoes D $d }

    $times = @($results | ForEach-Object { $_.Duration.TotalMilliseconds })
    $summary = [pscustomobject]@{
        Sent             = $pingStats.Sent
        Received         = $pingStats.Received
        Lost             = $pingStats.Sent - $pingStats.Received
        PingErrors       = $pingStats.Errors
        EchoesInC        = $after.C - $before.C
        EchoesInD        = $after.D - $before.D
        Switches         = $results.Count
        ConntrackRemoved = ($results | Measure-Object ConntrackEntriesRemoved -Sum).Sum
        MedianSwitchMs   = [math]::Round((Get-Median $times), 3)
        MaxSwitchMs      = [math]::Round(($times | Measure-Object -Maximum).Maximum, 3)
        Hosts            = ($lab.Hosts.Keys | Sort-Object) -join ', '
    }
    $summary
    Write-Host ("sent {0}, received {1}, lost {2}, ping errors {3}; echoes in C {4}, in D {5}; {6} switches (median {7} ms on A's host)" -f
        $summary.Sent, $summary.Received, $summary.Lost, $summary.PingErrors, $summary.EchoesInC, $summary.EchoesInD, $summary.Switches, $summary.MedianSwitchMs) -ForegroundColor Green
}
finally {
    $watch.Restart()
    Remove-NetLab -Name $name -Confirm:$false
    $opened | Remove-PSSession -ErrorAction SilentlyContinue
    Write-Host "Lab removed from every host in $([int]$watch.Elapsed.TotalMilliseconds) ms." -ForegroundColor Green
}
