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
    and prints both, the ratio, and the PATH_CHALLENGE and PATH_RESPONSE frames each found, kind by kind: the
    distinct values and the number of frames (tshark's lines deduplicated: tcpdump -i any on a router sees each
    forwarded packet on two interfaces, within microseconds). Then it times
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

Import-Module (Join-Path $PSScriptRoot '../examples/Experiments.psm1') -Force

# (a) tshark
$tsharkTimes = @()
$tsharkData = $null
foreach ($i in 1..$Repeat) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $lines = & tshark -n -r $pcap -o "tls.keylog_file:$keys" -Y 'quic.frame_type==0x1a || quic.frame_type==0x1b' -T fields -e frame.time_epoch -e ip.src -e ip.dst -e quic.path_challenge.data -e quic.path_response.data 2>$null
    $tsharkTimes += $watch.Elapsed.TotalSeconds
    # One line per captured frame; a forwarded packet appears once per interface (and inside IP-in-IP once more), a
    # few microseconds apart: keep one per inner addresses and frame data within 2 ms.
    $kept = @{}
    $unique = foreach ($line in $lines) {
        $f = $line -split "`t"
        $key = "$(($f[1] -split ',')[-1])>$(($f[2] -split ',')[-1])/$($f[3])/$($f[4])"
        $time = [double]$f[0]
        if ($kept.ContainsKey($key) -and [Math]::Abs($time - $kept[$key]) -lt 0.002) { continue }
        $kept[$key] = $time
        [pscustomobject]@{ Challenges = $f[3]; Responses = $f[4] }
    }
    $tsharkData = [pscustomobject]@{
        Challenges = @($unique | ForEach-Object { $_.Challenges -split ',' } | Where-Object { $_ } | ForEach-Object { $_ -replace ':', '' })
        Responses  = @($unique | ForEach-Object { $_.Responses -split ',' } | Where-Object { $_ } | ForEach-Object { $_ -replace ':', '' })
    }
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
    $watchData = [pscustomobject]@{
        Challenges = @($events | Where-Object { $_.KindName -eq 'PathProbeSent' -and $_.Data } | ForEach-Object Data)
        Responses  = @($events | Where-Object { $_.KindName -eq 'PathResponse' -and $_.Data } | ForEach-Object Data)
    }
}

# The same with qlog files and the SVG timeline written (goal: less than 50 % more time). The runs alternate with
# plain ones, so both sides see the same machine; at least 15 pairs, since one run lasts a tenth of a second.
$outputs = Join-Path ([IO.Path]::GetTempPath()) ('bench-quic-outputs-' + [Guid]::NewGuid().ToString('N').Substring(0, 6))
$outputTimes = @()
$pairedTimes = @()
foreach ($i in 1..($Warmup + [Math]::Max($Repeat, 15))) {
    Remove-Item -Recurse -Force $outputs -ErrorAction SilentlyContinue
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $null = Watch-QuicProbe -Path $pcap -KeyLogFile $keys -WarningAction SilentlyContinue
    if ($i -gt $Warmup) { $pairedTimes += $watch.Elapsed.TotalSeconds }
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $null = Watch-QuicProbe -Path $pcap -KeyLogFile $keys -QlogOutDirectory (Join-Path $outputs 'qlog') -TimelinePath (Join-Path $outputs 'timeline.svg') -WarningAction SilentlyContinue
    if ($i -gt $Warmup) { $outputTimes += $watch.Elapsed.TotalSeconds }
}
$qlogBytes = (Get-ChildItem (Join-Path $outputs 'qlog') -File | Measure-Object Length -Sum).Sum
$svgBytes = (Get-Item (Join-Path $outputs 'timeline.svg')).Length
Remove-Item -Recurse -Force $outputs -ErrorAction SilentlyContinue

# Header-only: Watch-QuicProbe without keys, warm; the datagram count (UDP GSO segments counted as the datagrams
# they become on the wire) comes from the engine's counter.
# Allocation, measured on the reading thread for a whole (warm) read, without keys and with them (decryption included),
# by bench/AnalysisBench, which calls the analysis directly: the figure is the engine's, not the pipeline's.
$analysisBench = Join-Path $PSScriptRoot '../out/bench/analysis'
& dotnet build (Join-Path $PSScriptRoot 'AnalysisBench') -c Release -o $analysisBench --nologo -v q | Out-Null
if ($LASTEXITCODE -ne 0) { throw 'bench/AnalysisBench did not build.' }
function Measure-Allocation([string[]] $KeyLog) {
    $bytes, $datagrams, $events = (& dotnet (Join-Path $analysisBench 'AnalysisBench.dll') allocation $pcap @KeyLog) -split "`t"
    if ($LASTEXITCODE -ne 0) { throw "AnalysisBench exited with $LASTEXITCODE." }
    [pscustomobject]@{ Bytes = [long]$bytes; Datagrams = [long]$datagrams; Events = [int]$events }
}
$headerAllocation = Measure-Allocation
$keyedAllocation = Measure-Allocation $keys
$frames = $headerAllocation.Datagrams
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
$o = Get-Median $outputTimes
$p = Get-Median $pairedTimes
function Test-Same($a, $b) { $null -eq (Compare-Object @($a | Sort-Object -Unique) @($b | Sort-Object -Unique)) }
Write-Host ''
'{0,-44} {1,8:N3} s median of {2}' -f "tshark -Y 'quic.frame_type==0x1a||0x1b'", $t, $Repeat
'{0,-44} {1,8:N3} s median of {2} (cold first run: {3:N3} s)' -f 'Watch-QuicProbe -KeyLogFile (warm)', $w, $Repeat, $cold
'{0,-44} {1,8:N1}x  (goal >= 10x: {2})' -f 'ratio', ($t / $w), $(if ($t / $w -ge 10) { 'met' } else { 'NOT met' })
'{0,-44} tshark {1} frames / {2} values, Watch-QuicProbe {3} / {4}; same values: {5}, same count: {6}' -f 'PATH_CHALLENGE found', $tsharkData.Challenges.Count, @($tsharkData.Challenges | Sort-Object -Unique).Count, $watchData.Challenges.Count, @($watchData.Challenges | Sort-Object -Unique).Count, (Test-Same $tsharkData.Challenges $watchData.Challenges), ($tsharkData.Challenges.Count -eq $watchData.Challenges.Count)
'{0,-44} tshark {1} frames / {2} values, Watch-QuicProbe {3} / {4}; same values: {5}, same count: {6}' -f 'PATH_RESPONSE found', $tsharkData.Responses.Count, @($tsharkData.Responses | Sort-Object -Unique).Count, $watchData.Responses.Count, @($watchData.Responses | Sort-Object -Unique).Count, (Test-Same $tsharkData.Responses $watchData.Responses), ($tsharkData.Responses.Count -eq $watchData.Responses.Count)
'{0,-44} {1,8:N3} s median against {2:N3} s in the runs between, +{3:P0} (goal < +50 %: {4}); qlog {5:N1} MB, SVG {6:N0} KB' -f 'with -QlogOutDirectory and -TimelinePath', $o, $p, (($o - $p) / $p), $(if (($o - $p) / $p -lt 0.5) { 'met' } else { 'NOT met' }), ($qlogBytes / 1MB), ($svgBytes / 1KB)
'{0,-44} {1,8:N0} datagrams/s ({2:N0} datagrams in {3:N3} s; goal >= 1,000,000: {4})' -f 'header-only (no keys)', ($frames / $h), $frames, $h, $(if ($frames / $h -ge 1e6) { 'met' } else { 'NOT met' })
'{0,-44} {1,8:N0} KB for the whole file, {2:N1} bytes per datagram' -f 'engine allocation, header-only', ($headerAllocation.Bytes / 1KB), ($headerAllocation.Bytes / $headerAllocation.Datagrams)
'{0,-44} {1,8:N0} KB for the whole file, {2:N1} bytes per datagram ({3} events)' -f 'engine allocation, decrypting with keys', ($keyedAllocation.Bytes / 1KB), ($keyedAllocation.Bytes / $keyedAllocation.Datagrams), $keyedAllocation.Events
if (-not $CaptureDirectory) { Remove-Item -Recurse -Force $dir -ErrorAction SilentlyContinue }
