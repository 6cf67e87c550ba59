#Requires -Version 7.4
# Labs across hosts, on three simulated hosts (sshd with the PowerShell subsystem, each in a namespace with its own
# /run; see SimulatedHosts.psm1): one lab file builds on all three over remoting, VXLAN joins the links between hosts
# with an MTU a DF ping proves, Test-NetLab pings from each source's host, Remove-NetLab leaves nothing anywhere; a
# failure on one host removes every part; a host that lacks the module gets it, or is refused with -NoModuleCopy; an
# unreachable host is reported and remembered. What is on each host is read there with iproute2, over a session the
# test opens itself.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-Module (Join-Path $PSScriptRoot 'SimulatedHosts.psm1') -Force
    $script:prefix = New-TestPrefix
    $script:sim = New-SimulatedHost -Prefix "${prefix}s" -Count 3
    $script:version = (Import-PowerShellDataFile $ModuleManifest).ModuleVersion

    # A session of the test's own to each host, to look at what is there.
    $script:look = @{}
    foreach ($h in 'h1', 'h2', 'h3') { $look[$h] = New-SimulatedHostSession $sim $h }
    function script:On([string] $HostName, [scriptblock] $Script, [object[]] $Arguments = @()) {
        Invoke-Command -Session $look[$HostName] -ScriptBlock $Script -ArgumentList $Arguments
    }

    # The ping flow migration's topology on three hosts: A and its router B on h1, C on h2, D on h3.
    function script:New-LabFile([string] $Path, [switch] $AddressOnly) {
        Set-Content -Path $Path -Value @"
@{
    Name  = 'x3'
    $(Format-SimulatedHosts $sim -AddressOnly:$AddressOnly)
    Nodes = @{
        A = @{ Host = 'h1'; Routes = @( @{ Destination = 'default'; Gateway = 'fd00:ab::b' }, @{ Destination = 'default'; Gateway = '10.201.1.254' } ) }
        B = @{ Host = 'h1'; Forwarding = `$true }
        C = @{ Host = 'h2'; Routes = @( @{ Destination = 'default'; Gateway = 'fc01::fe' }, @{ Destination = 'default'; Gateway = '10.201.2.254' } ) }
        D = @{ Host = 'h3'; Routes = @( @{ Destination = 'default'; Gateway = 'fc02::fe' }, @{ Destination = 'default'; Gateway = '10.201.3.254' } ) }
    }
    Links = @(
        @{ Endpoints = 'A:a-b', 'B:b-a'; Addresses = @('fd00:ab::a/64', '10.201.1.1/24'), @('fd00:ab::b/64', '10.201.1.254/24') }
        @{ Endpoints = 'B:b-c', 'C:c-b'; Addresses = @('fc01::fe/64', '10.201.2.254/24'), @('fc01::1/64', '10.201.2.1/24') }
        @{ Endpoints = 'B:b-d', 'D:d-b'; Addresses = @('fc02::fe/64', '10.201.3.254/24'), @('fc02::2/64', '10.201.3.2/24') }
    )
    FlowMappings = @( @{ Node = 'A'; VirtualAddress = 'fe00::1'; Target = 'fc01::1', 'fc02::2' } )
}
"@
        $Path
    }

    $script:labFile = New-LabFile (Join-Path $sim.Folder 'x3.psd1')
    function script:Get-HostNamespaces([string] $HostName) { @(On $HostName { & ip netns list | ForEach-Object { ($_ -split ' ')[0] } }) }
}

AfterAll {
    Get-NetLab | Where-Object Name -like "$prefix*" | ForEach-Object { Remove-NetLab -Name $_.Name -Confirm:$false -ErrorAction SilentlyContinue }
    Get-ChildItem /run/migrationtools/labs -Directory -ErrorAction SilentlyContinue | Where-Object Name -like "$prefix*" | Remove-Item -Recurse -Force
    if ($sim) { Remove-SimulatedHost $sim }
}

Describe 'A lab across three hosts' -Tag RequireRoot, Integration {
    BeforeAll {
        $script:name = "${prefix}x3"
        $script:p = "${prefix}x-"
        $script:lab = New-NetLab -Path $labFile -Name $name -Prefix $p
    }
    AfterAll {
        Remove-NetLab -Name $name -Confirm:$false -ErrorAction SilentlyContinue
    }

    It 'builds each host''s part there, after copying the module to hosts that lacked it' {
        $lab.Status | Should -Be 'Complete'
        $lab.Hosts['h1'] | Should -Be 'Complete'
        $lab.Hosts['h2'] | Should -Be 'Complete'
        $lab.Hosts['h3'] | Should -Be 'Complete'
        Get-HostNamespaces h1 | Sort-Object | Should -Be "${p}A", "${p}B"
        Get-HostNamespaces h2 | Should -Be "${p}C"
        Get-HostNamespaces h3 | Should -Be "${p}D"
        foreach ($h in $sim.Hosts) {
            Test-Path (Join-Path $h.Home ".local/share/powershell/Modules/MigrationTools/$version/MigrationTools.psd1") | Should -BeTrue
        }
        # Nothing of the lab is on this machine but its record.
        @(& ip netns list | Where-Object { $_ -like "$p*" }) | Should -BeNullOrEmpty
    }

    It 'joins the links between hosts with one VXLAN per link between the hosts'' underlay addresses, MTU 1450' {
        $bc = On h1 { param($ns) & ip -n $ns -d link show b-c } -Arguments "${p}B" | Out-String
        $cb = On h2 { param($ns) & ip -n $ns -d link show c-b } -Arguments "${p}C" | Out-String
        $bc | Should -Match 'mtu 1450 '
        $bc | Should -Match 'vxlan id (\d+) remote 10\.199\.0\.12 local 10\.199\.0\.11 .*dstport 4789'
        $vni = [regex]::Match($bc, 'vxlan id (\d+)').Groups[1].Value
        $cb | Should -Match "vxlan id $vni remote 10\.199\.0\.11 local 10\.199\.0\.12 "
        $bd = On h1 { param($ns) & ip -n $ns -d link show b-d } -Arguments "${p}B" | Out-String
        [regex]::Match($bd, 'vxlan id (\d+)').Groups[1].Value | Should -Not -Be $vni
    }

    It 'carries a DF ping of the largest size that fits the MTU across hosts, and not one byte more' {
        $fits = On h1 { param($ns) & ip netns exec $ns ping -M do -s 1422 -c 1 -W 2 -n 10.201.2.1 2>&1; $LASTEXITCODE } -Arguments "${p}B"
        $fits[-1] | Should -Be 0 -Because ($fits -join "`n")
        $tooBig = On h1 { param($ns) & ip netns exec $ns ping -M do -s 1423 -c 1 -W 2 -n 10.201.2.1 2>&1; $LASTEXITCODE } -Arguments "${p}B"
        $tooBig[-1] | Should -Not -Be 0
        ($tooBig -join "`n") | Should -Match 'message too long|mtu'
    }

    It 'Test-NetLab pings every pair from the host of its source, across hosts included' {
        $results = @(Test-NetLab -Name $name)
        $results.Count | Should -BeGreaterThan 10
        $results | Where-Object { -not $_.Reachable } | Should -BeNullOrEmpty
        $results | Where-Object { $_.From -eq 'C' -and $_.To -eq 'D' } | Should -Not -BeNullOrEmpty
        # The oracle: ping on the hosts themselves, C to D crosses two VXLAN links.
        (On h2 { param($ns) & ip netns exec $ns ping -c 1 -W 2 -n 10.201.3.2 | Out-String } -Arguments "${p}C") | Should -Match '1 received'
    }

    It 'Get-NetLab shows each host''s status, and the whole lab' {
        $got = Get-NetLab -Name $name
        $got.Status | Should -Be 'Complete'
        $got.Hosts.Keys | Sort-Object | Should -Be 'h1', 'h2', 'h3'
        $got.Nodes | Should -Be 'A', 'B', 'C', 'D'
    }

    It 'Show-NetLab draws each host as a cluster and the links between hosts as VXLAN' {
        $dot = Show-NetLab -Name $name -Format Dot | Out-String
        $dot | Should -Match 'subgraph "cluster_h1"'
        $dot | Should -Match 'VXLAN'
        $mermaid = Show-NetLab -Name $name | Out-String
        $mermaid | Should -Match 'subgraph h2'
    }

    It 'Export-NetLab -Lab keeps Hosts and Host' {
        $exported = Join-Path $sim.Folder 'exported.psd1'
        Export-NetLab -Lab $name -Path $exported
        $data = Import-PowerShellDataFile $exported
        $data.Hosts.Keys | Sort-Object | Should -Be 'h1', 'h2', 'h3'
        $data.Nodes.C.Host | Should -Be 'h2'
    }

    It 'Remove-NetLab removes every host''s part and the record' {
        Remove-NetLab -Name $name -Confirm:$false
        foreach ($h in 'h1', 'h2', 'h3') {
            Get-HostNamespaces $h | Should -BeNullOrEmpty
            On $h { @(Get-ChildItem /run/migrationtools/labs -ErrorAction SilentlyContinue).Count } | Should -Be 0
        }
        Get-NetLab -Name $name -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'Failures of a lab across hosts' -Tag RequireRoot, Integration {
    It 'removes every host''s part when one host fails mid-build' {
        $name = "${prefix}fail"
        $p = "${prefix}f-"
        # D's namespace exists on h3 already: h3's build fails there, after h1 and h2 built theirs.
        On h3 { param($ns) & ip netns add $ns } -Arguments "${p}D"
        try {
            $e = Get-ErrorRecord ([scriptblock]::Create("New-NetLab -Path '$labFile' -Name '$name' -Prefix '$p'"))
            $e.FullyQualifiedErrorId | Should -BeLike 'LabHostFailed,*'
            $e.CategoryInfo.Category | Should -Be 'NotSpecified'
            "$e" | Should -Match "host 'h3'"
            Get-HostNamespaces h1 | Should -BeNullOrEmpty
            Get-HostNamespaces h2 | Should -BeNullOrEmpty
            Get-HostNamespaces h3 | Should -Be "${p}D"
            Get-NetLab -Name $name -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
        finally {
            On h3 { param($ns) & ip netns delete $ns } -Arguments "${p}D"
        }
    }

    It 'refuses a host with another module version when told not to copy, naming both versions, and leaves nothing' {
        $h2 = $sim.Hosts | Where-Object Name -eq h2
        $copied = Join-Path $h2.Home '.local/share/powershell/Modules/MigrationTools'
        $saved = Join-Path $sim.Folder 'h2-module'
        if (Test-Path $copied) { Move-Item $copied $saved }
        $fake = Join-Path $h2.Modules 'MigrationTools/0.0.1'
        $null = New-Item -ItemType Directory -Force -Path $fake
        New-ModuleManifest -Path (Join-Path $fake 'MigrationTools.psd1') -ModuleVersion 0.0.1
        try {
            $name = "${prefix}old"
            $e = Get-ErrorRecord ([scriptblock]::Create("New-NetLab -Path '$labFile' -Name '$name' -Prefix '${prefix}o-' -NoModuleCopy"))
            $e.FullyQualifiedErrorId | Should -BeLike 'LabHostModuleMismatch,*'
            $e.CategoryInfo.Category | Should -Be 'NotInstalled'
            "$e" | Should -Match '0\.0\.1'
            "$e" | Should -Match ([regex]::Escape($version))
            foreach ($h in 'h1', 'h2', 'h3') { Get-HostNamespaces $h | Should -BeNullOrEmpty }
            Get-NetLab -Name $name -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
        finally {
            Remove-Item -Recurse -Force (Join-Path $h2.Modules 'MigrationTools')
            if (Test-Path $saved) { Move-Item $saved $copied }
        }
    }

    It 'reports an unreachable host, removes the rest, and remembers that host''s part until it is reachable again' {
        $name = "${prefix}gone"
        $p = "${prefix}g-"
        $null = New-NetLab -Path $labFile -Name $name -Prefix $p
        Stop-SimulatedHost $sim h3
        try {
            $got = Get-NetLab -Name $name
            $got.Hosts['h3'] | Should -Be 'Unreachable'
            $got.Status | Should -Be 'Unreachable'

            $e = Get-ErrorRecord ([scriptblock]::Create("Remove-NetLab -Name '$name' -Confirm:`$false"))
            $e.FullyQualifiedErrorId | Should -BeLike 'LabHostUnreachable,*'
            $e.CategoryInfo.Category | Should -Be 'ConnectionError'
            "$e" | Should -Match "'h3'"
            Get-HostNamespaces h1 | Should -BeNullOrEmpty
            Get-HostNamespaces h2 | Should -BeNullOrEmpty
            $left = Get-NetLab -Name $name
            $left.Status | Should -Be 'Unreachable'
            $left.Hosts.Keys | Should -Be 'h3'
        }
        finally {
            Start-SimulatedHost $sim h3
            $script:look['h3'] = New-SimulatedHostSession $sim h3
        }
        Remove-NetLab -Name $name -Confirm:$false
        Get-NetLab -Name $name -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'builds with sessions the user opened (New-NetLab -Session), when the file gives only underlay addresses' {
        $file = New-LabFile (Join-Path $sim.Folder 'sessions.psd1') -AddressOnly
        $sessions = @{ h1 = New-SimulatedHostSession $sim h1; h2 = New-SimulatedHostSession $sim h2; h3 = New-SimulatedHostSession $sim h3 }
        $name = "${prefix}given"
        try {
            $lab = New-NetLab -Path $file -Name $name -Prefix "${prefix}v-" -Session $sessions
            $lab.Status | Should -Be 'Complete'
            @(Test-NetLab -Name $name -From C -To D) | Where-Object { -not $_.Reachable } | Should -BeNullOrEmpty
            Remove-NetLab -Name $name -Confirm:$false
            foreach ($h in 'h1', 'h2', 'h3') { Get-HostNamespaces $h | Should -BeNullOrEmpty }
        }
        finally {
            $sessions.Values | Remove-PSSession -ErrorAction SilentlyContinue
        }
    }
}

Describe 'A segment across hosts' -Tag RequireRoot, Integration {
    It 'joins members on two hosts with one VXLAN port per host that floods to the other, every pair reachable' {
        $file = Join-Path $sim.Folder 'segment.psd1'
        Set-Content -Path $file -Value @"
@{
    $(Format-SimulatedHosts $sim -Name h1, h2)
    Nodes    = @{ a = @{ Host = 'h1' }; b = @{ Host = 'h1' }; c = @{ Host = 'h2' }; d = @{ Host = 'h2' } }
    Segments = @{ lan = @{ Members = 'a:eth0', 'b:eth0', 'c:eth0', 'd:eth0'; Addresses = @{ a = '10.88.0.1/24'; b = '10.88.0.2/24'; c = '10.88.0.3/24'; d = '10.88.0.4/24' } } }
}
"@
        $name = "${prefix}seg"
        $p = "${prefix}m-"
        try {
            $lab = New-NetLab -Path $file -Name $name -Prefix $p
            $lab.Status | Should -Be 'Complete' -Because "$($lab.Hosts | Out-String) $(Get-NetLab -Name $name -Detailed | Out-String)"
            $results = @(Test-NetLab -Name $name)
            $results.Count | Should -Be 12
            $results | Where-Object { -not $_.Reachable } | Should -BeNullOrEmpty
            # Each host has the segment's bridge with its own members and a VXLAN port that floods to the other host.
            $ports = On h1 { param($ns) & ip -n $ns -br link show master lan | ForEach-Object { ($_ -split '[ @]')[0] } } -Arguments "${p}lan"
            $ports | Sort-Object | Should -Be 'a', 'b', 'vxlan'
            (On h1 { param($ns) & bridge -n $ns fdb show dev vxlan | Out-String } -Arguments "${p}lan") | Should -Match '00:00:00:00:00:00 dst 10\.199\.0\.12 '
            (On h2 { param($ns) & ip -n $ns -d link show vxlan | Out-String } -Arguments "${p}lan") | Should -Match 'mtu 1450 '
            (On h1 { param($ns) & ip -n $ns link show eth0 | Out-String } -Arguments "${p}a") | Should -Match 'mtu 1450 '
        }
        finally {
            Remove-NetLab -Name $name -Confirm:$false -ErrorAction SilentlyContinue
        }
        foreach ($h in 'h1', 'h2') { Get-HostNamespaces $h | Should -BeNullOrEmpty }
    }
}

Describe 'The ping flow migration across three hosts (examples/ping-flow-across-hosts.ps1)' -Tag RequireRoot, Integration {
    It 'loses no echo across 100 switches, and the echoes land on both hosts' {
        $sessions = @{ east = New-SimulatedHostSession $sim h1; west = New-SimulatedHostSession $sim h2; north = New-SimulatedHostSession $sim h3 }
        try {
            $summary = & (Join-Path $RepoRoot 'examples/ping-flow-across-hosts.ps1') -Session $sessions -Swaps 100 -Interval 0.05 -Prefix "${prefix}e-" -ModuleManifest $ModuleManifest 6>$null
        }
        finally {
            $sessions.Values | Remove-PSSession -ErrorAction SilentlyContinue
        }
        $summary.Switches | Should -Be 100
        $summary.Sent | Should -BeGreaterThan 500
        $summary.Lost | Should -Be 0
        $summary.PingErrors | Should -Be 0
        $summary.EchoesInC | Should -BeGreaterThan 0
        $summary.EchoesInD | Should -BeGreaterThan 0
        ($summary.EchoesInC + $summary.EchoesInD) | Should -BeGreaterOrEqual $summary.Sent
        foreach ($h in 'h1', 'h2', 'h3') { Get-HostNamespaces $h | Should -BeNullOrEmpty }
    }
}

Describe 'An uplink to a host''s own namespace (host@NAME:IF)' -Tag RequireRoot, Integration {
    It 'puts the far end in that host''s namespace, reaches it, and deletes it with the lab' {
        $file = Join-Path $sim.Folder 'uplink.psd1'
        Set-Content -Path $file -Value @"
@{
    $(Format-SimulatedHosts $sim -Name h2)
    Nodes = @{ a = @{ Host = 'h2' } }
    Links = @( @{ Endpoints = 'a:up0', 'host@h2:mtup0'; Addresses = '10.77.0.1/30', '10.77.0.2/30' } )
}
"@
        $name = "${prefix}up"
        try {
            $null = New-NetLab -Path $file -Name $name -Prefix "${prefix}u-"
            (On h2 { & ip -br addr show dev mtup0 | Out-String }) | Should -Match '10\.77\.0\.2/30'
            $tested = @(Test-NetLab -Name $name)
            ($tested | Where-Object To -eq 'host').Reachable | Should -BeTrue
            $exported = Export-NetLab -Lab $name -Path (Join-Path $sim.Folder 'uplink-export.psd1')
            (Get-Content -Raw $exported.FullName) | Should -Match "'a:up0', 'host@h2:mtup0'"
        }
        finally {
            Remove-NetLab -Name $name -Confirm:$false -ErrorAction SilentlyContinue
        }
        (On h2 { & ip -br link | Out-String }) | Should -Not -Match 'mtup0'
        # The machine that built the lab has no such interface.
        (& ip -br link | Out-String) | Should -Not -Match 'mtup0'
    }
}
