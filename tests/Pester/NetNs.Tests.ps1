#Requires -Version 7.4
# Namespaces, links, addresses, routes and processes, for real, in namespaces of this test's own.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:prefix = New-TestPrefix
    $script:a = "${prefix}a"
    $script:b = "${prefix}b"
    $script:r = "${prefix}r"
}

AfterAll {
    Remove-TestNamespace $prefix
}

Describe 'Namespace lifecycle' -Tag RequireRoot, Integration {
    It 'creates a namespace that ip netns sees, with loopback up' {
        $ns = New-NetNs -Name $a
        $ns | Should -BeOfType MigrationTools.Engine.Namespaces.NetNamespace
        $ns.Name | Should -Be $a
        (& ip netns list) -match "^$([regex]::Escape($a))\b" | Should -Not -BeNullOrEmpty
        ($ns.Interfaces | Where-Object Name -eq 'lo').IsUp | Should -BeTrue
        (Invoke-NetNs -Name $a -Command ping -ArgumentList '-c', '1', '-W', '1', '127.0.0.1').ExitCode | Should -Be 0
    }

    It 'refuses to create a namespace twice, but -Force returns the existing one' {
        $err = Get-ErrorRecord { New-NetNs -Name $a }
        $err.FullyQualifiedErrorId | Should -BeLike 'NetNsExists,*'
        $err.CategoryInfo.Category | Should -Be 'ResourceExists'
        (New-NetNs -Name $a -Force).Name | Should -Be $a
    }

    It 'sees namespaces made with ip netns add' {
        & ip netns add $b
        (Get-NetNs -Name $b).Name | Should -Be $b
        (Get-NetNs -Name "${prefix}*").Name | Should -Contain $b
    }

    It 'reports a missing namespace as ObjectNotFound' {
        $err = Get-ErrorRecord { Get-NetNs -Name "${prefix}missing" }
        $err.FullyQualifiedErrorId | Should -BeLike 'NetNsNotFound,*'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err = Get-ErrorRecord { Remove-NetNs -Name "${prefix}missing" }
        $err.FullyQualifiedErrorId | Should -BeLike 'NetNsNotFound,*'
    }

    It '-WhatIf creates and removes nothing' {
        New-NetNs -Name "${prefix}whatif" -WhatIf
        Test-Path "/run/netns/${prefix}whatif" | Should -BeFalse
        Remove-NetNs -Name $a -WhatIf
        Test-Path "/run/netns/$a" | Should -BeTrue
    }
}

Describe 'Links, addresses and routes across three namespaces' -Tag RequireRoot, Integration {
    BeforeAll {
        New-NetNs -Name $r | Out-Null
        New-NetNs -Name $a -Force | Out-Null
        New-NetNs -Name $b -Force | Out-Null
    }

    It 'joins namespaces with veth pairs, both ends up' {
        $pair = Connect-NetNs -Name $a -Peer $r -Interface 'a-r' -PeerInterface 'r-a'
        $pair.PeerNamespace | Should -Be $r
        Connect-NetNs -Name $b -Peer $r -Interface 'b-r' -PeerInterface 'r-b' -Mtu 1400 | Out-Null
        (Get-NetNsLink -Namespace $a -Name 'a-r').Kind | Should -Be 'veth'
        (Get-NetNsLink -Namespace $r -Name 'r-b').Mtu | Should -Be 1400
        (Get-NetNsLink -Namespace $r -Name 'r-*').IsUp | Should -Not -Contain $false
    }

    It 'adds IPv4 and IPv6 addresses that are usable at once' {
        New-NetNsAddress -Namespace $a -Interface 'a-r' -Address '10.251.1.1/24', 'fd00:251:1::1/64' | Should -HaveCount 2
        New-NetNsAddress -Namespace $r -Interface 'r-a' -Address '10.251.1.254/24', 'fd00:251:1::fe/64' | Out-Null
        New-NetNsAddress -Namespace $r -Interface 'r-b' -Address '10.251.2.254/24', 'fd00:251:2::fe/64' | Out-Null
        New-NetNsAddress -Namespace $b -Interface 'b-r' -Address '10.251.2.2/24', 'fd00:251:2::2/64' | Out-Null
        $v6 = Get-NetNsAddress -Namespace $a -Interface 'a-r' -AddressFamily IPv6 | Where-Object Scope -eq 'global'
        $v6.Address.ToString() | Should -Be 'fd00:251:1::1'
        # nodad: not tentative, so a ping on the link works straight away.
        (& ip -n $a -6 addr show dev a-r scope global tentative) | Should -BeNullOrEmpty
        (Invoke-NetNs $a ping '-c', '1', '-W', '2', 'fd00:251:1::fe').ExitCode | Should -Be 0
    }

    It 'refuses an address that is already there' {
        $err = Get-ErrorRecord { New-NetNsAddress -Namespace $a -Interface 'a-r' -Address '10.251.1.1/24' }
        $err.FullyQualifiedErrorId | Should -BeLike 'AddressExists,*'
        $err.CategoryInfo.Category | Should -Be 'ResourceExists'
    }

    It 'routes between namespaces through a forwarding router' {
        Enable-NetNsForwarding -Namespace $r -PassThru | ForEach-Object { $_.IPv4Forwarding -and $_.IPv6Forwarding } | Should -BeTrue
        New-NetNsRoute -Namespace $a -Destination default -Gateway '10.251.1.254' | Out-Null
        New-NetNsRoute -Namespace $a -Destination default -Gateway 'fd00:251:1::fe' | Out-Null
        New-NetNsRoute -Namespace $b -Destination '10.251.1.0/24' -Gateway '10.251.2.254' -Interface 'b-r' | Out-Null
        New-NetNsRoute -Namespace $b -Destination 'fd00:251:1::/64' -Gateway 'fd00:251:2::fe' | Out-Null
        (Invoke-NetNs $a ping '-c', '2', '-i', '0.2', '-W', '2', '10.251.2.2').ExitCode | Should -Be 0
        (Invoke-NetNs $a ping '-c', '2', '-i', '0.2', '-W', '2', 'fd00:251:2::2').ExitCode | Should -Be 0
    }

    It 'lists routes as objects' {
        $routes = Get-NetNsRoute -Namespace $b -AddressFamily IPv4
        ($routes | Where-Object Destination -eq '10.251.1.0/24').Gateway.ToString() | Should -Be '10.251.2.254'
        (Get-NetNsRoute -Namespace $a -Destination default).AddressFamily | Sort-Object | Should -Be @('IPv4', 'IPv6')
    }

    It 'adds a route once, then replaces it (the QUIC lab migration)' {
        New-NetNsRoute -Namespace $a -Destination '10.251.9.9/32' -Gateway '10.251.1.254' | Out-Null
        $err = Get-ErrorRecord { New-NetNsRoute -Namespace $a -Destination '10.251.9.9/32' -Gateway '10.251.1.254' }
        $err.FullyQualifiedErrorId | Should -BeLike 'RouteExists,*'
        Set-NetNsRoute -Namespace $a -Destination '10.251.9.9' -Interface 'a-r' | Should -BeNullOrEmpty
        $route = Set-NetNsRoute -Namespace $a -Destination '10.251.9.9/32' -Gateway '10.251.1.254' -PassThru
        $route.Gateway.ToString() | Should -Be '10.251.1.254'
        @(Get-NetNsRoute -Namespace $a -Destination '10.251.9.9/32').Count | Should -Be 1
    }

    It 'removes routes and addresses from the pipeline' {
        Get-NetNsRoute -Namespace $a -Destination '10.251.9.9/32' | Remove-NetNsRoute -Confirm:$false
        Get-NetNsRoute -Namespace $a -Destination '10.251.9.9/32' | Should -BeNullOrEmpty
        $err = Get-ErrorRecord { Remove-NetNsRoute -Namespace $a -Destination '10.251.9.9/32' }
        $err.FullyQualifiedErrorId | Should -BeLike 'RouteNotFound,*'
        New-NetNsAddress -Namespace $a -Interface 'a-r' -Address '10.251.1.77/24' | Out-Null
        (& ip -n $a -o -4 addr show dev a-r) -join "`n" | Should -Match 'inet 10\.251\.1\.77/24'
        Get-NetNsAddress -Namespace $a -Interface 'a-r' | Where-Object { $_.Address.ToString() -eq '10.251.1.77' } | Remove-NetNsAddress -Confirm:$false
        # iproute2 is the oracle: the address is gone from the kernel, the other one stays.
        $left = (& ip -n $a -o -4 addr show dev a-r) -join "`n"
        $left | Should -Not -Match '10\.251\.1\.77'
        $left | Should -Match 'inet 10\.251\.1\.1/24'
    }

    It 'rejects an address family that does not fit the route, changing nothing' {
        $before = (Get-NetNsRoute -Namespace $a).Count
        $err = Get-ErrorRecord { New-NetNsRoute -Namespace $a -Destination '10.251.8.0/24' -Gateway 'fd00:251:1::fe' }
        $err.FullyQualifiedErrorId | Should -BeLike 'RouteFamilyMismatch,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        (Get-NetNsRoute -Namespace $a).Count | Should -Be $before
    }

    It 'changes link state and MTU' {
        Set-NetNsLink -Namespace $b -Name 'b-r' -Mtu 1300 -PassThru | ForEach-Object Mtu | Should -Be 1300
        Set-NetNsLink -Namespace $b -Name 'b-r' -State Down
        (Get-NetNsLink -Namespace $b -Name 'b-r').IsUp | Should -BeFalse
        Set-NetNsLink -Namespace $b -Name 'b-r' -State Up
        (Get-NetNsLink -Namespace $b -Name 'b-r').IsUp | Should -BeTrue
    }

    It 'completes namespace and interface names with Tab' {
        $line = "Get-NetNsLink -Namespace $prefix"
        $names = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $names | Should -Contain $a
        $line = "Remove-NetNsLink -Namespace $r -Name r-"
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('r-a', 'r-b')
    }

    It 'removes a veth pair by either end' {
        Remove-NetNsLink -Namespace $r -Name 'r-b' -Confirm:$false
        Get-NetNsLink -Namespace $b -Name 'b-*' | Should -BeNullOrEmpty
        $err = Get-ErrorRecord { Remove-NetNsLink -Namespace $r -Name 'r-b' }
        $err.FullyQualifiedErrorId | Should -BeLike 'InterfaceNotFound,*'
        $err = Get-ErrorRecord { Remove-NetNsLink -Namespace $r -Name 'lo' }
        $err.FullyQualifiedErrorId | Should -BeLike 'CannotRemoveLoopback,*'
    }
}

# Rollback after a failure half-way (a veth pair whose second step fails, a tunnel whose relay cannot start, a lab
# build that fails midway) is tested in the engine's root xunit tests (Root/RollbackTests.cs), where a fault point
# makes the step after the first change fail. These check that bad input is refused before anything is made.
Describe 'Refused before anything is made' -Tag RequireRoot, Integration {
    BeforeAll { New-NetNs -Name $a -Force | Out-Null }

    It 'leaves no veth behind when the peer namespace is missing' {
        $err = Get-ErrorRecord { Connect-NetNs -Name $a -Peer "${prefix}nope" -Interface 'x-1' -PeerInterface 'x-2' }
        $err.FullyQualifiedErrorId | Should -BeLike 'NetNsNotFound,*'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        Get-NetNsLink -Namespace $a -Name 'x-*' | Should -BeNullOrEmpty
    }

    It 'leaves no veth behind when the peer name is taken' {
        New-NetNs -Name "${prefix}p" | Out-Null
        Connect-NetNs -Name "${prefix}p" -Peer "${prefix}p" -Interface 'taken' -PeerInterface 'taken2' | Out-Null
        $err = Get-ErrorRecord { Connect-NetNs -Name $a -Peer "${prefix}p" -Interface 'x-1' -PeerInterface 'taken' }
        $err.FullyQualifiedErrorId | Should -BeLike 'InterfaceExists,*'
        Get-NetNsLink -Namespace $a -Name 'x-*' | Should -BeNullOrEmpty
    }

    It 'leaves nothing when one address of a list is malformed' {
        Connect-NetNs -Name $a -Peer "${prefix}p" -Interface 'y-1' -PeerInterface 'y-2' | Out-Null
        $err = Get-ErrorRecord { New-NetNsAddress -Namespace $a -Interface 'y-1' -Address '10.252.0.1/24', '10.252.0.300/24' }
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidIpPrefix,*'
        Get-NetNsAddress -Namespace $a -Interface 'y-1' -AddressFamily IPv4 | Should -BeNullOrEmpty
    }
}

Describe 'Sysctls inside namespaces' -Tag RequireRoot, Integration {
    BeforeAll { New-NetNs -Name $a -Force | Out-Null }

    It 'reads and sets keys in the namespace only, with wildcards and pipeline input' {
        $rootValue = Get-Content /proc/sys/net/ipv4/conf/all/rp_filter
        $keys = Get-NetNsSysctl -Namespace $a -Name 'net.ipv4.conf.*.rp_filter'
        $keys.Name | Should -Contain 'net.ipv4.conf.all.rp_filter'
        $keys.Name | Should -Contain 'net.ipv4.conf.lo.rp_filter'
        $set = $keys | Set-NetNsSysctl -Value 2 -PassThru
        $set.Value | Sort-Object -Unique | Should -Be '2'
        (Get-NetNsSysctl $a net.ipv4.conf.lo.rp_filter).Value | Should -Be '2'
        Get-Content /proc/sys/net/ipv4/conf/all/rp_filter | Should -Be $rootValue
    }

    It '-WhatIf changes nothing' {
        $before = (Get-NetNsSysctl $a net.ipv4.ip_forward).Value
        Set-NetNsSysctl $a net.ipv4.ip_forward 1 -WhatIf
        (Get-NetNsSysctl $a net.ipv4.ip_forward).Value | Should -Be $before
    }

    It 'refuses keys outside net. and reports unknown keys' {
        $e = Get-ErrorRecord { Set-NetNsSysctl $a kernel.hostname x }
        $e.FullyQualifiedErrorId | Should -BeLike 'InvalidSysctlKey,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $e = Get-ErrorRecord { Get-NetNsSysctl $a net.ipv4.no_such_key }
        $e.FullyQualifiedErrorId | Should -BeLike 'SysctlNotFound,*'
        $e.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'Programs inside namespaces' -Tag RequireRoot, Integration {
    BeforeAll { New-NetNs -Name $a -Force | Out-Null }

    It 'returns output and exit code as an object' {
        $result = Invoke-NetNs -Name $a -Command ip -ArgumentList '-o', 'link', 'show', 'lo'
        $result.ExitCode | Should -Be 0
        $result.Output[0] | Should -BeLike '*lo:*'
        (Invoke-NetNs -Name $a -Command false).ExitCode | Should -Be 1
    }

    It 'passes arguments verbatim, without a shell' {
        (Invoke-NetNs -Name $a -Command printf -ArgumentList '%s', 'a b; $HOME').Output | Should -Be 'a b; $HOME'
    }

    It 'sets and removes environment variables with -Environment' {
        $env:MTT_REMOVED = 'parent'
        try {
            (Invoke-NetNs -Name $a -Command sh -ArgumentList '-c', 'echo "$MTT_SET|$MTT_REMOVED"' -Environment @{ MTT_SET = 'a b'; MTT_REMOVED = $null }).Output | Should -Be 'a b|'
            Invoke-NetNs -Name $a -Command sh -ArgumentList '-c', 'echo $MTT_SET' -Environment @{ MTT_SET = 'streamed' } -Stream | Should -Be 'streamed'
        } finally {
            Remove-Item env:MTT_REMOVED
        }
        $e = Get-ErrorRecord { Invoke-NetNs -Name $a -Command true -Environment @{ 'A=B' = 'x' } }
        $e.FullyQualifiedErrorId | Should -BeLike 'InvalidEnvironmentVariable,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'streams lines and stops early with Select-Object -First' {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $lines = Invoke-NetNs -Name $a -Command ping -ArgumentList '-i', '0.2', '127.0.0.1' -Stream | Select-Object -First 3
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 10
        $lines | Should -HaveCount 3
        Start-Sleep -Milliseconds 300
        & ip netns pids $a | Should -BeNullOrEmpty
    }

    It 'stops a program at -TimeoutSeconds with a timeout error' {
        $err = Get-ErrorRecord { Invoke-NetNs -Name $a -Command sleep -ArgumentList '30' -TimeoutSeconds 1 }
        $err.FullyQualifiedErrorId | Should -BeLike 'CommandTimedOut,*'
        $err.CategoryInfo.Category | Should -Be 'OperationTimeout'
        Start-Sleep -Milliseconds 300
        & ip netns pids $a | Should -BeNullOrEmpty
    }

    It 'runs a background program until Stop-NetNsProcess' {
        $p = Invoke-NetNs -Name $a -Command sleep -ArgumentList '300' -Background
        $p.IsRunning | Should -BeTrue
        (Get-NetNsProcess -Namespace $a).ProcessId | Should -Contain $p.ProcessId
        & ip netns pids $a | Should -Contain "$($p.ProcessId)"
        $p | Stop-NetNsProcess -Confirm:$false
        $p.IsRunning | Should -BeFalse
        Get-NetNsProcess -Namespace $a | Should -BeNullOrEmpty
    }

    It 'keeps how a background program ended: its exit code and the tail of its error output' {
        $p = Invoke-NetNs -Name $a -Command sh -ArgumentList '-c', 'echo first >&2; echo "Network is unreachable" >&2; exit 3' -Background
        $deadline = (Get-Date).AddSeconds(10)
        while ((Get-Date) -lt $deadline -and ($null -eq (Get-NetNsProcess -Namespace $a | Where-Object ProcessId -eq $p.ProcessId).ExitCode)) { Start-Sleep -Milliseconds 50 }
        $ended = Get-NetNsProcess -Namespace $a | Where-Object ProcessId -eq $p.ProcessId
        $ended.IsRunning | Should -BeFalse
        $ended.ExitCode | Should -Be 3
        $ended.ErrorTail | Should -Be @('first', 'Network is unreachable')
        ($ended | Format-Table | Out-String -Width 200) | Should -Match 'Network is unreachable'
        Stop-NetNsProcess -Namespace $a -ProcessId $p.ProcessId -Confirm:$false -ErrorAction SilentlyContinue
    }

    It 'once a background program no longer counts as running, its file holds all it printed and its exit code is known' {
        # The oracle is the byte count head was told to print; polled without pause so a gap would be caught.
        foreach ($i in 1..12) {
            $p = Invoke-NetNs -Name $a -Command head -ArgumentList '-c', '4194304', '/dev/zero' -Background
            $deadline = (Get-Date).AddSeconds(10)
            while ($p.IsRunning -and (Get-Date) -lt $deadline) { }
            (Get-Item $p.OutputPath).Length | Should -Be 4194304 -Because "run $i"
            $p.ExitCode | Should -Be 0 -Because "run $i"
            $p | Stop-NetNsProcess -Confirm:$false
        }
    }

    It 'writes background output to its file' {
        $p = Invoke-NetNs -Name $a -Command sh -ArgumentList '-c', 'echo hello-from-ns; sleep 300' -Background
        $deadline = (Get-Date).AddSeconds(5)
        while ((Get-Date) -lt $deadline -and -not (Select-String -Path $p.OutputPath -Pattern 'hello-from-ns' -Quiet)) { Start-Sleep -Milliseconds 50 }
        Get-Content $p.OutputPath | Should -Contain 'hello-from-ns'
        Stop-NetNsProcess -Namespace $a -ProcessId $p.ProcessId -Confirm:$false
    }

    It 'Remove-NetNs stops what runs inside' {
        $n = "${prefix}bg"
        New-NetNs -Name $n | Out-Null
        $p = Invoke-NetNs -Name $n -Command sleep -ArgumentList '300' -Background
        Remove-NetNs -Name $n -Confirm:$false
        $p.IsRunning | Should -BeFalse
        Test-Path "/run/netns/$n" | Should -BeFalse
        Test-Path "/run/migrationtools/netns/$n" | Should -BeFalse
    }

    It 'reports an unknown process as ObjectNotFound' {
        $err = Get-ErrorRecord { Stop-NetNsProcess -Namespace $a -ProcessId 999999 }
        $err.FullyQualifiedErrorId | Should -BeLike 'NetNsProcessNotFound,*'
    }
}

Describe 'Pipelines' -Tag RequireRoot, Integration {
    It 'Get-NetNs pattern | Remove-NetNs removes them all' {
        New-NetNs -Name "${prefix}pipe1", "${prefix}pipe2" | Out-Null
        Get-NetNs "${prefix}pipe*" | Remove-NetNs -Confirm:$false
        Get-NetNs "${prefix}pipe*" | Should -BeNullOrEmpty
    }
}
