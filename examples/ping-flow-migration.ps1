<#
.SYNOPSIS
    The ping flow migration experiment: a ping to an abstract address keeps running while the address is moved
    between two namespaces.
.DESCRIPTION
    Builds the shipped ping-flow lab (namespaces A, B, C, D; see docs/topologies.md): in A the abstract address
    fe00::1 maps to fc01::1 (in C) or fc02::2 (in D). Then either
      - with -Swaps N: pings fe00::1 from A while switching the mapping N times (Switch-FlowTarget: re-point the
        mapping, then delete the flow's conntrack entry), counts the echo requests that arrive in C and in D (kernel
        counters in each namespace), and returns a summary: sent, received, lost, ping errors, echoes per target,
        switches and their times. -TimelinePath writes an SVG of echoes per target over time with the switches
        marked, from the same counters read every -SampleInterval seconds;
      - without -Swaps: an input loop: type "swap" to switch the mapping to the other target, "status" to see
        where echo requests have landed, "quit" to end. Ping from another terminal with
        `ip netns exec <prefix>A ping fe00::1`.
    The lab is removed on exit, also on Ctrl+C or failure.
.EXAMPLE
    ./examples/ping-flow-migration.ps1 -Swaps 20 -Interval 0.2 -TimelinePath ./ping-flow.svg
.EXAMPLE
    ./examples/ping-flow-migration.ps1
    Interactive: type swap.
.OUTPUTS
    A summary object (non-interactive mode).
.LINK
    Switch-FlowTarget
.LINK
    New-NetLab
#>
[CmdletBinding()]
param(
    # Number of switches in the non-interactive mode; omit (or 0) for the interactive loop.
    [ValidateRange(0, 1000000)] [int] $Swaps = 0,
    # Seconds between switches.
    [ValidateRange(0.01, 3600.0)] [double] $Interval = 0.2,
    # Seconds between echo requests (ping -i). Below 0.002 needs root, which the lab needs anyway.
    [ValidateRange(0.00001, 10.0)] [double] $PingInterval = 0.005,
    # nftables (default) or ip6tables, as the original experiment used.
    [ValidateSet('Nftables', 'Iptables')] [string] $Backend = 'Nftables',
    # Where to write the SVG timeline of echoes per target (non-interactive mode); none when omitted.
    [string] $TimelinePath,
    # Seconds between two readings of the counters for the timeline.
    [ValidateRange(0.01, 60.0)] [double] $SampleInterval = 0.05,
    # Prefix of the lab's namespace names.
    [string] $Prefix = 'pfm-',
    # The module to use; the built one by default.
    [string] $ModuleManifest = (Join-Path $PSScriptRoot '../out/MigrationTools/MigrationTools.psd1')
)
$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest -Force
Import-Module (Join-Path $PSScriptRoot 'Experiments.psm1') -Force

$virtual = 'fe00::1'
$watch = [Diagnostics.Stopwatch]::StartNew()
$lab = New-NetLab -Template ping-flow -Name "${Prefix}ping-flow" -Prefix $Prefix
try {
    $a = $lab.NamespaceOf('A'); $c = $lab.NamespaceOf('C'); $d = $lab.NamespaceOf('D')
    if ($Backend -ne 'Nftables') {
        $targets = (Get-FlowMapping -Namespace $a -VirtualAddress $virtual).Targets
        Remove-FlowMapping -Namespace $a -VirtualAddress $virtual -Confirm:$false
        $null = New-FlowMapping -Namespace $a -VirtualAddress $virtual -Target $targets -Backend $Backend
    }
    $mapping = Get-FlowMapping -Namespace $a -VirtualAddress $virtual
    Write-Host "Lab built in $([int]$watch.Elapsed.TotalMilliseconds) ms: $a maps $virtual to $($mapping.Targets -join ' / ') ($Backend)." -ForegroundColor Green
    $targetNamespace = @{ 'fc01::1' = $c; 'fc02::2' = $d }
    $before = Get-ArrivalCount -Namespace $c, $d

    if ($Swaps -eq 0) {
        Write-Host "In another terminal: ip netns exec $a ping $virtual"
        Write-Host 'Commands: swap, status, quit.'
        while ($true) {
            $line = Read-Host 'migration'
            switch -Regex ($line.Trim()) {
                '^swap$' {
                    $r = Switch-FlowTarget -Namespace $a -PassThru
                    Write-Host ("{0} -> {1} ({2}), {3} conntrack entries removed, {4:N3} ms" -f $r.OldTarget, $r.NewTarget, $targetNamespace["$($r.NewTarget)"], $r.ConntrackEntriesRemoved, $r.Duration.TotalMilliseconds)
                }
                '^status$' {
                    $now = Get-ArrivalCount -Namespace $c, $d
                    Write-Host "Current target: $((Get-FlowMapping -Namespace $a).CurrentTarget)"
                    for ($i = 0; $i -lt 2; $i++) { Write-Host "  echo requests in $($now[$i].Namespace): $($now[$i].Echoes - $before[$i].Echoes)" }
                }
                '^(quit|exit|q)$' { return }
                '^$' { }
                default { Write-Host "Unknown command '$line'. Commands: swap, status, quit." }
            }
        }
    }

    # Non-interactive: ping throughout, switching every $Interval seconds and reading the counters in between.
    # ping stops by itself shortly after the last interval (-c), -w only bounds it should replies stop.
    $count = [int][math]::Ceiling((($Swaps + 1) * $Interval + 0.2) / $PingInterval)
    $deadline = [int][math]::Ceiling(($Swaps + 1) * $Interval + 5)
    $ping = Invoke-NetNs -Name $a -Command ping -ArgumentList '-q', '-i', "$PingInterval", '-c', "$count", '-w', "$deadline", $virtual -Background
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $samples = [Collections.Generic.List[object]]::new()
    $switches = [Collections.Generic.List[object]]::new()
    $sample = {
        $now = Get-ArrivalCount -Namespace $c, $d
        $samples.Add([pscustomobject]@{ Seconds = $clock.Elapsed.TotalSeconds; C = $now[0].Echoes - $before[0].Echoes; D = $now[1].Echoes - $before[1].Echoes })
    }
    for ($i = 0; $i -le $Swaps; $i++) {
        $until = ($i + 1) * $Interval
        while ($clock.Elapsed.TotalSeconds -lt $until) {
            & $sample
            Start-Sleep -Seconds ([math]::Max(0, [math]::Min($SampleInterval, $until - $clock.Elapsed.TotalSeconds)))
        }
        if ($i -lt $Swaps) {
            $r = Switch-FlowTarget -Namespace $a -PassThru
            $switches.Add([pscustomobject]@{ Seconds = $clock.Elapsed.TotalSeconds; To = $targetNamespace["$($r.NewTarget)"]; Result = $r })
            Write-Progress -Activity 'Switching the flow' -Status "$($i + 1) of $Swaps switches, now to $($targetNamespace["$($r.NewTarget)"])" -PercentComplete ((($i + 1) * 100) / $Swaps)
        }
    }
    Write-Progress -Activity 'Switching the flow' -Completed
    while ($ping.IsRunning) { & $sample; Start-Sleep -Seconds $SampleInterval }
    & $sample
    $pingStats = Get-PingSummary -Text (Get-Content -Raw $ping.OutputPath)
    $after = Get-ArrivalCount -Namespace $c, $d

    $results = @($switches.Result)
    $times = @($results | ForEach-Object { $_.Duration.TotalMilliseconds })
    $summary = [pscustomobject]@{
        Sent             = $pingStats.Sent
        Received         = $pingStats.Received
        Lost             = $pingStats.Sent - $pingStats.Received
        PingErrors       = $pingStats.Errors
        EchoesInC        = $after[0].Echoes - $before[0].Echoes
        EchoesInD        = $after[1].Echoes - $before[1].Echoes
        Switches         = $results.Count
        ConntrackRemoved = ($results | Measure-Object ConntrackEntriesRemoved -Sum).Sum
        MedianSwitchMs   = if ($times) { [math]::Round((Get-Median $times), 3) } else { $null }
        MaxSwitchMs      = if ($times) { [math]::Round(($times | Measure-Object -Maximum).Maximum, 3) } else { $null }
        Backend          = $Backend
        TimelinePath     = $null
    }
    if ($TimelinePath) {
        $summary.TimelinePath = (ConvertTo-FlowTimelineSvg -Sample $samples -Switch $switches -Series C, D -Title "Echo requests to $virtual per location" -Path $TimelinePath).FullName
    }
    $summary
    Write-Host ("sent {0}, received {1}, lost {2}, ping errors {3}; echoes in C {4}, in D {5}; {6} switches (median {7} ms)" -f
        $summary.Sent, $summary.Received, $summary.Lost, $summary.PingErrors, $summary.EchoesInC, $summary.EchoesInD, $summary.Switches, $summary.MedianSwitchMs) -ForegroundColor Green
} finally {
    $watch.Restart()
    Remove-NetLab -Name $lab.Name -Confirm:$false
    Write-Host "Lab removed in $([int]$watch.Elapsed.TotalMilliseconds) ms." -ForegroundColor Green
}
