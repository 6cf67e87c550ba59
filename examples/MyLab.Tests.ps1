<#
.SYNOPSIS
    A sample Pester test of one's own lab, with the Should operators MigrationTools adds (-BeReachable,
    -HaveNoQuicVerdict).
.DESCRIPTION
    Builds the shipped ping-flow lab under -Prefix, checks that every pair is reachable, moves the abstract address
    and back, and takes a link down and repairs the lab, each with Should -BeReachable. Run it as root:
    Invoke-Pester ./examples/MyLab.Tests.ps1
.EXAMPLE
    Invoke-Pester ./examples/MyLab.Tests.ps1
#>
#Requires -Version 7.4
param(
    [string] $Prefix = 'mylab-',
    [string] $ModuleManifest = (Join-Path $PSScriptRoot '../out/MigrationTools/MigrationTools.psd1')
)

BeforeAll {
    # Pester is loaded first (Invoke-Pester did it), so importing the module adds its Should operators.
    Import-Module $ModuleManifest -Force
    $script:lab = New-NetLab -Template ping-flow -Prefix $Prefix
}

AfterAll {
    if ($lab) { Remove-NetLab -Name $lab.Name -Confirm:$false }
}

Describe 'My ping-flow lab' {
    It 'reaches every address it should' {
        Test-NetLab -Name $lab.Name | Should -BeReachable
    }

    It 'moves the abstract address from C to D and back, and stays reachable' {
        $a = $lab.NamespaceOf('A')
        (Switch-FlowTarget -Namespace $a -PassThru).NewTarget.ToString() | Should -Be 'fc02::2'
        Test-NetLab -Name $lab.Name -From A | Should -BeReachable
        (Switch-FlowTarget -Namespace $a -PassThru).NewTarget.ToString() | Should -Be 'fc01::1'
    }

    It 'a lab link taken down makes the pairs through it unreachable, and Repair-NetLab brings them back' {
        $c = $lab.NamespaceOf('C')
        Set-NetNsLink -Namespace $c -Name c-b -State Down
        Test-NetLab -Name $lab.Name -From C | Should -Not -BeReachable
        Repair-NetLab -Name $lab.Name | Out-Null
        Test-NetLab -Name $lab.Name -From C | Should -BeReachable
    }
}
