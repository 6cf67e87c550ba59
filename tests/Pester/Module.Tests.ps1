#Requires -Version 7.4
# Meta-tests: every exported cmdlet follows the module's conventions.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:cmdlets = Get-Command -Module MigrationTools -CommandType Cmdlet | ForEach-Object { @{ Name = $_.Name } }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:stateChangingVerbs = 'New', 'Remove', 'Set', 'Connect', 'Disconnect', 'Enable', 'Disable', 'Stop', 'Start', 'Switch', 'Invoke', 'Add', 'Clear', 'Reset', 'Restart'
    $script:common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
}

Describe 'Module manifest' -Tag Unit {
    It 'exports exactly the cmdlets the assembly defines' {
        $manifest = Import-PowerShellDataFile $ModuleManifest
        $defined = [MigrationTools.MigrationToolsCmdlet].Assembly.GetExportedTypes() |
            Where-Object { -not $_.IsAbstract -and $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
            ForEach-Object { $a = $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]; "$($a.VerbName)-$($a.NounName)" }
        @($manifest.CmdletsToExport | Sort-Object) | Should -Be @($defined | Sort-Object)
        $manifest.FunctionsToExport | Should -BeNullOrEmpty
        $manifest.PowerShellVersion | Should -Be '7.4'
    }

    It 'has the default views for its output types' {
        $types = 'NetNamespace', 'NetInterface', 'VethPair', 'NetAddress', 'NetRoute', 'NetNsProcess', 'NetNsCommandResult', 'IpipTunnel', 'QuicProbeEvent', 'QuicConnectionSummary',
            'NetLab', 'NetLabTemplate', 'LabReachability', 'FlowMapping', 'ConntrackEntry', 'NetNsCounter', 'NetNsSysctlSetting'
        $formatted = (Get-FormatData -TypeName 'MigrationTools.*').TypeNames
        foreach ($t in $types) { $formatted | Where-Object { $_ -like "*.$t" } | Should -Not -BeNullOrEmpty -Because "$t needs a default view" }
    }
}

Describe 'Cmdlet <Name>' -Tag Unit -ForEach $cmdlets {
    BeforeAll {
        $cmd = Get-Command $Name
        $help = Get-Help $Name -Full
    }

    It 'uses an approved verb' {
        (Get-Verb).Verb | Should -Contain $cmd.Verb
    }

    It 'asks ShouldProcess before it changes state (-WhatIf, -Confirm)' {
        if ($cmd.Verb -in $stateChangingVerbs) {
            $cmd.Parameters.Keys | Should -Contain 'WhatIf'
            $cmd.Parameters.Keys | Should -Contain 'Confirm'
            # Declaring SupportsShouldProcess is not enough: the cmdlet's source must ask before acting.
            $text = ''
            for ($type = $cmd.ImplementingType; $type -and $type.Name -ne 'MigrationToolsCmdlet'; $type = $type.BaseType) {
                $source = Get-ChildItem (Join-Path $RepoRoot 'src/MigrationTools/Commands') -Filter "$($type.Name).cs"
                $source | Should -Not -BeNullOrEmpty -Because "$($type.Name) lives in a file of its name"
                $text += Get-Content -Raw $source.FullName
            }
            $text | Should -Match 'ShouldProcess\('
        }
    }

    It 'documents its inputs, outputs and related commands' {
        $help.inputTypes.inputType | Should -Not -BeNullOrEmpty
        $help.returnValues.returnValue | Should -Not -BeNullOrEmpty
        $links = @($help.relatedLinks.navigationLink.linkText)
        $links | Should -Contain 'about_MigrationTools'
        $links.Count | Should -BeGreaterThan 1
    }

    It 'declares its output type' {
        $cmd.OutputType | Should -Not -BeNullOrEmpty
    }

    It 'has a synopsis and a description' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -BeLike "*$Name *[<CommonParameters>]*"
        ($help.description | Out-String).Trim() | Should -Not -BeNullOrEmpty
    }

    It 'has at least one example' {
        @($help.examples.example).Count | Should -BeGreaterThan 0
        $help.examples.example[0].code | Should -Not -BeNullOrEmpty
    }

    It 'documents every parameter' {
        foreach ($p in $cmd.Parameters.Keys | Where-Object { $_ -notin $common }) {
            $text = (Get-Help $Name -Parameter $p).description | Out-String
            $text.Trim() | Should -Not -BeNullOrEmpty -Because "-$p of $Name needs a description"
        }
    }

    It 'has completers for namespace and interface parameters' {
        # Connect-NetNs names new interfaces: there is nothing to complete for them.
        $interfaces = if ($cmd.Name -eq 'Connect-NetNs') { @() } else { 'Interface', 'PeerInterface' }
        foreach ($p in $cmd.Parameters.Values | Where-Object { $_.Name -in @('Namespace', 'Peer') + $interfaces -or ($_.Name -eq 'Name' -and $cmd.Noun -in 'NetNs', 'NetNsLink' -and $cmd.Verb -ne 'New') }) {
            $p.Attributes.Where({ $_ -is [System.Management.Automation.ArgumentCompleterAttribute] }) | Should -Not -BeNullOrEmpty -Because "-$($p.Name) of $Name should complete"
        }
    }
}
