<#
.SYNOPSIS
    A sample Pester test of a QUIC server across every migration scenario, with Test-QuicMigration's results.
.DESCRIPTION
    Runs the server (-Server: a shipped implementation's name, or your own file's with -Path) against ngtcp2's client
    through every scenario once, then asserts each cell: Passed, or Unsupported where the server's file leaves the
    scenario out. Run it as root.
.EXAMPLE
    Invoke-Pester ./examples/QuicServer.Tests.ps1
.EXAMPLE
    Invoke-Pester -Container (New-PesterContainer -Path ./examples/QuicServer.Tests.ps1 -Data @{ Server = 'quic-go' })
    quic-go 0.29's server fails four scenarios.
#>
#Requires -Version 7.4
param(
    [string] $Server = 'ngtcp2',
    [string] $Client = 'ngtcp2',
    [string[]] $Path = @()
)

BeforeDiscovery {
    $script:scenarios = 'Transfer', 'RebindPort', 'RebindAddress', 'ClientMigration', 'DsrLoadBalancer', 'PreferredAddress'
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../out/MigrationTools/MigrationTools.psd1') -ErrorAction Stop
    $script:output = Join-Path ([IO.Path]::GetTempPath()) "quic-server-tests-$PID"
    $script:results = @(Test-QuicMigration -Server $Server -Client $Client -Scenario * -Path $Path -OutputDirectory $output)
}

AfterAll {
    Remove-Item -Recurse -Force $output -ErrorAction SilentlyContinue
}

Describe 'The server <Server> with the client <Client>' {
    It 'has a result for every scenario' {
        $results | Should -Not -BeNullOrEmpty
        $results.Count | Should -Be 6
    }

    It 'passes <_> (or does not support it)' -ForEach $scenarios {
        $cell = $results | Where-Object Scenario -eq $_
        $cell.Outcome | Should -BeIn 'Passed', 'Unsupported' -Because $cell.Reason
    }
}
