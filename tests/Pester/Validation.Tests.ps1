#Requires -Version 7.4
# Bad input: a stable error id and the right category, before anything is changed.
BeforeDiscovery {
    $script:badNamespaceNames = @('.', '..', 'a/b', 'with space', ('n' * 256), 'lab-*') | ForEach-Object { @{ Value = $_ } }
    $script:badInterfaceNames = @('sixteen-bytes-16', 'a/b', 'a:b', '..') | ForEach-Object { @{ Value = $_ } }
    $script:badAddresses = @('10.0.0.1/33', '10.0.0.256', 'fd00::1/129', 'nonsense', '1.2.3') | ForEach-Object { @{ Value = $_ } }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:prefix = New-TestPrefix
    $script:before = & ip netns list
}

AfterAll {
    Remove-TestNamespace $prefix
}

Describe 'Invalid namespace names' -Tag RequireRoot -ForEach $badNamespaceNames {
    It "New-NetNs rejects '<Value>' with InvalidNetNsName" {
        $err = Get-ErrorRecord { New-NetNs -Name $Value }
        $err.FullyQualifiedErrorId | Should -Be 'InvalidNetNsName,MigrationTools.Commands.NewNetNsCommand'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        & ip netns list | Should -Be $before
    }
}

Describe 'Invalid interface names' -Tag RequireRoot -ForEach $badInterfaceNames {
    BeforeAll { New-NetNs -Name "${prefix}v" -Force | Out-Null }
    It "Connect-NetNs rejects '<Value>' with InvalidInterfaceName" {
        $err = Get-ErrorRecord { Connect-NetNs -Name "${prefix}v" -Peer "${prefix}v" -Interface $Value -PeerInterface 'ok0' }
        $err.FullyQualifiedErrorId | Should -Be 'InvalidInterfaceName,MigrationTools.Commands.ConnectNetNsCommand'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        (Get-NetNsLink -Namespace "${prefix}v").Name | Should -Be @('lo')
    }
}

Describe 'Malformed addresses and prefixes' -Tag RequireRoot -ForEach $badAddresses {
    BeforeAll {
        New-NetNs -Name "${prefix}v" -Force | Out-Null
        if (-not (Get-NetNsLink -Namespace "${prefix}v" -Name 'v0' -ErrorAction SilentlyContinue)) {
            Connect-NetNs -Name "${prefix}v" -Peer "${prefix}v" -Interface 'v0' -PeerInterface 'v1' | Out-Null
        }
    }
    It "New-NetNsAddress rejects '<Value>' with InvalidIpPrefix" {
        $err = Get-ErrorRecord { New-NetNsAddress -Namespace "${prefix}v" -Interface 'v0' -Address $Value }
        $err.FullyQualifiedErrorId | Should -Be 'InvalidIpPrefix,MigrationTools.Commands.NewNetNsAddressCommand'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
    It "New-NetNsRoute rejects '<Value>' as a destination" {
        $err = Get-ErrorRecord { New-NetNsRoute -Namespace "${prefix}v" -Destination $Value -Interface 'v0' }
        $err.FullyQualifiedErrorId | Should -Be 'InvalidIpPrefix,MigrationTools.Commands.NewNetNsRouteCommand'
    }
}

Describe 'Objects that do not exist' -Tag RequireRoot {
    It 'New-NetNsAddress in a missing namespace is NetNsNotFound' {
        $err = Get-ErrorRecord { New-NetNsAddress -Namespace "${prefix}none" -Interface 'x' -Address '10.0.0.1/24' }
        $err.FullyQualifiedErrorId | Should -BeLike 'NetNsNotFound,*'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
    It 'New-NetNsAddress on a missing interface is InterfaceNotFound' {
        New-NetNs -Name "${prefix}v" -Force | Out-Null
        $err = Get-ErrorRecord { New-NetNsAddress -Namespace "${prefix}v" -Interface 'nope0' -Address '10.0.0.1/24' }
        $err.FullyQualifiedErrorId | Should -BeLike 'InterfaceNotFound,*'
    }
    It 'Invoke-NetNs in a missing namespace is NetNsNotFound' {
        $err = Get-ErrorRecord { Invoke-NetNs -Name "${prefix}none" -Command true }
        $err.FullyQualifiedErrorId | Should -BeLike 'NetNsNotFound,*'
    }
}
