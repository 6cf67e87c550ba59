#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Build entry point for MigrationTools.
.DESCRIPTION
    Tasks, run in the order given:
      Bootstrap  installs the Debian packages the module and its tests use, restores the local .NET tools
                 (so `dotnet pwsh` exists) and the PowerShell modules the tests use (Pester, from NuGet).
      Build      builds the cmdlets and lays the module out under out/MigrationTools, with its help.
      Package    publishes out/MigrationTools as a .nupkg into the local repository out/repo.
      Test       xunit (engine, and the cmdlets hosted in-process), then Pester in a fresh pwsh with the built
                 module; results under out/test-results; ends with a line `N passed, N failed, N skipped`.
      Demo       runs both experiments end to end (examples/demo.ps1) and prints the verdicts.
      Mutation   Stryker.NET over whole projects (-MutationProject; the analysis by default), or the files
                 -MutationScope names;
                 report under out/mutation, and the score of each file, those under 80 % marked.
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Task Bootstrap,Demo
#>
[CmdletBinding()]
param(
    # Task names; a comma-separated string works too, as a shell passes it to `pwsh -File`.
    [string[]] $Task = @('Build'),
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',
    # Pester tags to leave out, e.g. RequireRoot on a machine where you are not root.
    [string[]] $ExcludeTag = @(),
    # Pester tags to leave out are also xunit categories: -ExcludeTag Fuzz skips the fuzz tests in a local run.
    # Mutation: the projects whose code is mutated, each as a whole (MigrationTools.Analysis, .Core, .Engine, .Agent).
    [string[]] $MutationProject = @('MigrationTools.Analysis'),
    # Mutation: only these files of those projects (Stryker globs, e.g. '**/Quic/Analysis/*.cs');
    # a run over the whole scope takes more than an hour on two cores.
    [string[]] $MutationScope = @()
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$knownTasks = 'Bootstrap', 'Build', 'Package', 'Test', 'Demo', 'Mutation', 'Clean'
$Task = @($Task | ForEach-Object { $_ -split ',' } | ForEach-Object Trim | Where-Object { $_ })
$ExcludeTag = @($ExcludeTag | ForEach-Object { $_ -split ',' } | Where-Object { $_ })
foreach ($t in $Task) { if ($t -notin $knownTasks) { throw "Unknown task '$t'. Known tasks: $($knownTasks -join ', ')." } }
# Test needs the built module and its package; Demo and Package need the built module.
$needs = @{ Test = @('Build', 'Package'); Package = @('Build'); Demo = @('Build') }
$ordered = [System.Collections.Generic.List[string]]::new()
function Add-Task([string] $name) {
    if ($ordered.Contains($name)) { return }
    foreach ($dependency in @($needs[$name] | Where-Object { $_ })) { Add-Task $dependency }
    $ordered.Add($name)
}
foreach ($t in $Task) { Add-Task $t }
$Task = $ordered.ToArray()
$root = $PSScriptRoot
$out = Join-Path $root 'out'
$moduleOut = Join-Path $out 'MigrationTools'
$results = Join-Path $out 'test-results'
# Builds of QUIC implementations (quic-go) are cached here, for the tests, the demo and the benchmarks.
$env:MIGRATIONTOOLS_BUILD_ROOT = Join-Path $out 'build'
$debianPackages = @(
    'iproute2', 'procps', 'iputils-ping', 'nftables', 'iptables', 'conntrack', 'tcpdump',
    'ncat', 'iperf3', 'ngtcp2-client', 'ngtcp2-server', 'tshark', 'openssl', 'graphviz', 'librsvg2-bin', 'util-linux', 'ethtool',
    # the kernel's list of loaded eBPF programs, for the tests of the tunnel's fast path
    'bpftool',
    # quic-go's interop-runner endpoints, built offline by Test-QuicMigration (GOPATH mode) into out/build
    'golang-go', 'golang-github-lucas-clemente-quic-go-dev',
    # simulated hosts of the tests of labs across hosts: sshd in a namespace, with the PowerShell subsystem
    'openssh-server'
)

function Invoke-Native {
    param([Parameter(Mandatory)] [string] $FilePath, [string[]] $ArgumentList = @())
    Write-Host "> $FilePath $($ArgumentList -join ' ')" -ForegroundColor DarkGray
    & $FilePath @ArgumentList
    if ($LASTEXITCODE -ne 0) { throw "$FilePath exited with code $LASTEXITCODE" }
}

function Get-NuGetPackageRoot {
    if ($env:NUGET_PACKAGES) { return $env:NUGET_PACKAGES }
    return Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages'
}

function Get-PesterManifest {
    $manifest = Get-ChildItem (Join-Path (Get-NuGetPackageRoot) 'pester') -Filter Pester.psd1 -Recurse -ErrorAction SilentlyContinue |
        Where-Object { $_.Directory.Name -eq 'tools' } | Sort-Object FullName -Descending | Select-Object -First 1
    if (-not $manifest) { throw 'Pester is not restored. Run ./build.ps1 -Task Bootstrap.' }
    return $manifest.FullName
}

# PowerShell passes $null to a [string] .NET parameter as "", which would leave variables set but empty.
function Restore-Environment([hashtable] $Saved) {
    foreach ($name in $Saved.Keys) {
        if ($null -eq $Saved[$name]) { Remove-Item "env:$name" -ErrorAction SilentlyContinue }
        else { Set-Item "env:$name" $Saved[$name] }
    }
}

function Invoke-Bootstrap {
    if (-not $IsLinux) { throw 'MigrationTools runs only on Linux.' }
    $missing = $debianPackages | Where-Object { -not (& dpkg-query -W -f '${Status}' $_ 2>$null | Select-String 'install ok installed') }
    if ($missing) {
        if ((& id -u) -ne '0') { throw "Installing $($missing -join ', ') needs root (apt-get)." }
        $env:DEBIAN_FRONTEND = 'noninteractive'
        # Packages with a daemon (openssh-server) are installed without starting it: the tests start their own
        # sshd inside namespaces, and nothing of theirs listens on the machine.
        $policy = '/usr/sbin/policy-rc.d'
        $ownPolicy = -not (Test-Path $policy)
        if ($ownPolicy) { Set-Content -Path $policy -Value "#!/bin/sh`nexit 101" ; & chmod 755 $policy }
        try {
            Invoke-Native apt-get @('update', '-qq')
            Invoke-Native apt-get (@('install', '-y', '-qq', '--no-install-recommends') + $missing)
        }
        finally {
            if ($ownPolicy) { Remove-Item $policy -Force }
        }
    } else {
        Write-Host 'Debian packages: all present.'
    }
    Invoke-Native dotnet @('tool', 'restore')
    Invoke-Native dotnet @('restore', (Join-Path $root 'build/Dependencies.csproj'))
}

function Invoke-Build {
    # The module is what `dotnet publish` of the cmdlets and of the agent leaves, plus the manifest, formats, labs and
    # help; no list of files to keep in step with the projects.
    if (Test-Path $moduleOut) { Remove-Item $moduleOut -Recurse -Force }
    foreach ($project in 'src/MigrationTools/MigrationTools.csproj', 'src/MigrationTools.Agent/MigrationTools.Agent.csproj') {
        Invoke-Native dotnet @('publish', (Join-Path $root $project), '-c', $Configuration, '-o', $moduleOut, '--nologo', '-v', 'q')
    }
    Copy-Item (Join-Path $root 'module/*') $moduleOut -Recurse
    Copy-Item (Join-Path $root 'LICENSE') $moduleOut -ErrorAction SilentlyContinue
    $help = Join-Path $moduleOut 'en-US/MigrationTools.dll-Help.xml'
    Invoke-Native dotnet @('pwsh', '-NoProfile', '-NonInteractive', '-File', (Join-Path $root 'build/New-MamlHelp.ps1'),
        '-ModuleManifest', (Join-Path $moduleOut 'MigrationTools.psd1'), '-XmlDocFile', (Join-Path $moduleOut 'MigrationTools.xml'), '-OutputFile', $help)
    # The XML documentation files served the help above; the module does not ship them.
    Get-ChildItem $moduleOut -Filter 'MigrationTools*.xml' | Remove-Item
    Write-Host "Module laid out in $moduleOut"
}

function Invoke-Package {
    $repo = Join-Path $out 'repo'
    if (Test-Path $repo) { Remove-Item $repo -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $repo
    $isolatedHome = Join-Path $out 'psresource-home'
    $null = New-Item -ItemType Directory -Force -Path $isolatedHome
    # A child process with its own HOME, so registering the repository never touches the caller's PSResourceGet settings.
    $script = @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name MigrationToolsLocal -Uri '$repo' -Trusted -Force
Publish-PSResource -Path '$moduleOut' -Repository MigrationToolsLocal -SkipDependenciesCheck
"@
    $saved = @{ HOME = $env:HOME; DOTNET_CLI_HOME = $env:DOTNET_CLI_HOME; NUGET_PACKAGES = $env:NUGET_PACKAGES; XDG_CONFIG_HOME = $env:XDG_CONFIG_HOME }
    # The child runs in the isolated home too: the NuGet client inside PSResourceGet writes a NuGet/NuGet.Config
    # relative to the working directory, which would otherwise be the repository.
    Push-Location $isolatedHome
    try {
        $env:NUGET_PACKAGES = Get-NuGetPackageRoot
        $env:DOTNET_CLI_HOME = if ($env:DOTNET_CLI_HOME) { $env:DOTNET_CLI_HOME } else { $env:HOME }
        $env:HOME = $isolatedHome
        $env:XDG_CONFIG_HOME = Join-Path $isolatedHome '.config'
        Invoke-Native dotnet @('pwsh', '-NoProfile', '-NonInteractive', '-Command', $script)
    } finally {
        Pop-Location
        Restore-Environment $saved
    }
    Get-ChildItem $repo -Filter *.nupkg | ForEach-Object { Write-Host "Package: $($_.FullName)" }
}

function Invoke-Test {
    $null = New-Item -ItemType Directory -Force -Path $results
    Get-ChildItem $results -File | Remove-Item -Force

    $xunitPassed = 0; $xunitFailed = 0; $xunitSkipped = 0
    foreach ($suite in 'MigrationTools.Engine.Tests', 'MigrationTools.Cmdlets.Tests') {
        $trx = "$suite.trx"
        $filter = @($ExcludeTag | Where-Object { $_ -ne 'RequireRoot' } | ForEach-Object { "Category!=$_" }) -join '&'
        & dotnet test (Join-Path $root "tests/$suite") -c $Configuration --nologo -v q `
            --logger "trx;LogFileName=$trx" --results-directory $results @(if ($filter) { '--filter', $filter })
        $exit = $LASTEXITCODE
        $failedHere = 0
        $trxPath = Join-Path $results $trx
        if (Test-Path $trxPath) {
            $counters = ([xml](Get-Content -Raw $trxPath)).TestRun.ResultSummary.Counters
            $xunitPassed += [int]$counters.passed
            $failedHere = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout
            $xunitSkipped += [int]$counters.notExecuted
        }
        if ($exit -ne 0 -and $failedHere -eq 0) {
            # A crashed test host can leave a .trx that counts no failure: the exit code still says the run failed.
            Write-Warning "dotnet test of $suite exited with $exit although no test failed: counting the run as one failure."
            $failedHere = 1
        }
        $xunitFailed += $failedHere
    }
    Write-Host "xunit: $xunitPassed passed, $xunitFailed failed, $xunitSkipped skipped"

    $exclude = @($ExcludeTag)
    if ((& id -u) -ne '0' -and 'RequireRoot' -notin $exclude) {
        Write-Warning 'Not root: tests tagged RequireRoot are left out.'
        $exclude += 'RequireRoot'
    }
    $summary = Join-Path $results 'pester-summary.json'
    Invoke-Native dotnet @('pwsh', '-NoProfile', '-NonInteractive', '-File', (Join-Path $root 'tests/Invoke-PesterRun.ps1'),
        '-PesterManifest', (Get-PesterManifest), '-ModuleManifest', (Join-Path $moduleOut 'MigrationTools.psd1'),
        '-ResultFile', (Join-Path $results 'pester.xml'), '-SummaryFile', $summary, '-ExcludeTag', ($exclude -join ','))
    $pester = Get-Content -Raw $summary | ConvertFrom-Json

    $passed = $xunitPassed + $pester.Passed
    $failed = $xunitFailed + $pester.Failed
    $skipped = $xunitSkipped + $pester.Skipped
    Write-Host ''
    Write-Host "$passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0) { exit 1 }
}

# Mutation testing (Stryker.NET, a local .NET tool), one project at a time: every mutant the xunit tests do not kill
# is a behaviour no test checks. The HTML report goes to out/mutation/<project>/reports/.
function Invoke-Mutation {
    Invoke-Native dotnet @('tool', 'restore')
    $testProject = Join-Path $root 'tests/MigrationTools.Engine.Tests/MigrationTools.Engine.Tests.csproj'
    foreach ($project in @($MutationProject | ForEach-Object { $_ -split ',' } | Where-Object { $_ })) {
        $output = Join-Path $out "mutation/$project"
        $arguments = @('stryker', '--config-file', (Join-Path $root 'build/stryker-config.json'), '--output', $output, '--project', "$project.csproj", '--test-project', $testProject)
        foreach ($glob in @($MutationScope | ForEach-Object { $_ -split ',' } | Where-Object { $_ })) { $arguments += @('--mutate', $glob) }
        # The scope is the project: Stryker runs in its folder and mutates what it compiles.
        Push-Location (Join-Path $root "src/$project")
        try {
            Invoke-Native dotnet $arguments
        } finally {
            Pop-Location
        }
        Write-MutationScores (Join-Path $output 'reports/mutation-report.json')
    }
}

function Write-MutationScores([string] $report) {
    if (-not (Test-Path $report)) { return }
    # Killed and timed-out mutants count as detected; survivors and uncovered ones as not; the rest (compile errors,
    # ignored) are not part of the score, as in Stryker's own figure.
    $rows = foreach ($file in (Get-Content $report -Raw | ConvertFrom-Json -AsHashtable).files.GetEnumerator()) {
        $detected = @($file.Value.mutants | Where-Object { $_.status -in 'Killed', 'Timeout' }).Count
        $missed = @($file.Value.mutants | Where-Object { $_.status -in 'Survived', 'NoCoverage' }).Count
        if ($detected + $missed -gt 0) {
            [pscustomobject]@{ File = ($file.Key -replace '^.*/src/', ''); Detected = $detected; Total = $detected + $missed; Score = [math]::Round(100 * $detected / ($detected + $missed), 1) }
        }
    }
    $rows | Sort-Object Score | ForEach-Object { '{0,6:0.0} % {1,5}/{2,-5} {3}{4}' -f $_.Score, $_.Detected, $_.Total, $_.File, $(if ($_.Score -lt 80) { '   (under 80 %)' } else { '' }) }
    $all = ($rows | Measure-Object Detected -Sum).Sum
    $total = ($rows | Measure-Object Total -Sum).Sum
    if ($total) { Write-Host ('{0} of {1} mutants detected ({2:0.0} %); report: {3}' -f $all, $total, (100 * $all / $total), ($report -replace 'json$', 'html')) }
}

function Invoke-Demo {
    Invoke-Native dotnet @('pwsh', '-NoProfile', '-NonInteractive', '-File', (Join-Path $root 'examples/demo.ps1'),
        '-ModuleManifest', (Join-Path $moduleOut 'MigrationTools.psd1'))
}

Push-Location $root
try {
    foreach ($t in $Task) {
        Write-Host "=== $t ===" -ForegroundColor Cyan
        switch ($t) {
            'Bootstrap' { Invoke-Bootstrap }
            'Build' { Invoke-Build }
            'Mutation' { Invoke-Mutation }
            'Package' { Invoke-Package }
            'Test' { Invoke-Test }
            'Demo' { Invoke-Demo }
            'Clean' { if (Test-Path $out) { Remove-Item $out -Recurse -Force } }
        }
    }
} finally {
    Pop-Location
}
