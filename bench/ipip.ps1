<#
.SYNOPSIS
    Benchmark of the userspace IPIP tunnel against the plain veth path (with its kernel fast path, and its relay
    loops with and without TUN offloads), and of the QUIC lab's build and teardown.
.DESCRIPTION
    Two namespaces joined by a veth pair (the underlay, 10.220.0.0/24) carry an IPIP tunnel (overlay
    192.168.77.0/30). In one run iperf3 TCP measures, for -Seconds each, one stream and four, in both directions:
    the veth path itself (the baseline); the tunnel as Set-IpipTunnel makes it (the kernel fast path: the relays'
    traffic-control programs encapsulate and decapsulate); the tunnel with the relays' loops carrying every packet
    (MIGRATIONTOOLS_IPIP_FASTPATH=off), with TUN offloads (segmentation and coalescing); and the loops without them
    (the relay of earlier versions, MIGRATIONTOOLS_IPIP_OFFLOAD=off). For the tunnel it prints the ratio to veth,
    the relays' CPU time per Gbit/s (from /proc, both relays together) and the share of the sender's packets the
    kernel encapsulated, and where the loops' time goes: the relays' own counters (IpipCounters.Time) split it by
    direction into time in the relay and in the kernel, and say how many packets each TUN read, send, receive and
    TUN write carried. Goal (issue: speed at the limits): >= 25 % of veth with one TCP stream and >= 40 % with four,
    for the tunnel as made. Then it builds and removes the QUIC lab (New-NetLab -Template quic-lb) -Repeat times in
    this warm session (goal: build under 0.5 s).
    Everything lives in namespaces named bench-ipip-*, removed at the end.
.EXAMPLE
    dotnet pwsh bench/ipip.ps1
#>
[CmdletBinding()]
param(
    [ValidateRange(1, 120)] [int] $Seconds = 5,
    [ValidateRange(1, 100)] [int] $Repeat = 5,
    [string] $ModuleManifest = (Join-Path $PSScriptRoot '../out/MigrationTools/MigrationTools.psd1')
)
$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest -Force
Import-Module (Join-Path $PSScriptRoot '../examples/Experiments.psm1') -Force
$prefix = 'bench-ipip-'
$a = "${prefix}a"
$b = "${prefix}b"
function Get-RelayCpu {
    (Get-IpipTunnel -Namespace $a, $b | ForEach-Object { Get-ProcessCpuSeconds -ProcessId $_.ProcessId } | Measure-Object -Sum).Sum
}

# Both relays' counters (with Time: where their threads' CPU went), by side.
function Get-RelayTime {
    @{ a = (Get-IpipTunnel -Namespace $a -Name ipip0).Counters; b = (Get-IpipTunnel -Namespace $b -Name ipip0).Counters }
}

function Measure-Iperf([string] $Address, [int] $Streams, [bool] $Reverse) {
    $server = Invoke-NetNs -Name $b -Command iperf3 -ArgumentList '-s', '-1' -Background
    try {
        Wait-Listener -Namespace $b -Protocol tcp -Port 5201
        $throughTunnel = $Address -like '192.168.*'
        $cpu = if ($throughTunnel) { Get-RelayCpu } else { 0 }
        $timeBefore = if ($throughTunnel) { Get-RelayTime } else { $null }
        $arguments = @('-c', $Address, '-t', "$Seconds", '-P', "$Streams", '-J') + $(if ($Reverse) { '-R' } else { @() })
        $run = Invoke-NetNs -Name $a -Command iperf3 -ArgumentList $arguments -TimeoutSeconds ($Seconds + 30)
        if ($run.ExitCode -ne 0) { throw "iperf3 to $Address failed: $($run.Error) $($run.Output -join ' ')" }
        $json = ($run.Output -join "`n") | ConvertFrom-Json
        $used = if ($throughTunnel) { (Get-RelayCpu) - $cpu } else { 0 }
        $split = if ($timeBefore) {
            Start-Sleep -Milliseconds 600   # the relays write their counters every half second
            $after = Get-RelayTime
            # The sender's way out and the receiver's way in: a's relay encapsulates a->b, b's decapsulates it.
            $out, $in = if ($Reverse) { $after.b, $after.a } else { $after.a, $after.b }
            $outBefore, $inBefore = if ($Reverse) { $timeBefore.b, $timeBefore.a } else { $timeBefore.a, $timeBefore.b }
            $sent = $out.EncapsulatedPackets - $outBefore.EncapsulatedPackets
            $kernel = $out.KernelEncapsulatedPackets - $outBefore.KernelEncapsulatedPackets
            $sent -= $kernel
            # Wire packets taken in: each written alone or joined into another.
            $taken = ($in.DecapsulatedPackets - $in.KernelDecapsulatedPackets + $in.CoalescedPackets) - ($inBefore.DecapsulatedPackets - $inBefore.KernelDecapsulatedPackets + $inBefore.CoalescedPackets)
            [pscustomobject]@{
                KernelShare = $kernel / [math]::Max(1, $kernel + $sent)
                EncapUser = $out.Time.EncapsulateUserSeconds - $outBefore.Time.EncapsulateUserSeconds
                EncapSystem = $out.Time.EncapsulateSystemSeconds - $outBefore.Time.EncapsulateSystemSeconds
                DecapUser = $in.Time.DecapsulateUserSeconds - $inBefore.Time.DecapsulateUserSeconds
                DecapSystem = $in.Time.DecapsulateSystemSeconds - $inBefore.Time.DecapsulateSystemSeconds
                PerRead = $sent / [math]::Max(1, $out.Time.TunReads - $outBefore.Time.TunReads)
                PerSend = $sent / [math]::Max(1, $out.Time.SendCalls - $outBefore.Time.SendCalls)
                PerReceive = $taken / [math]::Max(1, $in.Time.ReceiveCalls - $inBefore.Time.ReceiveCalls)
                PerWrite = $taken / [math]::Max(1, $in.Time.TunWrites - $inBefore.Time.TunWrites)
            }
        }
        [pscustomobject]@{ Gbps = [double]$json.end.sum_received.bits_per_second / 1e9; CpuSeconds = $used; Retransmits = [long]$json.end.sum_sent.retransmits; Split = $split }
    } finally {
        $server | Stop-NetNsProcess -Confirm:$false -ErrorAction SilentlyContinue
    }
}

Get-NetLab -Name "${prefix}*" -ErrorAction SilentlyContinue | Remove-NetLab -Confirm:$false
Get-NetNs -Name "${prefix}*" -ErrorAction SilentlyContinue | Remove-NetNs -Confirm:$false
$rows = [Collections.Generic.List[object]]::new()
try {
    New-NetNs $a, $b | Out-Null
    Connect-NetNs -Name $a -Peer $b -Interface u1 -PeerInterface u2 | Out-Null
    New-NetNsAddress -Namespace $a -Interface u1 -Address 10.220.0.254/24 | Out-Null
    New-NetNsAddress -Namespace $b -Interface u2 -Address 10.220.0.2/24 | Out-Null
    foreach ($streams in 1, 4) {
        foreach ($reverse in $false, $true) {
            $rows.Add([pscustomobject]@{ Path = 'veth'; Streams = $streams; Direction = $(if ($reverse) { 'b->a' } else { 'a->b' }); Result = Measure-Iperf 10.220.0.2 $streams $reverse })
        }
    }

    foreach ($variant in 'fast', 'offload', 'plain') {
        $names = Set-UserspaceTunnelPair -Namespace $a -Peer $b -Local 10.220.0.254 -Remote 10.220.0.2 -Address 192.168.77.1/30 -PeerAddress 192.168.77.2/30 -NoOffloads:($variant -eq 'plain') -KernelFastPath $(if ($variant -eq 'fast') { 'Both' } else { 'None' })
        $label = switch ($variant) { 'fast' { 'tunnel, kernel fast path (the default)' } 'offload' { "tunnel, relay loops, offloads ($names)" } default { 'tunnel, relay loops, no offloads' } }
        foreach ($streams in 1, 4) {
            foreach ($reverse in $false, $true) {
                $rows.Add([pscustomobject]@{ Path = $label; Streams = $streams; Direction = $(if ($reverse) { 'b->a' } else { 'a->b' }); Result = Measure-Iperf 192.168.77.2 $streams $reverse })
            }
        }
    }
} finally {
    Get-NetNs -Name $a, $b -ErrorAction SilentlyContinue | Remove-NetNs -Confirm:$false
}

Write-Host ''
Write-Host "iperf3 TCP, $Seconds s per run, $([Environment]::ProcessorCount) cores, userspace relay (tunnel MTU 1480):"
'{0,-58} {1,7} {2,5} {3,10} {4,9} {5,13} {6,8} {7,9}' -f 'path', 'streams', 'dir', 'Gbit/s', 'of veth', 'relay CPU s/Gb', 'retrans', 'in kernel'
foreach ($row in $rows) {
    $veth = ($rows | Where-Object { $_.Path -eq 'veth' -and $_.Streams -eq $row.Streams -and $_.Direction -eq $row.Direction }).Result.Gbps
    $cpu = if ($row.Path -eq 'veth') { '-' } else { '{0:N2}' -f ($row.Result.CpuSeconds / ($row.Result.Gbps * $Seconds)) }
    $share = if ($row.Result.Split) { '{0:P0}' -f $row.Result.Split.KernelShare } else { '-' }
    '{0,-58} {1,7} {2,5} {3,10:N2} {4,9:P1} {5,13} {6,8} {7,9}' -f $row.Path, $row.Streams, $row.Direction, $row.Result.Gbps, ($row.Result.Gbps / $veth), $cpu, $row.Result.Retransmits, $share
}
Write-Host ''
Write-Host 'Where the relays'' time goes (CPU seconds of the sender''s way out and the receiver''s way in, in the relay and in the kernel; packets per call of the relay''s loops):'
'{0,-58} {1,7} {2,5} {3,8} {4,8} {5,8} {6,8} {7,8} {8,8} {9,8} {10,8}' -f 'path', 'streams', 'dir', 'out usr', 'out sys', 'in usr', 'in sys', '/read', '/send', '/recv', '/write'
foreach ($row in $rows | Where-Object { $_.Result.Split }) {
    $t = $row.Result.Split
    '{0,-58} {1,7} {2,5} {3,8:N2} {4,8:N2} {5,8:N2} {6,8:N2} {7,8:N1} {8,8:N1} {9,8:N1} {10,8:N1}' -f $row.Path, $row.Streams, $row.Direction, $t.EncapUser, $t.EncapSystem, $t.DecapUser, $t.DecapSystem, $t.PerRead, $t.PerSend, $t.PerReceive, $t.PerWrite
}
foreach ($streams in 1, 4) {
    $goal = if ($streams -eq 1) { 0.25 } else { 0.40 }
    $ratios = foreach ($direction in 'a->b', 'b->a') {
        $tunnel = $rows | Where-Object { $_.Path -like 'tunnel, kernel fast path*' -and $_.Streams -eq $streams -and $_.Direction -eq $direction }
        $veth = $rows | Where-Object { $_.Path -eq 'veth' -and $_.Streams -eq $streams -and $_.Direction -eq $direction }
        $tunnel.Result.Gbps / $veth.Result.Gbps
    }
    $worst = ($ratios | Measure-Object -Minimum).Minimum
    'goal: {0} TCP stream(s) through the tunnel >= {1:P0} of veth: {2:P1} (worse direction), {3}' -f $streams, $goal, $worst, $(if ($worst -ge $goal) { 'met' } else { 'NOT met' })
}

$build = [Collections.Generic.List[double]]::new()
$teardown = [Collections.Generic.List[double]]::new()
foreach ($i in 0..$Repeat) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $lab = New-NetLab -Template quic-lb -Name "${prefix}quic-lb" -Prefix $prefix
    $built = $watch.Elapsed.TotalMilliseconds
    $watch.Restart()
    Remove-NetLab -Name $lab.Name -Confirm:$false
    $removed = $watch.Elapsed.TotalMilliseconds
    if ($i -eq 0) {
        '{0,-28} build {1:N0} ms, teardown {2:N0} ms (first in this session, includes JIT; not counted)' -f 'QUIC lab, cold', $built, $removed
        continue
    }
    $build.Add($built)
    $teardown.Add($removed)
}
Write-Host ''
Write-Host "QUIC lab (3 namespaces, 3 veth pairs, 2 tunnel ends, routes, sysctls), $Repeat runs, warm session:"
'{0,-28} median {1,6:N0} ms, worst {2,6:N0} ms  (goal < 500 ms: {3})' -f 'build', (Get-Median $build), ($build | Measure-Object -Maximum).Maximum, $(if ((Get-Median $build) -lt 500) { 'met' } else { 'NOT met' })
'{0,-28} median {1,6:N0} ms, worst {2,6:N0} ms' -f 'teardown', (Get-Median $teardown), ($teardown | Measure-Object -Maximum).Maximum
