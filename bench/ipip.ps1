<#
.SYNOPSIS
    Benchmark of the IPIP tunnel and the QUIC lab: iperf3 TCP throughput through the tunnel against the plain veth
    path in the same namespaces, and the time to build and to remove the QUIC load-balancer lab.
.DESCRIPTION
    Two namespaces joined by a veth pair (the underlay, 10.220.0.0/24) carry an IPIP tunnel (overlay
    192.168.77.0/30). iperf3 runs for -Seconds over the veth addresses (the baseline) and over the tunnel addresses,
    in one run; the script prints both, the ratio and the relay's counters. Then it builds and removes lab 2
    (New-NetLab -Template quic-lb) -Repeat times in this warm session and prints the median and the
    worst of each. Goals: >= 1 Gbit/s through the tunnel; build < 1 s, teardown < 0.5 s.
    Everything lives in namespaces named bench-ipip-*, removed at the end.
.EXAMPLE
    dotnet pwsh bench/ipip.ps1
#>
[CmdletBinding()]
param(
    [ValidateRange(1, 120)] [int] $Seconds = 5,
    [ValidateRange(1, 16)] [int] $Streams = 1,
    [ValidateSet('Auto', 'Kernel', 'Userspace')] [string] $TunnelMode = 'Auto',
    [ValidateRange(1, 100)] [int] $Repeat = 5,
    [string] $ModuleManifest = (Join-Path $PSScriptRoot '../out/MigrationTools/MigrationTools.psd1')
)
$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest -Force
Import-Module (Join-Path $PSScriptRoot '../examples/Experiments.psm1') -Force
$prefix = 'bench-ipip-'
$a = "${prefix}a"
$b = "${prefix}b"

function Measure-Iperf([string] $Server, [string] $Address) {
    $run = Invoke-NetNs -Name $a -Command iperf3 -ArgumentList '-c', $Address, '-t', "$Seconds", '-P', "$Streams", '-J'
    if ($run.ExitCode -ne 0) { throw "iperf3 to $Address failed: $($run.Error) $($run.Output -join ' ')" }
    $json = ($run.Output -join "`n") | ConvertFrom-Json
    [double]$json.end.sum_received.bits_per_second
}

Get-NetLab -Name "${prefix}*" -ErrorAction SilentlyContinue | Remove-NetLab -Confirm:$false
Get-NetNs -Name "${prefix}*" -ErrorAction SilentlyContinue | Remove-NetNs -Confirm:$false
try {
    New-NetNs $a, $b | Out-Null
    Connect-NetNs -Name $a -Peer $b -Interface u1 -PeerInterface u2 | Out-Null
    New-NetNsAddress -Namespace $a -Interface u1 -Address 10.220.0.254/24 | Out-Null
    New-NetNsAddress -Namespace $b -Interface u2 -Address 10.220.0.2/24 | Out-Null
    $t = Set-IpipTunnel -Namespace $a -Name ipip0 -Local 10.220.0.254 -Remote 10.220.0.2 -Mode $TunnelMode -PassThru
    Set-IpipTunnel -Namespace $b -Name ipip0 -Local 10.220.0.2 -Remote 10.220.0.254 -Mode $t.Mode
    New-NetNsAddress -Namespace $a -Interface ipip0 -Address 192.168.77.1/30 | Out-Null
    New-NetNsAddress -Namespace $b -Interface ipip0 -Address 192.168.77.2/30 | Out-Null

    $server = Invoke-NetNs -Name $b -Command iperf3 -ArgumentList '-s' -Background
    Wait-Listener -Namespace $b -Protocol tcp -Port 5201

    $veth = Measure-Iperf $b 10.220.0.2
    $tunnel = Measure-Iperf $b 192.168.77.2
    $server | Stop-NetNsProcess -Confirm:$false
    $counters = (Get-IpipTunnel -Namespace $b -Name ipip0).Counters

    Write-Host ''
    Write-Host "iperf3 TCP, $Seconds s, $Streams stream(s), $([Environment]::ProcessorCount) cores, tunnel mode $($t.Mode) (MTU $($t.Mtu)):"
    '{0,-28} {1,10:N2} Gbit/s' -f 'plain veth (baseline)', ($veth / 1e9)
    '{0,-28} {1,10:N2} Gbit/s' -f "IPIP tunnel ($($t.Mode))", ($tunnel / 1e9)
    '{0,-28} {1,10:P1} of the veth path' -f 'ratio', ($tunnel / $veth)
    '{0,-28} {1,10}' -f 'goal >= 1 Gbit/s', $(if ($tunnel -ge 1e9) { 'met' } else { 'NOT met' })
    if ($counters) {
        '{0,-28} {1:N0} decapsulated, {2:N0} encapsulated, {3:N0} dropped, {4:N0} send errors' -f 'server relay packets', $counters.DecapsulatedPackets, $counters.EncapsulatedPackets,
            ($counters.DroppedMalformed + $counters.DroppedNotIpip + $counters.DroppedWrongSource + $counters.DroppedInnerNotIPv4), $counters.SendErrors
    }
} finally {
    Get-NetNs -Name $a, $b -ErrorAction SilentlyContinue | Remove-NetNs -Confirm:$false
}

$build = [Collections.Generic.List[double]]::new()
$teardown = [Collections.Generic.List[double]]::new()
foreach ($i in 0..$Repeat) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $lab = New-NetLab -Template quic-lb -Name "${prefix}quic-lb" -Prefix $prefix -TunnelMode $TunnelMode
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
'{0,-28} median {1,6:N0} ms, worst {2,6:N0} ms  (goal < 1000 ms: {3})' -f 'build', (Get-Median $build), ($build | Measure-Object -Maximum).Maximum, $(if ((Get-Median $build) -lt 1000) { 'met' } else { 'NOT met' })
'{0,-28} median {1,6:N0} ms, worst {2,6:N0} ms  (goal < 500 ms: {3})' -f 'teardown', (Get-Median $teardown), ($teardown | Measure-Object -Maximum).Maximum, $(if ((Get-Median $teardown) -lt 500) { 'met' } else { 'NOT met' })
