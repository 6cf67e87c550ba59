#!/usr/bin/env pwsh
<#
.SYNOPSIS
    The ping flow migration experiment (shared/origin/ping-flow-migration.md), with namespaces only.
.DESCRIPTION
    Builds lab 1 of shared/LAB.md (namespaces A, B, C, D), maps the abstract address fe00::1 in A to
    fc01::1 (C) and fc02::2 (D), and then either
      - without -Swaps: an input loop like the origin's run.sh: type "swap" to switch the mapping to the other
        target, "status" to see where echo requests have landed, "quit" to end. Ping from another terminal with
        `ip netns exec <prefix>A ping fe00::1`;
      - with -Swaps N: pings fe00::1 from A while switching N times, counts the echo requests that arrive in C
        and in D (kernel counters in each namespace), and prints a summary: sent, received, lost, ping errors,
        echoes per target, switches done and their times.
    The lab is removed on exit, also on Ctrl+C or failure.
.EXAMPLE
    ./examples/ping-flow-migration.ps1 -Swaps 20 -Interval 0.2
.EXAMPLE
    ./examples/ping-flow-migration.ps1
    Interactive, as run.sh: type swap.
#>
[CmdletBinding()]
param(
    # Number of switches in the non-interactive mode; omit (or 0) for the interactive loop.
    [ValidateRange(0, 1000000)] [int] $Swaps = 0,
    # Seconds between switches.
    [ValidateRange(0.0, 3600.0)] [double] $Interval = 0.2,
    # Seconds between echo requests (ping -i). Below 0.002 needs root, which the lab needs anyway.
    [ValidateRange(0.00001, 10.0)] [double] $PingInterval = 0.005,
    # nftables (default) or iptables, as the origin used.
    [ValidateSet('Nftables', 'Iptables')] [string] $Backend = 'Nftables',
    # Prefix of the lab's namespace names.
    [string] $Prefix = 'pfm-',
    # The module to use; the built one by default.
    [string] $ModuleManifest = (Join-Path $PSScriptRoot '../out/MigrationTools/MigrationTools.psd1')
)
$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest -Force
Import-Module (Join-Path $PSScriptRoot 'MigrationLabs.psm1') -Force

$watch = [Diagnostics.Stopwatch]::StartNew()
$lab = New-PingMigrationLab -Prefix $Prefix
try {
    $mapping = New-FlowMapping -Namespace $lab.A -VirtualAddress $lab.VirtualAddress -Target $lab.C6, $lab.D6 -Backend $Backend
    Write-Host "Lab built in $([int]$watch.Elapsed.TotalMilliseconds) ms: $($lab.A) maps $($mapping.VirtualAddress) to $($mapping.Targets -join ' / ') ($Backend)." -ForegroundColor Green
    $targetNamespace = @{ $lab.C6 = $lab.C; $lab.D6 = $lab.D }
    $before = Get-ArrivalCount -Namespace $lab.C, $lab.D

    if ($Swaps -eq 0) {
        Write-Host "In another terminal: ip netns exec $($lab.A) ping $($lab.VirtualAddress)"
        Write-Host 'Commands: swap, status, quit.'
        while ($true) {
            $line = Read-Host 'migration'
            switch -Regex ($line.Trim()) {
                '^swap$' {
                    $r = Switch-FlowTarget -Namespace $lab.A -PassThru
                    Write-Host ("{0} -> {1} ({2}), {3} conntrack entries removed, {4:N3} ms" -f $r.OldTarget, $r.NewTarget, $targetNamespace["$($r.NewTarget)"], $r.ConntrackEntriesRemoved, $r.Duration.TotalMilliseconds)
                }
                '^status$' {
                    $now = Get-ArrivalCount -Namespace $lab.C, $lab.D
                    Write-Host "Current target: $((Get-FlowMapping -Namespace $lab.A).CurrentTarget)"
                    for ($i = 0; $i -lt 2; $i++) { Write-Host "  echo requests in $($now[$i].Namespace): $($now[$i].Echoes - $before[$i].Echoes)" }
                }
                '^(quit|exit|q)$' { return }
                '^$' { }
                default { Write-Host "Unknown command '$line'. Commands: swap, status, quit." }
            }
        }
    }

    # Non-interactive: ping throughout, switching every $Interval seconds.
    $duration = [math]::Ceiling(($Swaps + 1) * $Interval + 1)
    $ping = Invoke-NetNs -Name $lab.A -Command ping -ArgumentList '-q', '-i', "$PingInterval", '-w', "$duration", $lab.VirtualAddress -Background
    Start-Sleep -Seconds $Interval
    $results = for ($i = 0; $i -lt $Swaps; $i++) {
        Switch-FlowTarget -Namespace $lab.A -PassThru
        Start-Sleep -Seconds $Interval
    }
    while ($ping.IsRunning) { Start-Sleep -Milliseconds 100 }
    $pingText = Get-Content -Raw $ping.OutputPath
    $after = Get-ArrivalCount -Namespace $lab.C, $lab.D

    $sent = if ($pingText -match '(\d+) packets transmitted') { [int]$Matches[1] } else { 0 }
    $received = if ($pingText -match '(\d+) received') { [int]$Matches[1] } else { 0 }
    $errors = if ($pingText -match '\+(\d+) errors') { [int]$Matches[1] } else { 0 }
    $times = @($results.Duration.TotalMilliseconds | Sort-Object)
    $summary = [pscustomobject]@{
        Sent             = $sent
        Received         = $received
        Lost             = $sent - $received
        PingErrors       = $errors
        EchoesInC        = $after[0].Echoes - $before[0].Echoes
        EchoesInD        = $after[1].Echoes - $before[1].Echoes
        Switches         = @($results).Count
        ConntrackRemoved = ($results | Measure-Object ConntrackEntriesRemoved -Sum).Sum
        MedianSwitchMs   = if ($times) { [math]::Round($times[[int]($times.Count / 2)], 3) } else { $null }
        MaxSwitchMs      = if ($times) { [math]::Round($times[-1], 3) } else { $null }
        Backend          = $Backend
    }
    $summary
    Write-Host ("sent {0}, received {1}, lost {2}, ping errors {3}; echoes in C {4}, in D {5}; {6} switches (median {7} ms)" -f
        $summary.Sent, $summary.Received, $summary.Lost, $summary.PingErrors, $summary.EchoesInC, $summary.EchoesInD, $summary.Switches, $summary.MedianSwitchMs) -ForegroundColor Green
} finally {
    $watch.Restart()
    Remove-MigrationLab -Names $lab.A, $lab.B, $lab.C, $lab.D
    Write-Host "Lab removed in $([int]$watch.Elapsed.TotalMilliseconds) ms." -ForegroundColor Green
}
