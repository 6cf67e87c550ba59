#Requires -Version 7.4
# Flow mappings and Switch-FlowTarget on the shipped ping-flow lab, built under a prefix of this test's own; the
# lab's own mapping is removed first, so each test makes the mappings it checks.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:prefix = New-TestPrefix
    $netLab = New-NetLab -Template ping-flow -Name "${prefix}flow" -Prefix $prefix
    $script:lab = [pscustomobject]@{ A = $netLab.NamespaceOf('A'); B = $netLab.NamespaceOf('B'); C = $netLab.NamespaceOf('C'); D = $netLab.NamespaceOf('D') }
    Get-FlowMapping -Namespace $lab.A | Remove-FlowMapping -Confirm:$false

    # Pings the virtual address from A and returns how many echo requests reached C and D.
    function script:Send-Echo([string] $Target, [int] $Count = 5) {
        $before = Get-ArrivalCount -Namespace $lab.C, $lab.D
        $ping = Invoke-NetNs -Name $lab.A -Command ping -ArgumentList '-c', "$Count", '-i', '0.01', '-W', '1', $Target
        $after = Get-ArrivalCount -Namespace $lab.C, $lab.D
        [pscustomobject]@{ ExitCode = $ping.ExitCode; C = $after[0].Echoes - $before[0].Echoes; D = $after[1].Echoes - $before[1].Echoes }
    }
}

AfterAll {
    Remove-TestNamespace $prefix
}

Describe 'Flow mapping and switching (nftables)' -Tag RequireRoot, Integration {
    BeforeAll {
        & ip netns exec $lab.A nft add table inet keep-me
        & ip netns exec $lab.A nft add chain inet keep-me filter '{ type filter hook output priority 0; policy accept; }'
    }

    It '-WhatIf creates nothing' {
        New-FlowMapping -Namespace $lab.A -VirtualAddress fe00::1 -Target fc01::1, fc02::2 -WhatIf
        Get-FlowMapping -Namespace $lab.A | Should -BeNullOrEmpty
        & ip netns exec $lab.A nft list tables | Should -Not -Contain 'table inet migrationtools'
    }

    It 'maps the virtual address to the first target' {
        $m = New-FlowMapping -Namespace $lab.A -VirtualAddress fe00::1 -Target fc01::1, fc02::2
        $m.CurrentTarget.ToString() | Should -Be 'fc01::1'
        $m.Backend | Should -Be 'Nftables'
        (Get-FlowMapping -Namespace $lab.A).CurrentTarget.ToString() | Should -Be 'fc01::1'
        $r = Send-Echo fe00::1
        $r.ExitCode | Should -Be 0
        $r.C | Should -Be 5
        $r.D | Should -Be 0
    }

    It 'swaps to the next target and back, moving echo requests from C to D and back' {
        Switch-FlowTarget -Namespace $lab.A | Should -BeNullOrEmpty
        $r = Send-Echo fe00::1
        $r.D | Should -Be 5
        $r.C | Should -Be 0
        $result = Switch-FlowTarget -Namespace $lab.A -PassThru
        $result.OldTarget.ToString() | Should -Be 'fc02::2'
        $result.NewTarget.ToString() | Should -Be 'fc01::1'
        (Send-Echo fe00::1).C | Should -Be 5
    }

    It 'moves a running ping and deletes only its conntrack entries' {
        # A flow to C's real address must keep its entry.
        $direct = Invoke-NetNs -Name $lab.A -Command ping -ArgumentList '-i', '0.05', '-w', '4', 'fc01::1' -Background
        $flow = Invoke-NetNs -Name $lab.A -Command ping -ArgumentList '-i', '0.05', '-w', '4', 'fe00::1' -Background
        Start-Sleep -Milliseconds 400
        $directEntry = Get-ConntrackEntry -Namespace $lab.A -Destination fc01::1
        $directEntry | Should -Not -BeNullOrEmpty
        (Get-ConntrackEntry -Namespace $lab.A -Destination fe00::1).TranslatedDestination | ForEach-Object ToString | Sort-Object -Unique | Should -Be 'fc01::1'
        $before = Get-ArrivalCount -Namespace $lab.D
        $result = Switch-FlowTarget -Namespace $lab.A -TargetNamespace $lab.D -PassThru
        $result.ConntrackEntriesRemoved | Should -BeGreaterOrEqual 1
        Start-Sleep -Milliseconds 400
        (Get-ArrivalCount -Namespace $lab.D).Echoes - $before.Echoes | Should -BeGreaterThan 3
        (Get-ConntrackEntry -Namespace $lab.A -Destination fe00::1).TranslatedDestination | ForEach-Object ToString | Sort-Object -Unique | Should -Be 'fc02::2'
        (Get-ConntrackEntry -Namespace $lab.A -Destination fc01::1).Id | Should -Be $directEntry.Id
        $direct, $flow | Stop-NetNsProcess -Confirm:$false
    }

    It 'loses no echo over a burst of switches at a short ping interval' {
        $before = Get-ArrivalCount -Namespace $lab.C, $lab.D
        $ping = Invoke-NetNs -Name $lab.A -Command ping -ArgumentList '-q', '-i', '0.0002', '-w', '3', 'fe00::1' -Background
        Start-Sleep -Milliseconds 300
        $results = 1..300 | ForEach-Object { Switch-FlowTarget -Namespace $lab.A -PassThru; Start-Sleep -Milliseconds 2 }
        while ($ping.IsRunning) { Start-Sleep -Milliseconds 100 }
        $stats = Get-PingSummary -Text (Get-Content -Raw $ping.OutputPath)
        $after = Get-ArrivalCount -Namespace $lab.C, $lab.D
        $stats.Sent | Should -BeGreaterThan 1000
        $stats.Received | Should -Be $stats.Sent
        $stats.Errors | Should -Be 0
        $results | Should -HaveCount 300
        ($after[0].Echoes - $before[0].Echoes) | Should -BeGreaterThan 100
        ($after[1].Echoes - $before[1].Echoes) | Should -BeGreaterThan 100
    }

    It 'moves a UDP flow' {
        Switch-FlowTarget -Namespace $lab.A -Target fc01::1
        $sinkC = Invoke-NetNs -Name $lab.C -Command ncat -ArgumentList '-u', '-l', 'fc01::1', '5555' -Background
        $sinkD = Invoke-NetNs -Name $lab.D -Command ncat -ArgumentList '-u', '-l', 'fc02::2', '5555' -Background
        foreach ($ns in $lab.C, $lab.D) { Wait-Listener -Namespace $ns -Protocol udp -Port 5555 }
        $sender = Invoke-NetNs -Name $lab.A -Command ncat -ArgumentList '-u', 'fe00::1', '5555' -StandardInput (1..20 | ForEach-Object { "d-$_" }) -InputIntervalMilliseconds 50 -Background
        # Switch once C has datagrams (a loaded machine may start the sender late), while more are still to come.
        Wait-Until { Select-String -Path $sinkC.OutputPath -Pattern '^d-' -Quiet } -Seconds 10 -What 'the first datagrams in C'
        Switch-FlowTarget -Namespace $lab.A
        while ($sender.IsRunning) { Start-Sleep -Milliseconds 50 }
        Start-Sleep -Milliseconds 200
        $inC = @(Get-Content $sinkC.OutputPath | Where-Object { $_ -like 'd-*' })
        $inD = @(Get-Content $sinkD.OutputPath | Where-Object { $_ -like 'd-*' })
        $sinkC, $sinkD | Stop-NetNsProcess -Confirm:$false
        $inC.Count | Should -BeGreaterThan 0
        $inD.Count | Should -BeGreaterThan 0
        $inC.Count + $inD.Count | Should -Be 20
    }

    It 'maps IPv4 as well' {
        New-FlowMapping -Namespace $lab.A -VirtualAddress 10.202.0.1 -Target 10.201.2.1, 10.201.3.2 | Out-Null
        (Send-Echo 10.202.0.1).C | Should -Be 5
        Switch-FlowTarget -Namespace $lab.A -VirtualAddress 10.202.0.1
        (Send-Echo 10.202.0.1).D | Should -Be 5
        (Get-FlowMapping -Namespace $lab.A).Count | Should -Be 2
    }

    It 'serializes two sessions switching at once: every switch counts, and the last one''s purge follows' {
        # 2 x 100 switches to "the next target" from two processes. Each switch reads the current target and writes
        # the next under the lock; without it, two switches read the same target and one toggle is lost, so the
        # parity of the final target (200 toggles from fc01::1: back to fc01::1) is the oracle.
        Switch-FlowTarget -Namespace $lab.A -VirtualAddress fe00::1 -Target fc01::1
        $flow = Invoke-NetNs -Name $lab.A -Command ping -ArgumentList '-i', '0.01', '-w', '30', 'fe00::1' -Background
        $script = "1..100 | ForEach-Object { Switch-FlowTarget -Namespace '$($lab.A)' -VirtualAddress fe00::1 }"
        $out = Join-Path ([IO.Path]::GetTempPath()) "mtt-switch-$([Guid]::NewGuid().ToString('N'))"
        $sessions = 1..2 | ForEach-Object { Start-ChildSession -ModuleManifest $ModuleManifest -Script $script -OutputPath "$out-$_" }
        $sessions | Wait-Process -Timeout 120
        $sessions.ExitCode | Should -Be @(0, 0)
        $elements = & ip netns exec $lab.A nft list map inet migrationtools flows6
        ($elements | Select-String 'fe00::1 :').Count | Should -Be 1
        (Get-FlowMapping -Namespace $lab.A -VirtualAddress fe00::1).CurrentTarget.ToString() | Should -Be 'fc01::1'
        # The running ping's entries were purged after the last switch: all of them now point at the final target.
        Start-Sleep -Milliseconds 200
        (Get-ConntrackEntry -Namespace $lab.A -Destination fe00::1).TranslatedDestination | ForEach-Object ToString | Sort-Object -Unique | Should -Be 'fc01::1'
        $r = Send-Echo fe00::1 3
        $r.C | Should -BeGreaterOrEqual 3
        Stop-NetNsProcess -InputObject $flow -Confirm:$false
        Remove-Item "$out-*" -ErrorAction SilentlyContinue
    }

    It 'switches by the mapping as another session made it again, not as this session read it before' {
        # This session has read fe00::1's targets (fc01::1, fc02::2) in its switches; another session makes the
        # mapping again with fc01::9 among them. A switch that trusted what it read before would refuse fc01::9.
        Switch-FlowTarget -Namespace $lab.A -VirtualAddress fe00::1 -Target fc02::2
        $script = "Remove-FlowMapping -Namespace '$($lab.A)' -VirtualAddress fe00::1 -Confirm:`$false; New-FlowMapping -Namespace '$($lab.A)' -VirtualAddress fe00::1 -Target fc02::2, fc01::9 | Out-Null"
        $out = Join-Path ([IO.Path]::GetTempPath()) "mtt-remap-$([Guid]::NewGuid().ToString('N'))"
        $session = Start-ChildSession -ModuleManifest $ModuleManifest -Script $script -OutputPath $out
        $session | Wait-Process -Timeout 60
        $session.ExitCode | Should -Be 0
        (Switch-FlowTarget -Namespace $lab.A -VirtualAddress fe00::1 -Target fc01::9 -PassThru).NewTarget.ToString() | Should -Be 'fc01::9'
        (Switch-FlowTarget -Namespace $lab.A -VirtualAddress fe00::1 -PassThru).NewTarget.ToString() | Should -Be 'fc02::2'
        Remove-Item "$out*" -ErrorAction SilentlyContinue
    }

    It 'removes a mapping with its rules and leaves the namespace''s other rules alone' {
        Remove-FlowMapping -Namespace $lab.A -VirtualAddress 10.202.0.1 -Confirm:$false
        Get-FlowMapping -Namespace $lab.A | Should -HaveCount 1
        Get-FlowMapping -Namespace $lab.A | Remove-FlowMapping -Confirm:$false
        $tables = & ip netns exec $lab.A nft list tables
        $tables | Should -Not -Contain 'table inet migrationtools'
        $tables | Should -Contain 'table inet keep-me'
        (Send-Echo fe00::1 1).ExitCode | Should -Not -Be 0
    }
}

Describe 'Mappings that cannot work say so' -Tag RequireRoot, Integration {
    BeforeAll {
        # A namespace with only loopback: no route to anything but itself.
        $script:lone = "${prefix}lone"
        New-NetNs -Name $lone | Out-Null
    }

    It 'warns when the namespace has no route to the virtual address, and fails with -Strict' {
        $null = New-FlowMapping -Namespace $lone -VirtualAddress 10.77.7.7 -Target 10.77.8.1, 10.77.8.2 -WarningVariable warned -WarningAction SilentlyContinue
        ($warned -join ' ') | Should -BeLike "*has no route to 10.77.7.7*"
        $null = Switch-FlowTarget -Namespace $lone -WarningVariable switched -WarningAction SilentlyContinue
        ($switched -join ' ') | Should -BeLike "*has no route to 10.77.7.7*"
        $e = Get-ErrorRecord ([scriptblock]::Create("Switch-FlowTarget -Namespace '$lone' -Strict"))
        $e.FullyQualifiedErrorId | Should -BeLike 'FlowUnroutable,*'
        $e = Get-ErrorRecord ([scriptblock]::Create("New-FlowMapping -Namespace '$lone' -VirtualAddress 10.77.9.9 -Target 10.77.8.1 -Strict"))
        $e.FullyQualifiedErrorId | Should -BeLike 'FlowUnroutable,*'
        (Get-FlowMapping -Namespace $lone).VirtualAddress | Should -Not -Contain '10.77.9.9'
        # The oracle: the kernel refuses the send the same way.
        $ping = Invoke-NetNs -Name $lone -Command ping -ArgumentList '-c', '1', '-W', '1', '10.77.7.7'
        $ping.ExitCode | Should -Not -Be 0
        "$($ping.Output) $($ping.Error)" | Should -Match 'unreachable'
    }

    It 'says nothing when there is an <Family> route' -ForEach @(
        @{ Family = 'IPv4'; Net = '10.77.0.0/16'; Vip = '10.77.7.8'; Targets = '10.77.8.1', '10.77.8.2'; Name = 'r4' }
        @{ Family = 'IPv6'; Net = 'fe00:77::/64'; Vip = 'fe00:77::8'; Targets = 'fe00:78::1', 'fe00:78::2'; Name = 'r6' }
    ) {
        # A namespace of this test's own with a route (over a veth pair inside it, made with iproute2) to the virtual address.
        $routed = "${prefix}$Name"
        New-NetNs -Name $routed | Out-Null
        & ip -n $routed link add d0 type veth peer name d1
        & ip -n $routed link set d0 up
        & ip -n $routed link set d1 up
        & ip -n $routed route add $Net dev d0
        (& ip -n $routed route get $Vip) -join ' ' | Should -Match 'dev d0' -Because 'the oracle, iproute2, sees the route'
        $null = New-FlowMapping -Namespace $routed -VirtualAddress $Vip -Target $Targets -WarningVariable warned -WarningAction SilentlyContinue
        $warned | Should -BeNullOrEmpty
        $null = Switch-FlowTarget -Namespace $routed -Strict -WarningVariable switched -WarningAction SilentlyContinue
        $switched | Should -BeNullOrEmpty
    }
}

Describe 'Switch errors change nothing' -Tag RequireRoot, Integration {
    BeforeAll {
        New-FlowMapping -Namespace $lab.A -VirtualAddress fe00::1 -Target fc01::1, fc02::2 | Out-Null
    }
    AfterAll {
        Get-FlowMapping -Namespace $lab.A | Remove-FlowMapping -Confirm:$false
    }

    It '<Case>' -ForEach @(
        @{ Case = 'unknown namespace'; Id = 'NetNsNotFound'; Category = 'ObjectNotFound'; Call = { Switch-FlowTarget -Namespace "${prefix}nope" } }
        @{ Case = 'virtual address not mapped'; Id = 'FlowMappingNotFound'; Category = 'ObjectNotFound'; Call = { Switch-FlowTarget -Namespace $lab.A -VirtualAddress fe00::9 } }
        @{ Case = 'target not in the list'; Id = 'FlowTargetNotInList'; Category = 'InvalidArgument'; Call = { Switch-FlowTarget -Namespace $lab.A -Target fc01::99 } }
        @{ Case = 'target of the other family'; Id = 'FlowTargetFamilyMismatch'; Category = 'InvalidArgument'; Call = { Switch-FlowTarget -Namespace $lab.A -Target 10.201.2.1 } }
        @{ Case = 'target namespace with no address on the path'; Id = 'TargetNamespaceNotOnPath'; Category = 'ObjectNotFound'; Call = { Switch-FlowTarget -Namespace $lab.A -TargetNamespace $lab.B } }
        @{ Case = 'malformed target'; Id = 'InvalidIpAddress'; Category = 'InvalidArgument'; Call = { Switch-FlowTarget -Namespace $lab.A -Target 'fc01::1/64' } }
        @{ Case = 'mapping twice'; Id = 'FlowMappingExists'; Category = 'ResourceExists'; Call = { New-FlowMapping -Namespace $lab.A -VirtualAddress fe00::1 -Target fc01::1 } }
        @{ Case = 'mapping with mixed families'; Id = 'FlowTargetFamilyMismatch'; Category = 'InvalidArgument'; Call = { New-FlowMapping -Namespace $lab.A -VirtualAddress fe00::7 -Target fc01::1, 10.201.2.1 } }
        @{ Case = 'mapping with a duplicate target'; Id = 'FlowTargetsDuplicate'; Category = 'InvalidArgument'; Call = { New-FlowMapping -Namespace $lab.A -VirtualAddress fe00::7 -Target fc01::1, fc01::1 } }
    ) {
        $before = & ip netns exec $lab.A nft list table inet migrationtools
        $err = Get-ErrorRecord $Call
        $err.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $err.CategoryInfo.Category | Should -Be $Category
        & ip netns exec $lab.A nft list table inet migrationtools | Should -Be $before
    }

    It '-WhatIf switches nothing' {
        Switch-FlowTarget -Namespace $lab.A -WhatIf
        (Get-FlowMapping -Namespace $lab.A).CurrentTarget.ToString() | Should -Be 'fc01::1'
    }
}

Describe 'Flow mapping with the iptables backend' -Tag RequireRoot, Integration {
    It 'maps, switches with -R and removes only its own chain' {
        & ip netns exec $lab.A ip6tables -w -t nat -N KEEP-ME
        New-FlowMapping -Namespace $lab.A -VirtualAddress fe00::1 -Target fc01::1, fc02::2 -Backend Iptables | Out-Null
        (& ip netns exec $lab.A ip6tables -w -t nat -S MIGRATIONTOOLS) -join "`n" | Should -Match 'fe00::1/128.*--to-destination fc01::1'
        (Send-Echo fe00::1).C | Should -Be 5
        $r = Switch-FlowTarget -Namespace $lab.A -PassThru
        $r.Backend | Should -Be 'Iptables'
        (Send-Echo fe00::1).D | Should -Be 5
        (Get-FlowMapping -Namespace $lab.A).CurrentTarget.ToString() | Should -Be 'fc02::2'
        Remove-FlowMapping -Namespace $lab.A -VirtualAddress fe00::1 -Confirm:$false
        $chains = & ip netns exec $lab.A ip6tables -w -t nat -S
        $chains | Should -Not -Contain '-N MIGRATIONTOOLS'
        $chains | Should -Contain '-N KEEP-ME'
        $chains | Where-Object { $_ -like '*MIGRATIONTOOLS*' } | Should -BeNullOrEmpty
    }
}

Describe 'Conntrack entries as objects' -Tag RequireRoot, Integration {
    # Conntrack tracks a namespace's flows only while something there (here: a mapping's NAT) needs it.
    BeforeAll { New-FlowMapping -Namespace $lab.A -VirtualAddress fe00::5 -Target fc01::1 | Out-Null }
    AfterAll { Remove-FlowMapping -Namespace $lab.A -VirtualAddress fe00::5 -Confirm:$false }

    It 'lists, filters and removes entries from the pipeline' {
        $flow = Invoke-NetNs -Name $lab.A -Command ping -ArgumentList '-i', '0.1', '-w', '3', 'fc02::2' -Background
        Start-Sleep -Milliseconds 300
        $entries = Get-ConntrackEntry -Namespace $lab.A -Destination fc02::2 -Protocol icmpv6
        $entries | Should -Not -BeNullOrEmpty
        $entries[0].Protocol | Should -Be 'icmpv6'
        $entries[0].Source.ToString() | Should -Be 'fd00:ab::a'
        Get-ConntrackEntry -Namespace $lab.A -Destination fc02::2 -Protocol tcp | Should -BeNullOrEmpty
        $removed = @($entries | Remove-ConntrackEntry -PassThru -Confirm:$false)
        $removed.Count | Should -BeGreaterOrEqual 1
        $removed | ForEach-Object { $_ | Should -BeOfType ([MigrationTools.Engine.Conntrack.ConntrackEntry]) }
        $removed.Destination | ForEach-Object ToString | Sort-Object -Unique | Should -Be 'fc02::2'
        Stop-NetNsProcess -InputObject $flow -Confirm:$false
        Remove-ConntrackEntry -Namespace $lab.A -Destination fc02::2 -Confirm:$false
        Get-ConntrackEntry -Namespace $lab.A -Destination fc02::2 | Should -BeNullOrEmpty
    }

    It 'rejects an unknown protocol name' {
        (Get-ErrorRecord { Get-ConntrackEntry -Namespace $lab.A -Protocol bogus }).FullyQualifiedErrorId | Should -BeLike 'InvalidProtocol,*'
    }
}

Describe 'The ping flow migration example' -Tag RequireRoot, Integration {
    It 'runs non-interactively with 0 lost and echoes in both C and D' {
        $examplePrefix = "${prefix}ex-"
        $svg = Join-Path ([IO.Path]::GetTempPath()) "mtt-ping-flow-$([Guid]::NewGuid().ToString('N')).svg"
        $summary = & (Join-Path $RepoRoot 'examples/ping-flow-migration.ps1') -Swaps 20 -Interval 0.05 -Prefix $examplePrefix -ModuleManifest $ModuleManifest -TimelinePath $svg 6>$null
        $summary.Switches | Should -Be 20
        $xml = [xml](Get-Content -Raw $svg)
        $xml.svg.title | Should -Match 'Echo requests'
        @($xml.svg.line | Where-Object { $_.title -like 'switch to*' }).Count | Should -Be 20
        Remove-Item $svg
        $summary.Sent | Should -BeGreaterThan 0
        $summary.Lost | Should -Be 0
        $summary.PingErrors | Should -Be 0
        $summary.EchoesInC | Should -BeGreaterThan 0
        $summary.EchoesInD | Should -BeGreaterThan 0
        Get-NetNs "$examplePrefix*" | Should -BeNullOrEmpty
    }

    It 'shows UDP moving and TCP being cut' {
        $examplePrefix = "${prefix}ut-"
        $summary = & (Join-Path $RepoRoot 'examples/udp-tcp-flow-migration.ps1') -Datagrams 30 -Swaps 2 -Prefix $examplePrefix -ModuleManifest $ModuleManifest -WarningVariable warned -WarningAction SilentlyContinue 6>$null
        $warned | Should -BeNullOrEmpty -Because 'the example checks its own claims and warns when one does not hold'
        $summary.UdpLost | Should -Be 0
        $summary.UdpInC | Should -BeGreaterThan 0
        $summary.UdpInD | Should -BeGreaterThan 0
        $summary.TcpSegmentsInC | Should -BeGreaterThan 0
        $summary.TcpSegmentsInD | Should -Be 0
        $summary.TcpClientRunning | Should -BeFalse
        $summary.TcpClientError | Should -Not -BeNullOrEmpty
        Get-NetNs "$examplePrefix*" | Should -BeNullOrEmpty
    }
}
