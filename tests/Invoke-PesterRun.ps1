<#
.SYNOPSIS
    Runs the Pester suite against a built module in this (fresh) process and writes a count summary.
#>
param(
    [Parameter(Mandatory)] [string] $PesterManifest,
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $ResultFile,
    [Parameter(Mandatory)] [string] $SummaryFile,
    [string] $ExcludeTag = ''
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterManifest -Force
$env:MIGRATIONTOOLS_MODULE = (Resolve-Path $ModuleManifest).Path
# The test helpers record here every namespace the module failed to remove, for the last test file to report.
$env:MIGRATIONTOOLS_CLEANUP_LOG = Join-Path (Split-Path $ResultFile) 'fallback-cleanups.txt'
Remove-Item $env:MIGRATIONTOOLS_CLEANUP_LOG -ErrorAction SilentlyContinue
$config = New-PesterConfiguration
$config.Run.Path = Join-Path $PSScriptRoot 'Pester'
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'JUnitXml'
$config.TestResult.OutputPath = $ResultFile
if ($ExcludeTag) { $config.Filter.ExcludeTag = $ExcludeTag -split ',' }
$result = Invoke-Pester -Configuration $config
[pscustomobject]@{
    Passed  = $result.PassedCount
    Failed  = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    Skipped = $result.SkippedCount + $result.NotRunCount
} | ConvertTo-Json | Set-Content -Path $SummaryFile
