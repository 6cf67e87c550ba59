<#
.SYNOPSIS
    Benchmark of Test-QuicMigration: the whole matrix (ngtcp2 and quic-go, as servers and clients, every scenario), at
    -ThrottleLimit cells at once against the same cells one at a time, in one run.
.DESCRIPTION
    Runs `Test-QuicMigration -Server ngtcp2,quic-go -Client ngtcp2,quic-go -Scenario *` twice: first with
    -ThrottleLimit (the core count by default), then with -ThrottleLimit 1 (the serial baseline). Prints each cell's
    outcome and time in both runs, both totals and their ratio, and the matrix as Markdown (the README's table is this
    output, not typed). quic-go is built first (out/build, skipped when built), so the build is not timed. Goal: the
    whole matrix in under 90 s on 2 cores.
.EXAMPLE
    dotnet pwsh bench/quic-matrix.ps1
#>
[CmdletBinding()]
param(
    [ValidateRange(1, 64)] [int] $ThrottleLimit = [Environment]::ProcessorCount,
    [string] $OutputDirectory = (Join-Path $PSScriptRoot '../out/bench/quic-matrix'),
    [string] $ModuleManifest = (Join-Path $PSScriptRoot '../out/MigrationTools/MigrationTools.psd1')
)
$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest -Force
if (-not $env:MIGRATIONTOOLS_BUILD_ROOT) { $env:MIGRATIONTOOLS_BUILD_ROOT = Join-Path $PSScriptRoot '../out/build' }
$implementations = 'ngtcp2', 'quic-go'
# Built before the clock starts (a no-op when built): the benchmark times the matrix, not Go.
$null = Test-QuicMigration -Server $implementations -Client $implementations -Scenario PreferredAddress -OutputDirectory (Join-Path $OutputDirectory 'build')

$runs = foreach ($limit in $ThrottleLimit, 1) {
    $directory = Join-Path $OutputDirectory "throttle-$limit"
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $results = @(Test-QuicMigration -Server $implementations -Client $implementations -Scenario * -ThrottleLimit $limit -OutputDirectory $directory -ReportPath (Join-Path $directory 'matrix.md'))
    [pscustomobject]@{ ThrottleLimit = $limit; Seconds = $watch.Elapsed.TotalSeconds; Results = $results; Report = Join-Path $directory 'matrix.md' }
}

$parallel, $serial = $runs
'{0,-9} {1,-9} {2,-17} {3,-12} {4,9} {5,9}' -f 'Server', 'Client', 'Scenario', 'Outcome', "x$ThrottleLimit s", 'serial s'
foreach ($cell in $parallel.Results | Sort-Object Scenario, Server, Client) {
    $same = $serial.Results | Where-Object { $_.Server -eq $cell.Server -and $_.Client -eq $cell.Client -and $_.Scenario -eq $cell.Scenario }
    '{0,-9} {1,-9} {2,-17} {3,-12} {4,9:N1} {5,9:N1}{6}' -f $cell.Server, $cell.Client, $cell.Scenario, $cell.Outcome, $cell.Duration.TotalSeconds, $same.Duration.TotalSeconds,
        $(if ($same.Outcome -ne $cell.Outcome) { "  (serial: $($same.Outcome))" })
}
''
'Whole matrix ({0} cells): {1:N1} s with -ThrottleLimit {2}, {3:N1} s one at a time ({4:N2}x); goal: under 90 s.' -f $parallel.Results.Count, $parallel.Seconds, $ThrottleLimit, $serial.Seconds, ($serial.Seconds / $parallel.Seconds)
"Machine: $([Environment]::ProcessorCount) cores, $((Get-Content /proc/meminfo -TotalCount 1) -replace '\s+', ' '), kernel $(& uname -r)"
''
Get-Content $parallel.Report
