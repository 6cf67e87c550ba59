#Requires -Version 7.4
# Link impairments: netem where the kernel has it (decided at discovery, as for kernel ipip), nftables loss and tbf
# rate where it has not; checked with ping, tc and nft, not with the module.
BeforeDiscovery {
    # Does this kernel have netem? Asked of tc in a throwaway network namespace.
    & unshare -n sh -c 'ip link set lo up && tc qdisc add dev lo root netem delay 1ms' 2>$null
    $script:hasNetem = $LASTEXITCODE -eq 0
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:prefix = New-TestPrefix
    $script:a = "${prefix}ia"; $script:b = "${prefix}ib"
    New-NetNs -Name $a, $b | Out-Null
    Connect-NetNs -Name $a -Peer $b -Interface ab -PeerInterface ba | Out-Null
    New-NetNsAddress -Namespace $a -Interface ab -Address 10.79.0.1/24 | Out-Null
    New-NetNsAddress -Namespace $b -Interface ba -Address 10.79.0.2/24 | Out-Null
    function script:Get-Received([int] $Count) {
        $out = & ip netns exec $a ping -c $Count -i 0.05 -W 1 -q 10.79.0.2 2>&1
        [int](([regex]::Match(($out -join ' '), '(\d+) received')).Groups[1].Value)
    }
}

AfterAll {
    Remove-TestNamespace $prefix
}

Describe 'Link impairments' -Tag RequireRoot, Integration {
    It 'drops every packet at 100 % loss, shows it, and takes it off again' {
        Get-Received 5 | Should -Be 5
        $set = Set-NetNsLinkImpairment -Namespace $a -Name ab -LossPercent 100
        $set.LossPercent | Should -Be 100
        Get-Received 5 | Should -Be 0
        $shown = Get-NetNsLinkImpairment -Namespace $a
        $shown.Interface | Should -Be 'ab'
        $shown.Present | Should -BeTrue
        Remove-NetNsLinkImpairment -Namespace $a -Name ab
        Get-Received 5 | Should -Be 5
        Get-NetNsLinkImpairment -Namespace $a | Should -BeNullOrEmpty
        (& ip netns exec $a nft list tables) -join ' ' | Should -Not -Match 'migrationtools_impair'
    }

    It 'limits the rate, as tc shows it' {
        Set-NetNsLinkImpairment -Namespace $a -Name ab -RateMbit 3 | Out-Null
        (& tc -n $a qdisc show dev ab root) -join ' ' | Should -Match 'rate 3Mbit'
        Remove-NetNsLinkImpairment -Namespace $a -Name ab
        (& tc -n $a qdisc show dev ab root) -join ' ' | Should -Not -Match 'rate 3Mbit'
    }

    It 'without netem, delay is KernelFeatureMissing naming sch_netem, and nothing is set' -Skip:$hasNetem {
        $e = Get-ErrorRecord ([scriptblock]::Create("Set-NetNsLinkImpairment -Namespace '$a' -Name ab -DelayMs 20 -LossPercent 5"))
        $e.FullyQualifiedErrorId | Should -BeLike 'KernelFeatureMissing,*'
        $e.CategoryInfo.Category | Should -Be 'NotEnabled'
        "$e" | Should -BeLike '*sch_netem*'
        Get-NetNsLinkImpairment -Namespace $a | Should -BeNullOrEmpty
    }

    It 'with netem, a 40 ms delay shows in the round trip' -Skip:(-not $hasNetem) {
        Set-NetNsLinkImpairment -Namespace $a -Name ab -DelayMs 40 | Out-Null
        (& tc -n $a qdisc show dev ab root) -join ' ' | Should -Match 'netem.*delay 40ms'
        $rtt = [double]([regex]::Match((& ip netns exec $a ping -c 3 -i 0.2 -q 10.79.0.2) -join ' ', 'rtt min/avg/max/mdev = ([\d.]+)')).Groups[1].Value
        $rtt | Should -BeGreaterOrEqual 40
        Remove-NetNsLinkImpairment -Namespace $a -Name ab
    }

    It 'removing what is not there is ImpairmentNotFound' {
        (Get-ErrorRecord ([scriptblock]::Create("Remove-NetNsLinkImpairment -Namespace '$a' -Name ab"))).FullyQualifiedErrorId | Should -BeLike 'ImpairmentNotFound,*'
    }
}

Describe 'Impairments in lab files' -Tag RequireRoot, Integration {
    It 'a lab link''s LossPercent is set at build, seen as drift when removed by hand, repaired, and exported' {
        $file = Join-Path ([IO.Path]::GetTempPath()) "${prefix}impair.psd1"
        Set-Content -Path $file -Value @"
@{
    Name  = 'impaired'
    Nodes = @{ x = @{}; y = @{} }
    Links = @( @{ Endpoints = 'x:xy', 'y:yx'; Addresses = '10.79.1.1/24', '10.79.1.2/24'; RateMbit = 50; Impairments = @{ LossPercent = 100 }, @{} } )
}
"@
        $lab = New-NetLab -Path $file -Prefix "${prefix}l-" -Name "${prefix}impaired"
        try {
            $x = $lab.NamespaceOf('x')
            (& ip netns exec $x ping -c 3 -i 0.05 -W 1 -q 10.79.1.2) -join ' ' | Should -Match ' 0 received'
            (Get-NetNsLinkImpairment -Namespace $x).LossPercent | Should -Be 100
            (& tc -n $lab.NamespaceOf('y') qdisc show dev yx root) -join ' ' | Should -Match 'rate 50Mbit'
            (Get-NetLab -Name $lab.Name).Status | Should -Be 'Complete'

            & ip netns exec $x nft delete table inet migrationtools_impair
            (Get-NetLab -Name $lab.Name -Detailed | Where-Object Kind -eq 'Impairment').Item | Should -Be 'xy'
            Repair-NetLab -Name $lab.Name | Out-Null
            (& ip netns exec $x ping -c 3 -i 0.05 -W 1 -q 10.79.1.2) -join ' ' | Should -Match ' 0 received'
            (Get-NetLab -Name $lab.Name).Status | Should -Be 'Complete'

            $export = Join-Path ([IO.Path]::GetTempPath()) "${prefix}impair-export.psd1"
            Export-NetLab -Namespace @($lab.Namespaces.Values) -Prefix "${prefix}l-" -Path $export -Force -WarningVariable warned -WarningAction SilentlyContinue | Out-Null
            $warned | Should -BeNullOrEmpty
            $exported = (Import-PowerShellDataFile $export).Links[0]
            $exported.Impairments[[array]::IndexOf(@($exported.Endpoints), 'x:xy')].LossPercent | Should -Be 100
            $exported.RateMbit | Should -Be 50
            Remove-Item $export
        } finally {
            Remove-NetLab -Name $lab.Name -Confirm:$false
            Remove-Item $file -ErrorAction SilentlyContinue
        }
    }
}
