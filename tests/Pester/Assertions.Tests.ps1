#Requires -Version 7.4
# The Should operators the module adds for Pester users, tested with Pester itself: what passes, what fails, and the
# failure message that names what went wrong.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:prefix = New-TestPrefix

    function script:New-Pair([string] $From, [string] $To, [string] $Address, [bool] $Reachable) {
        [MigrationTools.Engine.Labs.LabReachability]::new('lab', $From, $To, $Address, $Reachable, $(if ($Reachable) { 0.05 } else { $null }))
    }
    function script:New-ProbeEvent([string] $Kind) {
        $e = [MigrationTools.Analysis.Quic.QuicProbeEvent]::new()
        $e.GetType().GetProperty('Kind').SetValue($e, [Enum]::Parse([MigrationTools.Analysis.Quic.QuicProbeEventKind], $Kind))
        $e
    }
    # The failure message Should gives, or $null when it passes.
    function script:Get-ShouldFailure([scriptblock] $Assertion) {
        try { & $Assertion; $null } catch { $_.Exception.Message }
    }
}

AfterAll {
    Remove-TestNamespace $prefix
}

Describe 'Should -BeReachable' {
    It 'is a Should operator once the module is imported with Pester loaded' {
        (Get-ShouldOperator).Name | Should -Contain 'BeReachable'
        (Get-ShouldOperator).Name | Should -Contain 'HaveNoQuicVerdict'
    }

    It 'passes when every pair is reachable and fails naming each pair that is not' {
        @(New-Pair A C fc01::1 $true; New-Pair A D fc02::2 $true) | Should -BeReachable
        $message = Get-ShouldFailure { @(New-Pair A C fc01::1 $true; New-Pair A D fc02::2 $false) | Should -BeReachable -Because 'D is up' }
        $message | Should -BeLike '*because D is up*1 of 2 are not: A -> D fc02::2*'
        $message | Should -Not -BeLike '*fc01::1*'
    }

    It 'fails on no results at all (a test that pinged nothing proves nothing)' {
        Get-ShouldFailure { @() | Should -BeReachable } | Should -BeLike '*got none*'
    }

    It 'with -Not passes only when no pair is reachable' {
        @(New-Pair A D fc02::2 $false) | Should -Not -BeReachable
        Get-ShouldFailure { @(New-Pair A C fc01::1 $true; New-Pair A D fc02::2 $false) | Should -Not -BeReachable } | Should -BeLike '*A -> C fc01::1*'
    }
}

Describe 'Should -HaveNoQuicVerdict' {
    It 'passes on events without a verdict and fails naming the verdicts' {
        @(New-ProbeEvent PathProbeSent; New-ProbeEvent PathValidated) | Should -HaveNoQuicVerdict
        $message = Get-ShouldFailure { @(New-ProbeEvent PathValidated; New-ProbeEvent EndlessProbing) | Should -HaveNoQuicVerdict }
        $message | Should -BeLike '*found 1: EndlessProbing*'
    }

    It 'reads results that carry their verdicts in a Verdicts property' {
        [pscustomobject]@{ Verdicts = @() } | Should -HaveNoQuicVerdict
        Get-ShouldFailure { [pscustomobject]@{ Verdicts = @('SourceAddressMismatch') } | Should -HaveNoQuicVerdict } | Should -BeLike '*SourceAddressMismatch*'
    }

    It 'with -Not passes only when there is a verdict' {
        @(New-ProbeEvent UndersizedProbe) | Should -Not -HaveNoQuicVerdict
        Get-ShouldFailure { @(New-ProbeEvent PathValidated) | Should -Not -HaveNoQuicVerdict } | Should -BeLike '*none*'
    }
}

Describe 'The sample test file' -Tag RequireRoot, Integration {
    It 'runs green against a real lab, with the operators' {
        $container = New-PesterContainer -Path (Join-Path $RepoRoot 'examples/MyLab.Tests.ps1') -Data @{ Prefix = "${prefix}my-"; ModuleManifest = $ModuleManifest }
        $configuration = New-PesterConfiguration
        $configuration.Run.Container = $container
        $configuration.Run.PassThru = $true
        $configuration.Output.Verbosity = 'None'
        $result = Invoke-Pester -Configuration $configuration
        $result.FailedCount | Should -Be 0
        $result.PassedCount | Should -BeGreaterOrEqual 3
        (& ip netns list) -join "`n" | Should -Not -Match "${prefix}my-"
    }
}
