#Requires -Version 7.4
# Runs last (files run in name order): nothing of the suite's may be left on the machine.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

Describe 'After the suite' -Tag RequireRoot {
    It 'leaves no test namespaces behind' {
        & ip netns list | Where-Object { $_ -like 'mtt-*' } | Should -BeNullOrEmpty
    }
    It 'leaves no module state for test namespaces behind' {
        Get-ChildItem /run/migrationtools/netns -Directory -ErrorAction SilentlyContinue | Where-Object Name -like 'mtt-*' | Should -BeNullOrEmpty
    }
    It 'leaves no tunnel relay of a test namespace running' {
        & pgrep -af 'MigrationTools.Agent.dll' | Where-Object { $_ -match '/netns/mtt-' } | Should -BeNullOrEmpty
    }
}
