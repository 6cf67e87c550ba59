# Dot-sourced from BeforeAll blocks: imports the built module, the shared test helpers and the examples' own
# helpers, and makes every error in a test stop it (a non-terminating error would otherwise pass unseen).
$script:ModuleManifest = if ($env:MIGRATIONTOOLS_MODULE) { $env:MIGRATIONTOOLS_MODULE } else { Join-Path $PSScriptRoot '../../out/MigrationTools/MigrationTools.psd1' }
Import-Module $script:ModuleManifest -Force -ErrorAction Stop
Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force -ErrorAction Stop
$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
Import-Module (Join-Path $script:RepoRoot 'examples/Experiments.psm1') -Force -ErrorAction Stop
$ErrorActionPreference = 'Stop'
