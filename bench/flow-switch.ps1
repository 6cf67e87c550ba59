#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Benchmark: one flow switch the origin's way (shell: ip6tables -R then conntrack -D) against Switch-FlowTarget.
.DESCRIPTION
    On one lab 1 (shared/LAB.md), with a ping to fe00::1 running so every switch has a conntrack entry to delete:
      (a) the seed's way, as run.sh did it: a bash loop running
            ip netns exec A ip6tables -t nat -R OUTPUT 1 -d fe00::1 -j DNAT --to-destination <next>
            ip netns exec A conntrack -D -d fe00::1 -f ipv6
          per switch, timed inside bash with $EPOCHREALTIME (no extra fork for timing);
      (b) Switch-FlowTarget in this (warm) PowerShell session, timed around the cmdlet call.
    Prints the median and p99 per switch for each and the ratio (goal: >= 20x faster, median <= 1 ms). Then runs
    `ping -i 0.0002` from A during 1000 switches and prints sent/received (goal: 0 lost).
.EXAMPLE
    dotnet pwsh ./bench/flow-switch.ps1
#>
[CmdletBinding()]
param(
    [ValidateRange(10, 100000)] [int] $SeedSwitches = 200,
    [ValidateRange(10, 1000000)] [int] $Switches = 2000,
    [ValidateRange(10, 1000000)] [int] $LossSwitches = 1000,
    [string] $Prefix = 'bench-',
    [string] $ModuleManifest = (Join-Path $PSScriptRoot '../out/MigrationTools/MigrationTools.psd1')
)
$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest -Force
Import-Module (Join-Path $PSScriptRoot '../examples/MigrationLabs.psm1') -Force

function Get-Stat([double[]] $Values) {
    $sorted = $Values | Sort-Object
    [pscustomobject]@{
        Median = $sorted[[int][math]::Floor($sorted.Count / 2)]
        P99    = $sorted[[int][math]::Min($sorted.Count - 1, [math]::Ceiling($sorted.Count * 0.99) - 1)]
        Count  = $sorted.Count
    }
}

$lab = New-PingMigrationLab -Prefix $Prefix
$a = $lab.A
try {
    $ping = Invoke-NetNs -Name $a -Command ping -ArgumentList '-q', '-i', '0.01', $lab.VirtualAddress -Background

    # (a) The seed's way, as shell commands.
    & ip netns exec $a ip6tables -w -t nat -A OUTPUT -d "$($lab.VirtualAddress)/128" -j DNAT --to-destination $lab.C6
    $loop = @'
a=$1; n=$2; vip=$3; t1=$4; t2=$5; out=$6
next=$t2
: > "$out"
for i in $(seq 1 "$n"); do
  start=$EPOCHREALTIME
  ip netns exec "$a" ip6tables -w -t nat -R OUTPUT 1 -d "$vip/128" -j DNAT --to-destination "$next"
  ip netns exec "$a" conntrack -D -d "$vip" -f ipv6 >/dev/null 2>&1
  end=$EPOCHREALTIME
  echo "$start $end" >> "$out"
  if [ "$next" = "$t1" ]; then next=$t2; else next=$t1; fi
done
'@
    $timesFile = [IO.Path]::GetTempFileName()
    & bash -c $loop bench $a $SeedSwitches $lab.VirtualAddress $lab.C6 $lab.D6 $timesFile
    $seedMs = Get-Content $timesFile | ForEach-Object { $p = $_ -split ' '; ([double]$p[1] - [double]$p[0]) * 1000 }
    Remove-Item $timesFile
    & ip netns exec $a ip6tables -w -t nat -D OUTPUT 1
    $seed = Get-Stat $seedMs

    # (b) Switch-FlowTarget in a warm session.
    New-FlowMapping -Namespace $a -VirtualAddress $lab.VirtualAddress -Target $lab.C6, $lab.D6 | Out-Null
    1..20 | ForEach-Object { Switch-FlowTarget -Namespace $a }      # warm-up: JIT, netlink session, conntrack index
    $watch = [Diagnostics.Stopwatch]::new()
    $cmdletMs = [double[]]::new($Switches)
    $engineMs = [double[]]::new($Switches)
    $removed = 0
    for ($i = 0; $i -lt $Switches; $i++) {
        $watch.Restart()
        $r = Switch-FlowTarget -Namespace $a -PassThru
        $cmdletMs[$i] = $watch.Elapsed.TotalMilliseconds
        $engineMs[$i] = $r.Duration.TotalMilliseconds
        $removed += $r.ConntrackEntriesRemoved
    }
    $ours = Get-Stat $cmdletMs
    $engine = Get-Stat $engineMs
    Stop-NetNsProcess -InputObject $ping -Confirm:$false

    # Loss: a 0.2 ms ping during a burst of switches.
    $before = Get-ArrivalCount -Namespace $lab.C, $lab.D
    $fast = Invoke-NetNs -Name $a -Command ping -ArgumentList '-q', '-i', '0.0002', '-w', '4', $lab.VirtualAddress -Background
    Start-Sleep -Milliseconds 200
    for ($i = 0; $i -lt $LossSwitches; $i++) { Switch-FlowTarget -Namespace $a }
    while ($fast.IsRunning) { Start-Sleep -Milliseconds 100 }
    $after = Get-ArrivalCount -Namespace $lab.C, $lab.D
    $text = Get-Content -Raw $fast.OutputPath
    $sent = if ($text -match '(\d+) packets transmitted') { [int]$Matches[1] } else { 0 }
    $received = if ($text -match '(\d+) received') { [int]$Matches[1] } else { 0 }

    ''
    'Flow switch benchmark ({0} cores, kernel {1})' -f [Environment]::ProcessorCount, (uname -r)
    '{0,-46} {1,10} {2,10} {3,8}' -f 'method', 'median ms', 'p99 ms', 'switches'
    '{0,-46} {1,10:N3} {2,10:N3} {3,8}' -f 'seed: ip6tables -R + conntrack -D (shell)', $seed.Median, $seed.P99, $seed.Count
    '{0,-46} {1,10:N3} {2,10:N3} {3,8}' -f 'Switch-FlowTarget (cmdlet call, warm session)', $ours.Median, $ours.P99, $ours.Count
    '{0,-46} {1,10:N3} {2,10:N3} {3,8}' -f '  of which engine (FlowSwitchResult.Duration)', $engine.Median, $engine.P99, $engine.Count
    'ratio (seed median / Switch-FlowTarget median): {0:N1}x   goal >= 20x, median <= 1 ms: {1}' -f ($seed.Median / $ours.Median), $(if ($seed.Median / $ours.Median -ge 20 -and $ours.Median -le 1) { 'met' } else { 'NOT met' })
    'conntrack entries removed by Switch-FlowTarget: {0} over {1} switches (ping every 10 ms)' -f $removed, $Switches
    'ping -i 0.0002 during {0} switches: sent {1}, received {2}, lost {3}; echoes in C {4}, in D {5}' -f $LossSwitches, $sent, $received, ($sent - $received), ($after[0].Echoes - $before[0].Echoes), ($after[1].Echoes - $before[1].Echoes)
} finally {
    Remove-MigrationLab -Names $lab.A, $lab.B, $lab.C, $lab.D
}
