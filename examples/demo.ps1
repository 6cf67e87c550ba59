<#
.SYNOPSIS
    Both experiments end to end in under a minute: a ping flow moved between namespaces, and QUIC connections
    migrating behind an IP-in-IP load balancer, to an ngtcp2 and a quic-go server, correct and with the origin's fault.
.DESCRIPTION
    1. Ping flow migration (ping-flow-migration.ps1): A pings the abstract address fe00::1 while the address is
       switched between C and D every 0.3 s; prints echoes sent, received and lost, echoes per location and the
       switch times.
    2. QUIC behind a load balancer (Test-QuicMigration, scenario DsrLoadBalancer): a real ngtcp2 client downloads a
       file through the VIP from a real ngtcp2 server and from quic-go's server, and migrates to its second path;
       the analyzer reads router1's capture. ngtcp2's server validates the new path (Passed, no verdict); quic-go's
       sends disable_active_migration, so ngtcp2's client does not move (Failed, said in one sentence).
    3. The same with the origin's fault (-Fault ProbeFromRealAddress): the server probes the new path from its real
       address instead of the VIP; the client must discard those packets, so the analyzer reports
       SourceAddressMismatch and UnansweredChallenge, and the download stalls.
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
    # Also return the experiments' result objects (the ping flow, then one per QUIC cell).
    [switch] $PassThru
)
$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest -Force
if (-not $env:MIGRATIONTOOLS_BUILD_ROOT) { $env:MIGRATIONTOOLS_BUILD_ROOT = Join-Path $PSScriptRoot '../out/build' }
$OutputDirectory = [IO.Path]::GetFullPath($OutputDirectory)
$null = New-Item -ItemType Directory -Force -Path $OutputDirectory
$clock = [Diagnostics.Stopwatch]::StartNew()

function Write-Step([string] $Text) { Write-Host "`n=== $Text" -ForegroundColor Cyan }

Write-Step '1/3  Ping flow migration: A pings fe00::1 while it moves between C and D'
$ping = & (Join-Path $PSScriptRoot 'ping-flow-migration.ps1') -Swaps 10 -Interval 0.3 -Prefix 'demo-pf-' -ModuleManifest $ModuleManifest `
    -TimelinePath (Join-Path $OutputDirectory 'ping-flow.svg') 6>$null

Write-Step '2/3  QUIC migration behind the load balancer: ngtcp2 and quic-go servers, ngtcp2 client'
$quic = Join-Path $OutputDirectory 'quic'
$good = @(Test-QuicMigration -Server ngtcp2, quic-go -Client ngtcp2 -Scenario DsrLoadBalancer -OutputDirectory $quic)

Write-Step '3/3  The same with the fault: the server probes the new path from its real address'
$bad = @(Test-QuicMigration -Server ngtcp2, quic-go -Client ngtcp2 -Scenario DsrLoadBalancer -Fault ProbeFromRealAddress -OutputDirectory $quic)

Write-Step "Summary ($([int]$clock.Elapsed.TotalSeconds) s)"
Write-Host ("Ping flow:               {0} echo requests sent, {1} answered, {2} lost; {3} reached C and {4} reached D over {5} switches (median {6} ms each)." -f
    $ping.Sent, $ping.Received, $ping.Lost, $ping.EchoesInC, $ping.EchoesInD, $ping.Switches, $ping.MedianSwitchMs)
foreach ($cell in @($good | Sort-Object Server) + @($bad | Sort-Object Server)) {
    $label = 'QUIC, {0}, {1}:' -f $cell.Server, $(if ($cell.Fault) { 'faulty' } else { 'correct' })
    Write-Host ('{0,-24} {1}; download {2}; verdicts: {3}.{4}' -f $label, $cell.Outcome, $(if ($cell.TransferComplete) { 'complete' } else { 'stalled' }),
        $(if ($cell.Verdicts) { $cell.Verdicts -join ', ' } else { 'none' }), $(if ($cell.Outcome -ne 'Passed') { ' ' + $cell.Reason }))
}
Write-Host @"

What this shows: the ping never noticed that fe00::1 moved ($($ping.Lost) lost). The QUIC client's new path was
validated when ngtcp2's server answered from the VIP; when it probed from its real address the client had to drop
those probes (SourceAddressMismatch), so the challenges went unanswered (UnansweredChallenge) and probing never
ended. Each cell's capture, key logs, qlogs and timeline are in its folder. Files: $OutputDirectory
"@
if ($PassThru) {
    [pscustomobject]@{ Experiment = 'PingFlow'; Result = $ping }
    foreach ($cell in @($good) + @($bad)) { [pscustomobject]@{ Experiment = "Quic-$($cell.Server)$(if ($cell.Fault) { '-faulty' })"; Result = $cell } }
}
