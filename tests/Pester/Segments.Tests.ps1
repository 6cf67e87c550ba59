#Requires -Version 7.4
# LAN segments and uplinks in lab files, checked against what iproute2 and ping see: a 4-member segment where every
# pair reaches the others, a member flapped, unplugged from its bridge and the bridge itself deleted, each found and
# repaired; the export of a lab with a segment builds again to the same segment; an uplink built from inside a
# scratch namespace (never the root namespace) appears there and leaves nothing when the lab goes.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:prefix = New-TestPrefix
    $script:files = Join-Path ([IO.Path]::GetTempPath()) "${prefix}segments"
    $null = New-Item -ItemType Directory -Force -Path $files

    function script:Invoke-Ip([string] $Namespace, [string[]] $Arguments) {
        $text = & ip -n $Namespace @Arguments 2>&1 | Out-String
        if ($LASTEXITCODE -ne 0) { throw "ip -n $Namespace $Arguments failed: $text" }
        $text
    }

    # The member's address answers a ping from another member: ping itself is the oracle, not Test-NetLab.
    function script:Test-Ping([string] $Namespace, [string] $Address) {
        $null = & ip netns exec $Namespace ping -c 1 -W 1 -n $Address 2>&1
        $LASTEXITCODE -eq 0
    }

    $script:lanFile = Join-Path $files 'lan.psd1'
    Set-Content -Path $lanFile -Value @'
@{
    Name     = 'lan'
    Nodes    = @{ a = @{}; b = @{}; c = @{}; r = @{ Forwarding = $true } }
    Segments = @{
        lan1 = @{
            Members   = 'a:eth1', 'b:eth1', 'c:eth1', 'r:eth1'
            Addresses = @{ a = '10.80.0.1/24', 'fd80::1/64'; b = '10.80.0.2/24', 'fd80::2/64'; c = '10.80.0.3/24'; r = '10.80.0.254/24' }
            Mtu       = 1400
            RateMbit  = 200
        }
    }
}
'@
}

AfterAll {
    Get-NetLab | Where-Object Name -like "$prefix*" | Remove-NetLab -Confirm:$false -ErrorAction SilentlyContinue
    Remove-TestNamespace $prefix
    Remove-Item -Recurse -Force $files -ErrorAction SilentlyContinue
}

Describe 'A 4-member segment' -Tag RequireRoot, Integration {
    BeforeAll {
        $script:labName = "${prefix}lan"
        $script:p = "${prefix}l-"
        $script:lab = New-NetLab -Path $lanFile -Name $labName -Prefix $p
        $script:segment = "${p}lan1"
        $script:addresses = @{ a = '10.80.0.1'; b = '10.80.0.2'; c = '10.80.0.3'; r = '10.80.0.254' }
    }
    AfterAll {
        Remove-NetLab -Name $labName -Confirm:$false -ErrorAction SilentlyContinue
    }

    It 'is a bridge in a namespace of its own, spanning tree off and no forwarding delay, with one port per member' {
        $lab.Status | Should -Be 'Complete'
        $bridge = Invoke-Ip $segment '-d', 'link', 'show', 'lan1'
        $bridge | Should -Match 'bridge forward_delay 0 '
        $bridge | Should -Match 'stp_state 0 '
        $bridge | Should -Match 'mtu 1400 '
        $ports = Invoke-Ip $segment 'link', 'show', 'master', 'lan1'
        foreach ($node in 'a', 'b', 'c', 'r') { $ports | Should -Match "\d+: ${node}@" }
        # Nothing of the segment is in the namespace the lab was built from.
        (& ip -br link | Out-String) | Should -Not -Match 'lan1'
    }

    It 'carries traffic between every pair of members as soon as it is built, both families' {
        foreach ($from in 'a', 'b', 'c', 'r') {
            foreach ($to in $addresses.Keys | Where-Object { $_ -ne $from }) {
                Test-Ping "$p$from" $addresses[$to] | Should -BeTrue -Because "$from reaches $to"
            }
        }
        Test-Ping "${p}a" 'fd80::2' | Should -BeTrue
        $tested = @(Test-NetLab -Name $labName)
        $tested.Count | Should -Be 14 # a, b, r reach the three others (IPv4), c reaches three, a and b each other (IPv6)
        $tested | Where-Object { -not $_.Reachable } | Should -BeNullOrEmpty
    }

    It 'limits each member link in both directions (tbf on the member and on its port)' {
        (& tc -n "${p}a" qdisc show dev eth1 | Out-String) | Should -Match 'tbf .*rate 200Mbit'
        (& tc -n $segment qdisc show dev a | Out-String) | Should -Match 'tbf .*rate 200Mbit'
    }

    It 'finds a member link flapped and a port unplugged from its bridge, and repairs both' {
        $null = Invoke-Ip "${p}b" 'link', 'set', 'dev', 'eth1', 'down'
        $null = Invoke-Ip $segment 'link', 'set', 'dev', 'c', 'nomaster'
        Test-Ping "${p}a" $addresses.c | Should -BeFalse -Because 'an unplugged port forwards nothing'

        $found = @(Get-NetLab -Name $labName -Detailed)
        ($found | Where-Object { $_.Kind -eq 'LinkState' -and $_.Node -eq 'b' }).Item | Should -Be 'eth1'
        ($found | Where-Object Kind -eq 'BridgePort').Item | Should -Be 'c'
        (Get-NetLab -Name $labName).Status | Should -Be 'Drifted'

        $repairs = @(Repair-NetLab -Name $labName -Confirm:$false)
        $repairs.Action | Sort-Object -Unique | Should -Be 'repaired'
        Invoke-Ip $segment 'link', 'show', 'master', 'lan1' | Should -Match '\d+: c@'
        Test-Ping "${p}a" $addresses.b | Should -BeTrue
        Test-Ping "${p}a" $addresses.c | Should -BeTrue
        (Get-NetLab -Name $labName).Status | Should -Be 'Complete'
    }

    It 'makes a deleted bridge again and puts every port back on it' {
        $null = Invoke-Ip $segment 'link', 'del', 'dev', 'lan1'
        $found = @(Get-NetLab -Name $labName -Detailed)
        ($found | Where-Object Kind -eq 'Bridge').Item | Should -Be 'lan1'

        $null = Repair-NetLab -Name $labName -Confirm:$false
        $ports = Invoke-Ip $segment 'link', 'show', 'master', 'lan1'
        foreach ($node in 'a', 'b', 'c', 'r') { $ports | Should -Match "\d+: ${node}@" }
        Test-Ping "${p}r" $addresses.a | Should -BeTrue
        (Get-NetLab -Name $labName).Status | Should -Be 'Complete'
    }

    It 'is drawn as one segment shape with an edge per member' {
        $mermaid = Show-NetLab -Name $labName -Format Mermaid
        $mermaid | Should -Match 's_lan1\{\{"<b>lan1</b><br/>segment, 200 Mbit/s"\}\}'
        @($mermaid -split "`n" | Where-Object { $_ -match '\| s_lan1$' }).Count | Should -Be 4
    }

    It 'exports as a segment, and the export builds the same segment again' {
        $exported = Join-Path $files 'exported.psd1'
        Export-NetLab -Namespace @((Get-NetLab -Name $labName).Namespaces.Values) -Prefix $p -Path $exported -LabName lan-copy
        $data = Import-PowerShellDataFile $exported
        $data.Segments.lan1.Members | Should -Be 'a:eth1', 'b:eth1', 'c:eth1', 'r:eth1'
        $data.Segments.lan1.Mtu | Should -Be 1400
        $data.Segments.lan1.RateMbit | Should -Be 200
        $data.Segments.lan1.Addresses['a:eth1'] | Should -Be '10.80.0.1/24', 'fd80::1/64'
        $data.Nodes.Keys | Sort-Object | Should -Be 'a', 'b', 'c', 'r'
        $data.Links | Should -BeNullOrEmpty

        $copyName = "${prefix}copy"
        try {
            $copy = New-NetLab -Path $exported -Name $copyName -Prefix "${prefix}k-"
            $copy.Status | Should -Be 'Complete'
            @(Test-NetLab -Name $copyName | Where-Object { -not $_.Reachable }) | Should -BeNullOrEmpty
            (Invoke-Ip "${prefix}k-lan1" 'link', 'show', 'master', 'lan1') | Should -Match '\d+: r@'
        }
        finally {
            Remove-NetLab -Name $copyName -Confirm:$false -ErrorAction SilentlyContinue
        }
    }

    It 'is removed with the lab: no namespace, state or lab record is left' {
        Remove-NetLab -Name $labName -Confirm:$false
        @(& ip netns list | Where-Object { $_ -like "$p*" }) | Should -BeNullOrEmpty
        Test-Path "/run/migrationtools/labs/$labName" | Should -BeFalse
    }
}

Describe 'Segment validation' -Tag RequireRoot {
    It 'refuses a member of an unknown node before anything is made' {
        $bad = Join-Path $files 'bad.psd1'
        Set-Content -Path $bad -Value "@{ Nodes = @{ a = @{} }; Segments = @{ s1 = @{ Members = 'a:e0', 'zz:e0' } } }"
        { New-NetLab -Path $bad -Name "${prefix}bad" -Prefix "${prefix}x-" } | Should -Throw -ErrorId 'LabFileInvalid,MigrationTools.Commands.NewNetLabCommand'
        @(& ip netns list | Where-Object { $_ -like "${prefix}x-*" }) | Should -BeNullOrEmpty
    }
}

Describe 'An uplink built from inside a scratch namespace' -Tag RequireRoot, Integration {
    BeforeAll {
        # The scratch namespace stands for the host: the lab is built by a PowerShell that runs in it (its network
        # namespace only: `ip netns exec` would also give it a mount namespace whose /run/netns mounts die with it).
        $script:scratch = "${prefix}scratch"
        & ip netns add $scratch
        $script:upFile = Join-Path $files 'up.psd1'
        Set-Content -Path $upFile -Value @'
@{
    Nodes = @{ r = @{ Routes = @{ Destination = '10.82.0.0/16'; Gateway = '10.81.0.2' } }; a = @{ Routes = @{ Destination = 'default'; Gateway = '10.80.0.254' } } }
    Links = @(
        @{ Endpoints = 'r:up0', 'host:upl0'; Addresses = '10.81.0.1/30', '10.81.0.2/30' }
        @{ Endpoints = 'a:eth0', 'r:eth0'; Addresses = '10.80.0.1/24', '10.80.0.254/24' }
    )
}
'@
        $script:upName = "${prefix}up"
        $script:upPrefix = "${prefix}u-"
        $script:runInScratch = {
            param([string] $Script)
            $wrapped = "`$ErrorActionPreference = 'Stop'; Import-Module '$ModuleManifest'; $Script"
            $output = & nsenter "--net=/run/netns/$scratch" ([Environment]::ProcessPath) (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $wrapped 2>&1 | Out-String
            if ($LASTEXITCODE -ne 0) { throw "in $scratch`: $output" }
            $output
        }
    }
    AfterAll {
        # Normally removed by the last test already; this is for a run that failed before it.
        try { $null = & $runInScratch "Get-NetLab -Name '$upName' | Remove-NetLab -Confirm:`$false" } catch { Write-Warning $_ }
        Remove-NetLab -Name $upName -Confirm:$false -ErrorAction SilentlyContinue
        & ip netns delete $scratch 2>$null
    }

    It 'puts its far end, with its address, in the namespace the lab is built from and reaches it' {
        $out = & $runInScratch "New-NetLab -Path '$upFile' -Name '$upName' -Prefix '$upPrefix' | Out-Null; Test-NetLab -Name '$upName' | ForEach-Object { `"`$(`$_.From)>`$(`$_.To)=`$(`$_.Reachable)`" }"
        $out | Should -Match 'r>host=True'
        $out | Should -Not -Match '=False'
        (Invoke-Ip $scratch 'addr', 'show', 'dev', 'upl0') | Should -Match 'inet 10\.81\.0\.2/30'
        Test-Ping "${upPrefix}r" '10.81.0.2' | Should -BeTrue
        # The root namespace has no such interface: the uplink went where the builder runs.
        (& ip -br link | Out-String) | Should -Not -Match 'upl0'
    }

    It 'sees its far end drift only from there, and repairs it there' {
        $null = Invoke-Ip $scratch 'addr', 'flush', 'dev', 'upl0'
        $fromHere = @(Get-NetLab -Name $upName -Detailed)
        $fromHere | Where-Object Node -eq 'host' | Should -BeNullOrEmpty -Because 'the root namespace is not the one the lab was built from'
        $out = & $runInScratch "Get-NetLab -Name '$upName' -Detailed | ForEach-Object { `"`$(`$_.Node) `$(`$_.Kind) `$(`$_.Item)`" }; Repair-NetLab -Name '$upName' -Confirm:`$false | Out-Null"
        $out | Should -Match 'host Address upl0 10\.81\.0\.2/30'
        (Invoke-Ip $scratch 'addr', 'show', 'dev', 'upl0') | Should -Match 'inet 10\.81\.0\.2/30'
    }

    It 'exports as host:NAME from there' {
        $exported = Join-Path $files 'up-export.psd1'
        $null = & $runInScratch "Export-NetLab -Namespace '${upPrefix}r', '${upPrefix}a' -Prefix '$upPrefix' -Path '$exported'"
        $data = Import-PowerShellDataFile $exported
        $uplink = $data.Links | Where-Object { $_.Endpoints -contains 'host:upl0' }
        $uplink.Endpoints | Should -Be 'r:up0', 'host:upl0'
        $uplink.Addresses[1] | Should -Be '10.81.0.2/30'
    }

    It 'is removed with the lab at once, and nothing else of that namespace is touched' {
        $null = Invoke-Ip $scratch 'link', 'add', 'keep0', 'type', 'veth', 'peer', 'name', 'keep1'
        $null = & $runInScratch "Remove-NetLab -Name '$upName' -Confirm:`$false"
        $left = Invoke-Ip $scratch '-br', 'link'
        $left | Should -Not -Match 'upl0'
        $left | Should -Match 'keep0'
        @(& ip netns list | Where-Object { $_ -like "$upPrefix*" }) | Should -BeNullOrEmpty
    }
}
