<#
.SYNOPSIS
    Both experiments end to end in under a minute: a ping flow moved between namespaces, and a QUIC connection
    migrating behind an IP-in-IP load balancer, once with a correct server and once with a faulty one.
.DESCRIPTION
    1. Ping flow migration (ping-flow-migration.ps1): A pings the abstract address fe00::1 while the address is
       switched between C and D every 0.3 s; prints echoes sent, received and lost, echoes per location and the
       switch times.
    2. QUIC behind a load balancer (quic-lb-lab.ps1), correct server: a real ngtcp2 client downloads a file from a
       real ngtcp2 server through the VIP and migrates to its second path; Watch-QuicProbe reads router1's
       capture and should find the new path validated (PathValidated) and no verdict.
    3. The same with the faulty server, which probes the new path from its real address instead of the VIP: the
       client must discard those packets, so Watch-QuicProbe should report SourceAddressMismatch and
       UnansweredChallenge, and the download stalls.
    Ends with a short summary. Captures, key logs, qlogs and reports go under -OutputDirectory. Every lab is
    removed at the end of its step, also on failure or Ctrl+C.
.EXAMPLE
    dotnet pwsh ./examples/demo.ps1
.EXAMPLE
    ./build.ps1 -Task Demo
.OUTPUTS
    With -PassThru, one result object per experiment.
.LINK
    about_MigrationTools
#>
[CmdletBinding()]
param(
    # Where the experiments write their files.
    [string] $OutputDirectory = (Join-Path $PSScriptRoot '../out/demo'),
    # The module to use; the built one by default.
    [string] $ModuleManifest = (Join-Path $PSScriptRoot '../out/MigrationTools/MigrationTools.psd1'),
    # Also return the three experiments' result objects.
    [switch] $PassThru
)
$ErrorActionPreference = 'Stop'
$OutputDirectory = [IO.Path]::GetFullPath($OutputDirectory)
$null = New-Item -ItemType Directory -Force -Path $OutputDirectory
$clock = [Diagnostics.Stopwatch]::StartNew()

function Write-Step([string] $Text) { Write-Host "`n=== $Text" -ForegroundColor Cyan }

Write-Step '1/3  Ping flow migration: A pings fe00::1 while it moves between C and D'
$ping = & (Join-Path $PSScriptRoot 'ping-flow-migration.ps1') -Swaps 10 -Interval 0.3 -Prefix 'demo-pf-' -ModuleManifest $ModuleManifest `
    -TimelinePath (Join-Path $OutputDirectory 'ping-flow.svg') 6>$null

Write-Step '2/3  QUIC migration behind the load balancer, correct server'
$good = & (Join-Path $PSScriptRoot 'quic-lb-lab.ps1') -OutputDirectory (Join-Path $OutputDirectory 'quic-correct') -DownloadSize 2MB -RateMbit 20 `
    -TimeoutSeconds 20 -Prefix 'demo-ok-' -ModuleManifest $ModuleManifest 6>$null

Write-Step '3/3  The same with a faulty server that probes from its real address'
$bad = & (Join-Path $PSScriptRoot 'quic-lb-lab.ps1') -OutputDirectory (Join-Path $OutputDirectory 'quic-faulty') -DownloadSize 2MB -RateMbit 20 `
    -TimeoutSeconds 6 -FaultyProbeSource -Prefix 'demo-bad-' -ModuleManifest $ModuleManifest 6>$null

$verdicts = { param($r) if ($r.Verdicts) { $r.Verdicts -join ', ' } else { 'none' } }
Write-Step "Summary ($([int]$clock.Elapsed.TotalSeconds) s)"
Write-Host ("Ping flow:        {0} echo requests sent, {1} answered, {2} lost; {3} reached C and {4} reached D over {5} switches (median {6} ms each)." -f
    $ping.Sent, $ping.Received, $ping.Lost, $ping.EchoesInC, $ping.EchoesInD, $ping.Switches, $ping.MedianSwitchMs)
Write-Host ("QUIC, correct:    download {0}; {1} path validation(s); verdicts: {2}." -f
    $(if ($good.DownloadCompleted) { 'complete' } else { 'INCOMPLETE' }), $good.PathValidations, (& $verdicts $good))
Write-Host ("QUIC, faulty:     download {0}; {1} packets to the new path came from the real address {2}; verdicts: {3}." -f
    $(if ($bad.DownloadCompleted) { 'complete' } else { 'stalled' }), $bad.NewPathPacketsFromRealIp, '10.220.0.2', (& $verdicts $bad))
Write-Host @"

What this shows: the ping never noticed that fe00::1 moved ($($ping.Lost) lost). The QUIC client's new path was
validated when the server answered from the VIP; when the server probed from its real address the client had to
drop those probes (SourceAddressMismatch), so the challenges went unanswered (UnansweredChallenge) and probing never
ended. Files: $OutputDirectory
"@
if ($PassThru) {
    [pscustomobject]@{ Experiment = 'PingFlow'; Result = $ping }
    [pscustomobject]@{ Experiment = 'QuicCorrect'; Result = $good }
    [pscustomobject]@{ Experiment = 'QuicFaulty'; Result = $bad }
}
