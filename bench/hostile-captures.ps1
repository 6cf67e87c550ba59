<#
.SYNOPSIS
    Benchmark of Watch-QuicProbe's analysis on captures built to make it do quadratic work, at growing sizes.
.DESCRIPTION
    Builds bench/AnalysisBench (a console program that crafts the captures with the tests' QUIC scenario builder,
    real keys and all) and runs it: for each workload and size it writes the capture, then times the analysis and the
    per-connection summaries, and prints seconds, microseconds per item, events and peak memory. Linear work shows as a
    flat microseconds-per-item column.
      paths        one connection whose client probes N new addresses it never validates, going on from its own
      connections  N connections, each a ClientHello and an Initial from a second client address (a Migration event)
      crypto-gaps  client Initials carrying one-byte CRYPTO frames that each open a gap in the handshake stream
    Before the fixes of the hostile-input round the first two grew quadratically (20k paths 8.4 s, 40k 37.8 s;
    40k connections 110 s in the summaries).
.EXAMPLE
    dotnet pwsh bench/hostile-captures.ps1
.EXAMPLE
    dotnet pwsh bench/hostile-captures.ps1 -Workload paths -Size 10000, 100000
#>
[CmdletBinding()]
param(
    [ValidateSet('all', 'paths', 'connections', 'crypto-gaps')] [string[]] $Workload = 'all',
    [ValidateRange(100, 1000000)] [int[]] $Size = @(10000, 25000, 50000, 100000)
)
$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot
$out = Join-Path $root 'out/bench/hostile'
& dotnet build (Join-Path $PSScriptRoot 'AnalysisBench') -c Release -o $out --nologo -v q | Out-Null
if ($LASTEXITCODE -ne 0) { throw 'bench/AnalysisBench did not build.' }
& dotnet (Join-Path $out 'AnalysisBench.dll') ($Workload -join ',') @($Size | ForEach-Object { "$_" })
if ($LASTEXITCODE -ne 0) { throw "AnalysisBench exited with $LASTEXITCODE." }
