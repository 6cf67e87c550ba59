# Dot-sourced from BeforeAll blocks: imports the built module and provides namespace hygiene helpers.
$script:ModuleManifest = if ($env:MIGRATIONTOOLS_MODULE) { $env:MIGRATIONTOOLS_MODULE } else { Join-Path $PSScriptRoot '../../out/MigrationTools/MigrationTools.psd1' }
Import-Module $script:ModuleManifest -Force -ErrorAction Stop
$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path

# Every namespace a test makes starts with this: `mtt-` plus a random part, so runs never collide.
function New-TestPrefix {
    'mtt-' + [Guid]::NewGuid().ToString('N').Substring(0, 6) + '-'
}

# Removes every namespace with the prefix, through the module and then directly, so cleanup works even
# when the module itself is what broke.
function Remove-TestNamespace([string] $Prefix) {
    Get-NetNs -Name "$Prefix*" -ErrorAction SilentlyContinue | Remove-NetNs -Confirm:$false -ErrorAction SilentlyContinue
    foreach ($name in (& ip netns list | ForEach-Object { ($_ -split ' ')[0] } | Where-Object { $_ -like "$Prefix*" })) {
        & ip netns pids $name | ForEach-Object { & kill -9 $_ 2>$null }
        & ip netns delete $name 2>$null
    }
}

# Runs a script block and returns the first ErrorRecord it raised (terminating or not). The block is re-created
# here so that it runs with ErrorActionPreference Stop whichever scope (e.g. -ForEach data) it was written in.
function Get-ErrorRecord([scriptblock] $Script) {
    $ErrorActionPreference = 'Stop'
    try {
        $null = & ([scriptblock]::Create($Script.ToString()))
    } catch {
        return $_
    }
    return $null
}

function Test-IsRoot { (& id -u) -eq '0' }

# True while a process exists and is not a zombie (a relay's parent is init, which reaps it a moment later).
function Test-ProcessAlive([int] $ProcessId) {
    $stat = Get-Content -Raw "/proc/$ProcessId/stat" -ErrorAction SilentlyContinue
    if (-not $stat) { return $false }
    $state = $stat.Substring($stat.LastIndexOf(')') + 2, 1)
    return $state -notin 'Z', 'X'
}
