#Requires -Version 7.4
# Labs from lab files: every shipped lab builds, is reachable, is drawn and is removed; bad files make nothing; a
# file with code runs nothing; a builder killed mid-build leaves a lab that one command removes.
BeforeDiscovery {
    $templates = Get-ChildItem (Join-Path $PSScriptRoot '../../module/labs') -Filter *.psd1 | ForEach-Object { @{ Template = $_.BaseName } }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:prefix = New-TestPrefix
    $script:files = Join-Path ([IO.Path]::GetTempPath()) "${prefix}labs"
    $null = New-Item -ItemType Directory -Force -Path $files

    # Everything of a lab the kernel and the module's state hold, read with iproute2 and the file system.
    function script:Get-Leftover([string] $Prefix, [string] $LabName) {
        @(& ip netns list | ForEach-Object { ($_ -split ' ')[0] } | Where-Object { $_ -like "$Prefix*" }) +
        @(Get-ChildItem /run/migrationtools/netns -Directory -ErrorAction SilentlyContinue | Where-Object Name -like "$Prefix*" | ForEach-Object { "state:$($_.Name)" }) +
        @(if (Test-Path "/run/migrationtools/labs/$LabName") { "lab:$LabName" }) +
        @(& pgrep -af 'MigrationTools.Agent.dll' | Where-Object { $_ -match "/netns/$([regex]::Escape($Prefix))" })
    }
}

AfterAll {
    Remove-TestNamespace $prefix
    Remove-Item -Recurse -Force $files -ErrorAction SilentlyContinue
}

Describe 'Shipped lab <Template>' -Tag RequireRoot, Integration -ForEach $templates {
    BeforeAll {
        $script:labPrefix = "${prefix}$($Template.Substring(0, 2))-"
        $script:labName = "${prefix}$Template"
        $script:lab = New-NetLab -Template $Template -Name $labName -Prefix $labPrefix -WarningVariable warned -WarningAction SilentlyContinue
        $script:buildWarnings = @($warned | ForEach-Object { "$_" })
    }
    AfterAll {
        Remove-NetLab -Name $labName -Confirm:$false -ErrorAction SilentlyContinue
    }

    It 'builds every node as a namespace that ip netns sees' {
        $lab.Status | Should -Be 'Complete'
        $file = Import-PowerShellDataFile (Join-Path $RepoRoot "module/labs/$Template.psd1")
        $expected = @($file.Nodes.Keys) + @(if ($file.Segments) { $file.Segments.Keys }) | ForEach-Object { "$labPrefix$_" } | Sort-Object
        @(& ip netns list | ForEach-Object { ($_ -split ' ')[0] } | Where-Object { $_ -like "$labPrefix*" } | Sort-Object) | Should -Be $expected
        (Get-NetLab -Name $labName).Status | Should -Be 'Complete'
    }

    It 'builds without a warning (its mappings are routable)' {
        $buildWarnings | Should -BeNullOrEmpty
    }

    It 'exports as names and plain data: ConvertTo-Json carries the status as a word and no .NET type name' {
        $json = Get-NetLab -Name $labName | ConvertTo-Json -Depth 6
        ($json | ConvertFrom-Json).Status | Should -Be 'Complete'
        $json | Should -Not -Match 'MigrationTools\.Engine|System\.Collections'
        ($json | ConvertFrom-Json).Nodes.Count | Should -BeGreaterThan 0
    }

    It 'Test-NetLab finds every expected pair reachable' {
        $results = @(Test-NetLab -Name $labName)
        $results.Count | Should -BeGreaterThan 0
        $results | Where-Object { -not $_.Reachable } | Should -BeNullOrEmpty
        # The oracle is ping itself: one pair, checked again by hand.
        $first = $results[0]
        (& ip netns exec "$labPrefix$($first.From)" ping -c 1 -W 2 $first.Address) -join "`n" | Should -Match '1 received'
    }

    It 'Test-NetLab refuses a node it does not have, takes an address for -To, and calls a lab with a namespace gone damaged' {
        $results = @(Test-NetLab -Name $labName)
        $e = Get-ErrorRecord ([scriptblock]::Create("Test-NetLab -Name '$labName' -From no-such-node"))
        $e.FullyQualifiedErrorId | Should -BeLike 'LabNodeNotFound,*'
        $e = Get-ErrorRecord ([scriptblock]::Create("Test-NetLab -Name '$labName' -To no-such-node"))
        $e.FullyQualifiedErrorId | Should -BeLike 'LabNodeNotFound,*'
        $one = $results[0]
        $byAddress = @(Test-NetLab -Name $labName -From $one.From -To $one.Address)
        $byAddress.Count | Should -Be 1
        $byAddress[0].Address | Should -Be $one.Address
        $byAddress[0].Reachable | Should -BeTrue
        $e = Get-ErrorRecord ([scriptblock]::Create("Test-NetLab -Name '$labName' -To 192.0.2.123"))
        $e.FullyQualifiedErrorId | Should -BeLike 'LabAddressNotFound,*'
    }

    It 'Show-NetLab names every node and link' {
        $data = Import-PowerShellDataFile (Join-Path $RepoRoot "module/labs/$Template.psd1")
        $mermaid = Show-NetLab -Name $labName | Out-String
        foreach ($node in @($data.Nodes.Keys) + @(if ($data.Segments) { $data.Segments.Keys })) { $mermaid | Should -Match ([regex]::Escape($node)) }
        foreach ($link in $data.Links) {
            foreach ($endpoint in $link.Endpoints) { $mermaid | Should -Match ([regex]::Escape(($endpoint -split ':')[1])) }
        }
        $dot = Show-NetLab -Name $labName -Format Dot | Out-String
        $dot | Should -Match '^(?s)\s*graph '
    }

    It 'Remove-NetLab leaves nothing' {
        Get-NetLab -Name $labName | Remove-NetLab -Confirm:$false
        Get-Leftover $labPrefix $labName | Should -BeNullOrEmpty
        Get-NetLab -Name $labName -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'Lab listing, drawing and export' -Tag RequireRoot, Integration {
    It 'Get-NetLab -Available lists the shipped labs' {
        (Get-NetLab -Available).Name | Sort-Object | Should -Be @('lan-access', 'ping-flow', 'quic-lb', 'quic-migration', 'quic-nat')
    }

    It 'Show-NetLab -OutFile renders an SVG with Graphviz' {
        $svg = Join-Path $files 'quic-lb.svg'
        Show-NetLab -Template quic-lb -OutFile $svg | Out-Null
        $xml = [xml](Get-Content -Raw $svg)
        $xml.svg | Should -Not -BeNullOrEmpty
        (Get-Content -Raw $svg) | Should -Match 'router1'
    }

    It 'Show-NetLab -OutFile picks the format by the file''s extension, and refuses an unknown one' {
        Show-NetLab -Template quic-lb -OutFile (Join-Path $files 'q.png') | Out-Null
        [IO.File]::ReadAllBytes((Join-Path $files 'q.png'))[0..3] | Should -Be @(0x89, 0x50, 0x4e, 0x47)
        Show-NetLab -Template quic-lb -OutFile (Join-Path $files 'q.pdf') | Out-Null
        [Text.Encoding]::ASCII.GetString([IO.File]::ReadAllBytes((Join-Path $files 'q.pdf')), 0, 5) | Should -Be '%PDF-'
        Show-NetLab -Template quic-lb -OutFile (Join-Path $files 'q.dot') | Out-Null
        (Get-Content -Raw (Join-Path $files 'q.dot')) | Should -Match '^\s*(di)?graph'
        Show-NetLab -Template quic-lb -OutFile (Join-Path $files 'q.md') | Out-Null
        (Get-Content -Raw (Join-Path $files 'q.md')) | Should -Match '^```mermaid'
        $e = Get-ErrorRecord ([scriptblock]::Create("Show-NetLab -Template quic-lb -OutFile '$files/q.txt'"))
        $e.FullyQualifiedErrorId | Should -BeLike 'OutFileInvalid,*'
        Test-Path (Join-Path $files 'q.txt') | Should -BeFalse
        Get-ChildItem $files -Force | Where-Object Name -like '*.partial' | Should -BeNullOrEmpty
    }

    It 'Export-NetLab writes a lab file from hand-made namespaces that rebuilds the same lab' {
        $h = "${prefix}ex-"
        New-NetNs -Name "${h}a", "${h}b" | Out-Null
        Connect-NetNs -Name "${h}a" -Peer "${h}b" -Interface ab -PeerInterface ba | Out-Null
        New-NetNsAddress -Namespace "${h}a" -Interface ab -Address 10.254.7.1/24 | Out-Null
        New-NetNsAddress -Namespace "${h}b" -Interface ba -Address 10.254.7.2/24 | Out-Null
        New-NetNsRoute -Namespace "${h}a" -Destination 10.254.8.0/24 -Gateway 10.254.7.2 | Out-Null
        $file = Join-Path $files 'exported.psd1'
        Export-NetLab -Namespace "${h}a", "${h}b" -Path $file -Prefix $h | Out-Null
        Get-NetNs -Name "$h*" | Remove-NetNs -Confirm:$false

        $rebuilt = New-NetLab -Path $file -Name "${prefix}exported" -Prefix "${prefix}re-"
        try {
            (& ip -n "${prefix}re-a" -o -4 addr show dev ab) -join "`n" | Should -Match 'inet 10\.254\.7\.1/24'
            (& ip -n "${prefix}re-a" route show 10.254.8.0/24) | Should -Match 'via 10\.254\.7\.2'
            (Test-NetLab -Name $rebuilt.Name | Where-Object { -not $_.Reachable }) | Should -BeNullOrEmpty
        } finally {
            Remove-NetLab -Name $rebuilt.Name -Confirm:$false
        }
    }
}

Describe 'Bad lab files make nothing' -Tag RequireRoot, Integration {
    It '<Case>: LabFileInvalid naming <Path>' -ForEach @(
        @{ Case = 'unknown node in a link'; Path = 'Links\[0\]\.Endpoints'; Text = "@{ Nodes = @{ a = @{} }; Links = @( @{ Endpoints = 'a:e0', 'zz:e0' } ) }" }
        @{ Case = 'unknown node in a route'; Path = 'Nodes\.a'; Text = "@{ Nodes = @{ a = @{ Routes = @( @{ Destination = 'default'; Interface = 'nope' } ) } } }" }
        @{ Case = 'unknown node in a tunnel'; Path = 'Tunnels\[0\]\.Node'; Text = "@{ Nodes = @{ a = @{} }; Tunnels = @( @{ Node = 'zz'; Name = 't0'; Local = '10.0.0.1'; Remote = '10.0.0.2' } ) }" }
        @{ Case = 'unknown node in an address'; Path = 'Addresses\[0\]\.Node'; Text = "@{ Nodes = @{ a = @{} }; Addresses = @( @{ Node = 'zz'; Interface = 'lo'; Address = '10.9.9.9/32' } ) }" }
        @{ Case = 'unknown node in a mapping'; Path = 'FlowMappings\[0\]\.Node'; Text = "@{ Nodes = @{ a = @{} }; FlowMappings = @( @{ Node = 'zz'; VirtualAddress = 'fe00::1'; Target = 'fc00::1' } ) }" }
        @{ Case = 'duplicate interface'; Path = 'Links\[1\]\.Endpoints'; Text = "@{ Nodes = @{ a = @{}; b = @{} }; Links = @( @{ Endpoints = 'a:e0', 'b:e0' }, @{ Endpoints = 'a:e0', 'b:e1' } ) }" }
        @{ Case = 'bad prefix'; Path = 'Links\[0\]\.Addresses'; Text = "@{ Nodes = @{ a = @{}; b = @{} }; Links = @( @{ Endpoints = 'a:e0', 'b:e0'; Addresses = '10.0.0.1/33', '10.0.0.2/24' } ) }" }
        @{ Case = 'interface name over 15 bytes'; Path = 'Links\[0\]\.Endpoints'; Text = "@{ Nodes = @{ a = @{}; b = @{} }; Links = @( @{ Endpoints = 'a:an-interface-name-too-long', 'b:e0' } ) }" }
        @{ Case = 'gateway of the wrong family'; Path = 'Nodes\.a\.Routes\[0\]'; Text = "@{ Nodes = @{ a = @{ Routes = @( @{ Destination = '10.1.0.0/16'; Gateway = 'fd00::1' } ) } } }" }
        @{ Case = 'unknown key'; Path = 'Nodes\.a\.Colour'; Text = "@{ Nodes = @{ a = @{ Colour = 'red' } } }" }
        @{ Case = 'not pure data'; Path = 'data only'; Text = "@{ Nodes = @{ a = @{ Sysctls = @{ 'net.ipv4.ip_forward' = `$env:HOME } } } }" }
    ) {
        $file = Join-Path $files "bad-$([Guid]::NewGuid().ToString('N')).psd1"
        Set-Content -Path $file -Value $Text
        $labPrefix = "${prefix}bad-"
        $e = Get-ErrorRecord ([scriptblock]::Create("New-NetLab -Path '$file' -Name '${prefix}bad' -Prefix '$labPrefix'"))
        $e.FullyQualifiedErrorId | Should -BeLike 'LabFileInvalid,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $e.Exception.Message | Should -Match $Path
        Get-Leftover $labPrefix "${prefix}bad" | Should -BeNullOrEmpty
    }

    It 'a lab file with a command in it runs nothing' {
        $marker = Join-Path $files 'ran.txt'
        $file = Join-Path $files 'code.psd1'
        Set-Content -Path $file -Value "@{ Name = `$(Set-Content -Path '$marker' -Value ran; 'x'); Nodes = @{ a = @{} } }"
        $e = Get-ErrorRecord ([scriptblock]::Create("New-NetLab -Path '$file' -Prefix '${prefix}code-'"))
        $e.FullyQualifiedErrorId | Should -BeLike 'LabFileInvalid,*'
        Test-Path $marker | Should -BeFalse
        Get-Leftover "${prefix}code-" 'x' | Should -BeNullOrEmpty
        $e = Get-ErrorRecord ([scriptblock]::Create("Show-NetLab -Path '$file'"))
        $e.FullyQualifiedErrorId | Should -BeLike 'LabFileInvalid,*'
        Test-Path $marker | Should -BeFalse
    }
}

Describe 'Copies side by side' -Tag RequireRoot, Integration {
    It 'a -Prefix alone names the copy after the prefix and the lab, so two copies build without -Name' {
        $first = New-NetLab -Template ping-flow -Prefix "${prefix}c1-"
        try {
            $second = New-NetLab -Template ping-flow -Prefix "${prefix}c2-"
            try {
                $first.Name | Should -Be "${prefix}c1-ping-flow"
                $second.Name | Should -Be "${prefix}c2-ping-flow"
                (Get-NetLab -Name "${prefix}c2-ping-flow").Status | Should -Be 'Complete'
                (& ip netns list) -join "`n" | Should -Match "(?m)^${prefix}c2-A\b"
            } finally {
                Remove-NetLab -Name $second.Name -Confirm:$false
            }
        } finally {
            Remove-NetLab -Name $first.Name -Confirm:$false
        }
    }
}

Describe 'A lab link that flaps' -Tag RequireRoot, Integration {
    BeforeAll {
        $script:flapName = "${prefix}flap"
        $script:flap = New-NetLab -Template ping-flow -Name $flapName -Prefix "${prefix}fl-"
        $script:flapA = $flap.NamespaceOf('A')
    }
    AfterAll {
        Remove-NetLab -Name $flapName -Confirm:$false -ErrorAction SilentlyContinue
    }

    It 'keeps its IPv6 addresses across down and up' {
        & ip -n $flapA link set a-b down
        & ip -n $flapA link set a-b up
        # The oracle is iproute2: the lab's global IPv6 address is still on the link.
        (& ip -n $flapA -6 addr show dev a-b scope global) -join "`n" | Should -Match 'fd00:ab::a/64'
        Repair-NetLab -Name $flapName | Out-Null
    }

    It 'is Drifted after a flap made with iproute2, names the lost routes, and Repair-NetLab restores reachability' {
        (Get-NetLab -Name $flapName).Status | Should -Be 'Complete'
        & ip -n $flapA link set a-b down
        & ip -n $flapA link set a-b up
        # The oracle: iproute2 sees no default route left in A, and A cannot reach C.
        (& ip -n $flapA -6 route show default) | Should -BeNullOrEmpty
        (Invoke-NetNs -Name $flapA -Command ping -ArgumentList '-c', '1', '-W', '1', 'fc01::1').ExitCode | Should -Not -Be 0

        $lab = Get-NetLab -Name $flapName
        $lab.Status | Should -Be 'Drifted'
        $found = Get-NetLab -Name $flapName -Detailed
        $found | Where-Object { $_.Node -eq 'A' -and $_.Kind -eq 'Route' } | ForEach-Object Item | Sort-Object |
            Should -Be @('default via 10.201.1.254', 'default via fd00:ab::b')
        $lab.Differences.Count | Should -Be @($found).Count

        $done = Repair-NetLab -Name $flapName
        @($done).Count | Should -Be @($found).Count
        $done.Action | Sort-Object -Unique | Should -Be 'repaired'
        (& ip -n $flapA -6 route show default) -join ' ' | Should -Match 'via fd00:ab::b'
        (Get-NetLab -Name $flapName).Status | Should -Be 'Complete'
        Test-NetLab -Name $flapName | Where-Object { -not $_.Reachable } | Should -BeNullOrEmpty
        # Idempotent: nothing left to do.
        Repair-NetLab -Name $flapName | Should -BeNullOrEmpty
    }

    It 'Set-NetNsLink -State Up on a lab link brings its routes back' {
        Set-NetNsLink -Namespace $flapA -Name a-b -State Down
        (& ip -n $flapA route show default) | Should -BeNullOrEmpty
        Set-NetNsLink -Namespace $flapA -Name a-b -State Up
        (& ip -n $flapA route show default) -join ' ' | Should -Match 'via 10.201.1.254'
        (& ip -n $flapA -6 route show default) -join ' ' | Should -Match 'via fd00:ab::b'
        (Get-NetLab -Name $flapName).Status | Should -Be 'Complete'
    }

    It 'sees a changed sysctl, an address removed and an MTU changed, and puts each back' {
        $b = $flap.NamespaceOf('B')
        & ip netns exec $b sysctl -qw net.ipv4.ip_forward=0
        & ip -n $flapA addr del 10.201.1.1/24 dev a-b
        & ip -n $b link set b-c mtu 1400
        $found = Get-NetLab -Name $flapName -Detailed
        $found | Where-Object { $_.Kind -eq 'Sysctl' -and $_.Item -eq 'net.ipv4.ip_forward' -and $_.Actual -eq '0' } | Should -Not -BeNullOrEmpty
        $found | Where-Object { $_.Kind -eq 'Address' -and $_.Item -eq 'a-b 10.201.1.1/24' } | Should -Not -BeNullOrEmpty
        Repair-NetLab -Name $flapName | Out-Null
        (& ip netns exec $b cat /proc/sys/net/ipv4/ip_forward) | Should -Be '1'
        (& ip -n $flapA -4 addr show dev a-b) -join ' ' | Should -Match '10\.201\.1\.1/24'
        (Get-NetLab -Name $flapName).Status | Should -Be 'Complete'
    }
}

Describe 'A damaged lab' -Tag RequireRoot, Integration {
    BeforeAll {
        $script:damagedName = "${prefix}damaged"
        $script:damaged = New-NetLab -Template ping-flow -Name $damagedName -Prefix "${prefix}dm-"
    }
    AfterAll {
        Remove-NetLab -Name $damagedName -Confirm:$false -ErrorAction SilentlyContinue
    }

    It 'Test-NetLab says which namespace is gone instead of pinging' {
        & ip netns del "${prefix}dm-C"
        $e = Get-ErrorRecord ([scriptblock]::Create("Test-NetLab -Name '$damagedName'"))
        $e.FullyQualifiedErrorId | Should -BeLike 'LabDamaged,*'
        "$e" | Should -BeLike "*${prefix}dm-C (node C)*"
    }

    It 'a command on the missing node names it as the lab node it is, with Repair-NetLab as the advice' {
        $e = Get-ErrorRecord ([scriptblock]::Create("Get-NetNsAddress -Namespace '${prefix}dm-C'"))
        $e.FullyQualifiedErrorId | Should -BeLike 'NetNsNotFound,*'
        "$e" | Should -BeLike "*node C of lab '$damagedName'*Repair-NetLab -Name $damagedName*"
        "$e" | Should -Not -BeLike '*New-NetNs*'
    }

    It 'Repair-NetLab makes the namespace again with its links, addresses and routes, and the lab is whole' {
        (Get-NetLab -Name $damagedName).Status | Should -Be 'Damaged'
        $done = Repair-NetLab -Name $damagedName
        $done | Where-Object Kind -eq 'Namespace' | Select-Object -ExpandProperty Action | Should -Be 'repaired'
        (& ip netns list) -join "`n" | Should -Match "(?m)^${prefix}dm-C\b"
        (Get-NetLab -Name $damagedName).Status | Should -Be 'Complete'
        Test-NetLab -Name $damagedName | Where-Object { -not $_.Reachable } | Should -BeNullOrEmpty
        # The lab owns the new namespace: removing the lab removes it.
        Remove-NetLab -Name $damagedName -Confirm:$false
        (& ip netns list) -join "`n" | Should -Not -Match "(?m)^${prefix}dm-"
    }
}

Describe 'Pipelines that act once' -Tag RequireRoot, Integration {
    BeforeAll {
        $script:pipeName = "${prefix}pipe"
        $script:pipe = New-NetLab -Template ping-flow -Name $pipeName -Prefix "${prefix}pp-"
        $script:pipeA = $pipe.NamespaceOf('A')
    }
    AfterAll {
        Remove-NetLab -Name $pipeName -Confirm:$false -ErrorAction SilentlyContinue
    }

    It 'Switch-FlowTarget refuses links and counters from the pipeline (PipelineInputInvalid) and switches nothing' {
        $before = (Get-FlowMapping -Namespace $pipeA).CurrentTarget.ToString()
        $links = @(Get-NetNsLink -Namespace $pipeA)
        $links.Count | Should -BeGreaterThan 1
        $results = @(Get-NetNsLink -Namespace $pipeA | Switch-FlowTarget -PassThru -ErrorVariable refused -ErrorAction SilentlyContinue)
        $results | Should -BeNullOrEmpty
        @($refused).Count | Should -Be $links.Count
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'PipelineInputInvalid,*'
        $refused[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $null = Get-NetNsCounter -Namespace $pipeA | Switch-FlowTarget -ErrorAction SilentlyContinue
        (Get-FlowMapping -Namespace $pipeA).CurrentTarget.ToString() | Should -Be $before
    }

    It 'a flow mapping or a namespace from the pipeline is acted on once' {
        $before = (Get-FlowMapping -Namespace $pipeA).CurrentTarget.ToString()
        @(Get-FlowMapping -Namespace $pipeA | Switch-FlowTarget -PassThru).Count | Should -Be 1
        (Get-FlowMapping -Namespace $pipeA).CurrentTarget.ToString() | Should -Not -Be $before
        @(Get-NetNs -Name $pipeA | Switch-FlowTarget -PassThru).Count | Should -Be 1
        (Get-FlowMapping -Namespace $pipeA).CurrentTarget.ToString() | Should -Be $before
    }

    It 'Get-NetLab x | Get-NetNs lists the lab''s namespaces' {
        (Get-NetLab -Name $pipeName | Get-NetNs).Name | Sort-Object | Should -Be @($pipe.Namespaces.Values | Sort-Object)
    }
}

Describe 'Remove-NetLab -All' -Tag RequireRoot, Integration {
    It 'asks first: in a session that cannot ask, it removes nothing' {
        $name = "${prefix}keep"
        $lab = New-NetLab -Template quic-nat -Name $name -Prefix "${prefix}kp-"
        try {
            $ps = [powershell]::Create()
            $null = $ps.AddScript("Import-Module '$ModuleManifest'; Remove-NetLab -All")
            $null = $ps.Invoke()
            $ps.Dispose()
            (Get-NetLab -Name $name).Status | Should -Be 'Complete'
            (Get-Command Remove-NetLab).Parameters.Keys | Should -Contain 'Force'
        } finally {
            Remove-NetLab -Name $name -Confirm:$false
        }
    }
}

Describe 'A builder killed mid-build' -Tag RequireRoot, Integration {
    It 'leaves a lab that Remove-NetLab -All from a new session removes completely' {
        # A star of 40 leaves with a userspace tunnel: long enough to kill it half-way.
        $nodes = (1..40 | ForEach-Object { "        l$_ = @{}" }) -join "`n"
        $links = (1..40 | ForEach-Object { "        @{ Endpoints = 'hub:l$_', 'l${_}:up'; Addresses = '10.60.$_.1/24', '10.60.$_.2/24' }" }) -join "`n"
        $file = Join-Path $files 'star.psd1'
        Set-Content -Path $file -Value "@{`n    Name = 'star'`n    Nodes = @{`n        hub = @{}`n$nodes`n    }`n    Links = @(`n$links`n    )`n    Tunnels = @( @{ Node = 'hub'; Name = 'ipip0'; Local = '10.60.1.1'; Remote = '10.60.1.2'; Mode = 'Userspace' } )`n}"
        $labName = "${prefix}killed"
        $labPrefix = "${prefix}k-"
        $out = Join-Path $files 'builder'
        $builder = Start-ChildSession -ModuleManifest $ModuleManifest -OutputPath $out -Script "New-NetLab -Path '$file' -Name '$labName' -Prefix '$labPrefix' | Out-Null"
        # Kill it once the build has started making namespaces, and before it is done.
        Wait-Until { @(& ip netns list | Where-Object { $_ -like "$labPrefix*" }).Count -ge 3 } -Seconds 30 -What 'the build to start'
        Stop-ProcessTree -ProcessId $builder.Id
        $builder.WaitForExit(10000) | Should -BeTrue

        $status = (Get-NetLab -Name $labName).Status
        $status | Should -BeIn 'Building', 'Incomplete'
        Get-Leftover $labPrefix $labName | Should -Not -BeNullOrEmpty

        $cleaner = Start-ChildSession -ModuleManifest $ModuleManifest -OutputPath "$out-clean" -Script 'Remove-NetLab -All -Confirm:$false'
        $cleaner.WaitForExit(60000) | Should -BeTrue
        $cleaner.ExitCode | Should -Be 0
        Get-Leftover $labPrefix $labName | Should -BeNullOrEmpty
    }
}
