#Requires -Version 7.4
# Runs last (files run in name order): nothing the suite made may be left on the machine, and what the module
# itself removes must have been enough (the test helpers' fallback cleanup records every time it was needed).
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

Describe 'After the suite' -Tag RequireRoot {
    It 'the module removed every test namespace itself (no fallback cleanup was needed)' {
        $log = $env:MIGRATIONTOOLS_CLEANUP_LOG
        if ($log -and (Test-Path $log)) { Get-Content $log | Should -BeNullOrEmpty }
    }
    It 'leaves no test namespaces behind' {
        & ip netns list | Where-Object { $_ -like 'mtt-*' -or $_ -like 'mtx-*' } | Should -BeNullOrEmpty
    }
    It 'leaves no module state for test namespaces or labs behind' {
        Get-ChildItem /run/migrationtools/netns -Directory -ErrorAction SilentlyContinue | Where-Object Name -like 'mt[tx]-*' | Should -BeNullOrEmpty
        Get-ChildItem /run/migrationtools/labs -Directory -ErrorAction SilentlyContinue | Where-Object Name -like 'mt[tx]-*' | Should -BeNullOrEmpty
    }
    It 'leaves no tunnel relay and no capture running' {
        & pgrep -af 'MigrationTools.Agent.dll' | Where-Object { $_ -match '/netns/mt[tx]-' } | Should -BeNullOrEmpty
        # Every tcpdump the suite started ran inside a test namespace, all of which are gone.
        & pgrep -x tcpdump | Should -BeNullOrEmpty
    }
}
