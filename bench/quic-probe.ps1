#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Benchmark of Watch-QuicProbe against tshark on the same capture, plus header-only datagram throughput.
.DESCRIPTION
    Generates a large capture here: the QUIC lab (examples/quic-lb-lab.ps1, unshaped links, MTU 1500) with a
    -DownloadSize download across a migration, keylog written. The server sends without UDP GSO
    (gtlsserver --max-gso-dgrams=1), so the capture holds one wire-sized datagram per frame as on a real network;
    veth would otherwise pass 64 KB GSO super-datagrams to tcpdump, which tshark cannot split (it then decrypts only
    the first packet of each and misses frames after it). Then, in one run, times
      (a) tshark -o tls.keylog_file:... -Y 'quic.frame_type==0x1a || quic.frame_type==0x1b' on router1.pcap, and
      (b) Watch-QuicProbe -Path router1.pcap -KeyLogFile ... in a warm session,
    and prints both, the ratio, and whether both found the same PATH_CHALLENGE/PATH_RESPONSE data. Then it times
    the header-only path (no keys) and prints datagrams per second. Goals: >= 10x faster than tshark with the same
    findings; header-only >= 1 million datagrams per second. Watch-QuicProbe figures are medians of warm runs
    (-Warmup runs, and at least 3 s of them, first, so that the JIT has compiled the hot path); the first, cold run is printed as well.
    -CaptureDirectory reuses an earlier capture (router1.pcap and keylog.txt) instead of running the lab.
.EXAMPLE
    dotnet pwsh bench/quic-probe.ps1 -DownloadSize 64MB
#>
[CmdletBinding()]
param(
    [ValidateRange(1048576, 2147483648)] [long] $DownloadSize = 32MB,
    [ValidateRange(1, 20)] [int] $Repeat = 3,
    [ValidateRange(0, 50)] [int] $Warmup = 5,
    [string] $CaptureDirectory,
    [string] $ModuleManifest = (Join-Path $PSScriptRoot '../out/MigrationTools/MigrationTools.psd1')
)
$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest -Force
if ($CaptureDirectory) {
    $dir = $CaptureDirectory
} else {
    $dir = Join-Path ([IO.Path]::GetTempPath()) 'bench-quic-probe'
    Remove-Item -Recurse -Force $dir -ErrorAction SilentlyContinue
    $report = & (Join-Path $PSScriptRoot '../examples/quic-lb-lab.ps1') -OutputDirectory $dir -Prefix 'bench-qp-' -DownloadSize $DownloadSize -RateMbit 0 -MaxGsoDatagrams 1 -MigrateAfterMs 200 -TimeoutSeconds 120 6>$null
    Write-Host "Download completed: $($report.DownloadCompleted)"
}
$pcap = Join-Path $dir 'router1.pcap'
$keys = Join-Path $dir 'keylog.txt'
Write-Host ("Capture: {0}, {1:N1} MB" -f $pcap, ((Get-Item $pcap).Length / 1MB))

function Get-Median([double[]] $Values) { ($Values | Sort-Object)[[int][Math]::Floor(($Values.Count - 1) / 2)] }

# (a) tshark
$tsharkTimes = @()
$tsharkData = $null
foreach ($i in 1..$Repeat) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $lines = & tshark -n -r $pcap -o "tls.keylog_file:$keys" -Y 'quic.frame_type==0x1a || quic.frame_type==0x1b' -T fields -e quic.path_challenge.data -e quic.path_response.data 2>$null
    $tsharkTimes += $watch.Elapsed.TotalSeconds
    $tsharkData = $lines -split '[\t,]' | Where-Object { $_ } | ForEach-Object { $_ -replace ':', '' } | Sort-Object -Unique
}

# (b) Watch-QuicProbe: one cold run, -Warmup uncounted runs, then the timed ones.
$watch = [Diagnostics.Stopwatch]::StartNew()
$null = Watch-QuicProbe -Path $pcap -KeyLogFile $keys -WarningAction SilentlyContinue
$cold = $watch.Elapsed.TotalSeconds
$watch = [Diagnostics.Stopwatch]::StartNew()
for ($i = 0; $i -lt $Warmup -or $watch.Elapsed.TotalSeconds -lt 3; $i++) { $null = Watch-QuicProbe -Path $pcap -KeyLogFile $keys -WarningAction SilentlyContinue }
$watchTimes = @()
$watchData = $null
foreach ($i in 1..$Repeat) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $events = Watch-QuicProbe -Path $pcap -KeyLogFile $keys -WarningAction SilentlyContinue
    $watchTimes += $watch.Elapsed.TotalSeconds
    $watchData = $events | Where-Object { $_.Kind -in 'PathProbeSent', 'PathResponse' -and $_.Data } | ForEach-Object Data | Sort-Object -Unique
}

# Header-only: Watch-QuicProbe without keys, warm; the datagram count (UDP GSO segments counted as the datagrams
# they become on the wire) comes from the engine's counter.
$run = [MigrationTools.Engine.Quic.QuicProbeWatcher]::NewRun([MigrationTools.Engine.Quic.QuicProbeOptions]::new())
$allocatedBefore = [GC]::GetAllocatedBytesForCurrentThread()
$null = [Linq.Enumerable]::ToList([MigrationTools.Engine.Quic.QuicProbeWatcher]::ReadFiles([string[]]@($pcap), $run, $null, [Threading.CancellationToken]::None))
$allocated = [GC]::GetAllocatedBytesForCurrentThread() - $allocatedBefore
$frames = $run.Analyzer.Datagrams
$watch = [Diagnostics.Stopwatch]::StartNew()
for ($i = 0; $i -lt $Warmup -or $watch.Elapsed.TotalSeconds -lt 3; $i++) { $null = Watch-QuicProbe -Path $pcap -WarningAction SilentlyContinue }
$headerTimes = @()
foreach ($i in 1..$Repeat) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $null = Watch-QuicProbe -Path $pcap -WarningAction SilentlyContinue
    $headerTimes += $watch.Elapsed.TotalSeconds
}

$t = Get-Median $tsharkTimes
$w = Get-Median $watchTimes
$h = Get-Median $headerTimes
$same = ($null -eq (Compare-Object @($tsharkData) @($watchData)))
Write-Host ''
'{0,-44} {1,8:N3} s median of {2}' -f "tshark -Y 'quic.frame_type==0x1a||0x1b'", $t, $Repeat
'{0,-44} {1,8:N3} s median of {2} (cold first run: {3:N3} s)' -f 'Watch-QuicProbe -KeyLogFile (warm)', $w, $Repeat, $cold
'{0,-44} {1,8:N1}x  (goal >= 10x: {2})' -f 'ratio', ($t / $w), $(if ($t / $w -ge 10) { 'met' } else { 'NOT met' })
'{0,-44} tshark {1}, Watch-QuicProbe {2}, same: {3}' -f 'PATH_CHALLENGE/RESPONSE data found', @($tsharkData).Count, @($watchData).Count, $same
'{0,-44} {1,8:N0} datagrams/s ({2:N0} datagrams in {3:N3} s; goal >= 1,000,000: {4})' -f 'header-only (no keys)', ($frames / $h), $frames, $h, $(if ($frames / $h -ge 1e6) { 'met' } else { 'NOT met' })
'{0,-44} {1,8:N0} KB for the whole file (read and scratch buffers, reused for every packet)' -f 'engine allocation (header-only)', ($allocated / 1KB)
if (-not $CaptureDirectory) { Remove-Item -Recurse -Force $dir -ErrorAction SilentlyContinue }
