#Requires -Version 7.4
# Hostile input, faults and other sessions: nothing crashes, nothing is orphaned, no stale state is believed.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:prefix = New-TestPrefix
    $script:work = Join-Path ([IO.Path]::GetTempPath()) "${prefix}rel"
    $null = New-Item -ItemType Directory -Force -Path $work

    function script:Get-Pid([string] $Namespace, [string] $Comm) {
        @(& ip netns pids $Namespace) | Where-Object { (Get-Content "/proc/$_/comm" -ErrorAction SilentlyContinue) -eq $Comm }
    }
    # Two namespaces joined by a veth pair on 10.226.0.0/24 with userspace tunnels between them (192.168.78.0/30).
    function script:New-TunnelPair([string] $Tag, [int] $UnderlayMtu = 1500) {
        $l = "${prefix}${Tag}l"; $r = "${prefix}${Tag}r"
        New-NetNs -Name $l, $r | Out-Null
        Connect-NetNs -Name $l -Peer $r -Interface u1 -PeerInterface u2 -Mtu $UnderlayMtu | Out-Null
        New-NetNsAddress -Namespace $l -Interface u1 -Address 10.226.0.1/24 | Out-Null
        New-NetNsAddress -Namespace $r -Interface u2 -Address 10.226.0.2/24 | Out-Null
        Set-IpipTunnel -Namespace $l -Name ipip0 -Local 10.226.0.1 -Remote 10.226.0.2 -Mode Userspace
        Set-IpipTunnel -Namespace $r -Name ipip0 -Local 10.226.0.2 -Remote 10.226.0.1 -Mode Userspace
        New-NetNsAddress -Namespace $l -Interface ipip0 -Address 192.168.78.1/30 | Out-Null
        New-NetNsAddress -Namespace $r -Interface ipip0 -Address 192.168.78.2/30 | Out-Null
        [pscustomobject]@{ Left = $l; Right = $r }
    }
    function script:Test-Tunnel($Pair) {
        (Invoke-NetNs -Name $Pair.Left -Command ping -ArgumentList '-c', '1', '-W', '2', '192.168.78.2').ExitCode -eq 0
    }
}

AfterAll {
    Remove-TestNamespace $prefix
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}

Describe 'The userspace relay' -Tag RequireRoot, Integration {
    It 'survives a DF packet too big for the underlay whose IP header has options, and answers it' {
        $pair = New-TunnelPair 'df' -UnderlayMtu 1400
        Set-IpipTunnel -Namespace $pair.Left -Name ipip0 -Local 10.226.0.1 -Remote 10.226.0.2 -Mtu 1480
        $relay = (Get-IpipTunnel -Namespace $pair.Left -Name ipip0).ProcessId
        # -R adds a record-route option: an inner header of 60 bytes (IHL 15), DF set, too big for 1400 - 20.
        $big = Invoke-NetNs -Name $pair.Left -Command ping -ArgumentList '-c', '2', '-i', '0.2', '-R', '-M', 'do', '-s', '1350', '-W', '1', '192.168.78.2'
        ($big.Output -join "`n") + $big.Error | Should -Match 'Frag needed|message too long|mtu'
        # The relay publishes its counters every few hundred milliseconds.
        Wait-Until { (Get-IpipTunnel -Namespace $pair.Left -Name ipip0).Counters.FragmentationNeededSent -gt 0 } -Seconds 3 -What 'the ICMP answers to be counted'
        $t = Get-IpipTunnel -Namespace $pair.Left -Name ipip0
        $t.State | Should -Be 'Running'
        $t.ProcessId | Should -Be $relay
        $t.Counters.InternalErrors | Should -Be 0
        Test-Tunnel $pair | Should -BeTrue
    }

    It 'exits when its device is removed, and Set-IpipTunnel starts a new one that works' {
        $pair = New-TunnelPair 'rm'
        $old = (Get-IpipTunnel -Namespace $pair.Left -Name ipip0).ProcessId
        Remove-NetNsLink -Namespace $pair.Left -Name ipip0 -Confirm:$false
        Wait-Until { -not (Test-ProcessAlive $old) } -Seconds 3 -What 'the relay to exit'
        Get-ChildItem "/run/migrationtools/netns/$($pair.Left)/processes" -Filter *.log -ErrorAction SilentlyContinue |
            ForEach-Object { (Get-Content $_.FullName).Count | Should -BeLessThan 20 }
        $t = Set-IpipTunnel -Namespace $pair.Left -Name ipip0 -Local 10.226.0.1 -Remote 10.226.0.2 -Mode Userspace -PassThru
        $t.ProcessId | Should -Not -Be $old
        $t.State | Should -Be 'Running'
        New-NetNsAddress -Namespace $pair.Left -Interface ipip0 -Address 192.168.78.1/30 | Out-Null
        Test-Tunnel $pair | Should -BeTrue
    }

    It 'exits when its namespace is deleted with ip netns del' {
        $pair = New-TunnelPair 'del'
        $relay = (Get-IpipTunnel -Namespace $pair.Right -Name ipip0).ProcessId
        & ip netns delete $pair.Right
        Wait-Until { -not (Test-ProcessAlive $relay) } -Seconds 5 -What 'the relay to exit'
    }
}

Describe 'State of a namespace that was replaced' -Tag RequireRoot, Integration {
    It 'is discarded, not reported as the user''s error' {
        $n = "${prefix}re"
        New-NetNs -Name $n | Out-Null
        Connect-NetNs -Name $n -Peer $n -Interface e0 -PeerInterface e1 | Out-Null
        New-NetNsAddress -Namespace $n -Interface e0 -Address 10.227.0.1/24 | Out-Null
        New-FlowMapping -Namespace $n -VirtualAddress 10.99.1.1 -Target 10.227.0.2 | Out-Null
        & ip netns delete $n
        & ip netns add $n
        & ip -n $n link set lo up
        $verbose = Get-FlowMapping -Namespace $n -Verbose 4>&1
        $verbose | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] } | Should -BeNullOrEmpty
        ($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" | Should -Match 'stale|no longer|another namespace|earlier namespace'
        New-FlowMapping -Namespace $n -VirtualAddress 10.99.1.1 -Target 10.227.0.2 | Out-Null
        (Get-FlowMapping -Namespace $n).VirtualAddress.ToString() | Should -Be '10.99.1.1'
        Get-IpipTunnel -Namespace $n | Should -BeNullOrEmpty
    }
}

Describe 'Other sessions' -Tag RequireRoot, Integration {
    It 'another session''s cached sockets do not keep a removed namespace alive' {
        $a = "${prefix}ca"; $b = "${prefix}cb"
        New-NetNs -Name $a, $b | Out-Null
        Connect-NetNs -Name $a -Peer $b -Interface ab -PeerInterface ba | Out-Null
        $out = Join-Path $work 'cache'
        # The other session reads links and conntrack (caching its sockets in the namespace), then idles.
        $session = Start-ChildSession -ModuleManifest $ModuleManifest -OutputPath $out -Script "Get-NetNsLink -Namespace '$a' | Out-Null; Get-ConntrackEntry -Namespace '$a' | Out-Null; 'ready'; Start-Sleep 60"
        try {
            Wait-Until { (Test-Path $out) -and (Select-String -Path $out -Pattern 'ready' -Quiet) } -Seconds 30 -What 'the other session'
            Remove-NetNs -Name $a -Confirm:$false
            # The veth peer in b lives as long as namespace a does: it must go within a few seconds.
            Wait-Until { -not ((& ip -n $b -o link show) -join "`n" -match '\bba@') } -Seconds 5 -What "namespace $a to be released"
        } finally {
            Stop-ProcessTree -ProcessId $session.Id
        }
    }

    It 'a background program ends with the session that started it; a -Detach one outlives it' {
        $n = "${prefix}bg"
        New-NetNs -Name $n | Out-Null
        $out = Join-Path $work 'bg'
        $session = Start-ChildSession -ModuleManifest $ModuleManifest -OutputPath $out -Script "(Invoke-NetNs -Name '$n' -Command sleep -ArgumentList 301 -Background).ProcessId; (Invoke-NetNs -Name '$n' -Command sleep -ArgumentList 302 -Background -Detach).ProcessId; Start-Sleep 60"
        Wait-Until { (Test-Path $out) -and @(Get-Content $out).Count -ge 2 } -Seconds 30 -What 'the background programs'
        $bound, $detached = Get-Content $out | ForEach-Object { [int]$_ }
        Test-ProcessAlive $bound | Should -BeTrue
        Stop-ProcessTree -ProcessId $session.Id
        Wait-Until { -not (Test-ProcessAlive $bound) } -Seconds 5 -What 'the bound program to end'
        Test-ProcessAlive $detached | Should -BeTrue
        $p = Get-NetNsProcess -Namespace $n | Where-Object ProcessId -eq $detached
        $p.Detached | Should -BeTrue
        $p | Stop-NetNsProcess -Confirm:$false
        Test-ProcessAlive $detached | Should -BeFalse
    }

    It 'the flow lock wait stops on Ctrl+C, times out with StateLockTimeout, and reports a real I/O error as itself' {
        $n = "${prefix}lk"
        New-NetNs -Name $n | Out-Null
        Connect-NetNs -Name $n -Peer $n -Interface e0 -PeerInterface e1 | Out-Null
        New-NetNsAddress -Namespace $n -Interface e0 -Address 10.228.0.1/24 | Out-Null
        New-FlowMapping -Namespace $n -VirtualAddress 10.99.2.1 -Target 10.228.0.2, 10.228.0.3 | Out-Null
        $lock = Get-ChildItem "/run/migrationtools/netns/$n/flows" -Filter .lock -Force | Select-Object -First 1
        $lock | Should -Not -BeNullOrEmpty
        $holder = Start-Process -FilePath flock -ArgumentList $lock.FullName, 'sleep', '60' -PassThru
        try {
            Start-Sleep -Milliseconds 300
            $ps = [powershell]::Create()
            $null = $ps.AddScript("Import-Module '$ModuleManifest'; Switch-FlowTarget -Namespace '$n'")
            $async = $ps.BeginInvoke()
            Start-Sleep -Milliseconds 800
            $async.IsCompleted | Should -BeFalse
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 2
            $ps.Dispose()
            $env:MIGRATIONTOOLS_LOCK_TIMEOUT = '0.5'
            $watch.Restart()
            $e = Get-ErrorRecord ([scriptblock]::Create("Switch-FlowTarget -Namespace '$n'"))
            $e.FullyQualifiedErrorId | Should -BeLike 'StateLockTimeout,*'
            $e.CategoryInfo.Category | Should -Be 'OperationTimeout'
            $e.Exception.Message | Should -Match 'for 0\.5 s'
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
        } finally {
            Remove-Item env:MIGRATIONTOOLS_LOCK_TIMEOUT -ErrorAction SilentlyContinue
            # flock's command inherits the lock: stop it too, or it holds the old file for its minute.
            & pkill -KILL -P $holder.Id 2>$null
            Stop-Process -Id $holder.Id -Force -ErrorAction SilentlyContinue
        }
        (Get-FlowMapping -Namespace $n).CurrentTarget.ToString() | Should -Be '10.228.0.2'
        Remove-Item $lock.FullName -Force
        $null = New-Item -ItemType Directory -Path $lock.FullName
        $e = Get-ErrorRecord ([scriptblock]::Create("Switch-FlowTarget -Namespace '$n'"))
        $e.FullyQualifiedErrorId | Should -BeLike 'StateLockFailed,*'
        $e.Exception.Message | Should -Not -Match 'another session'
        Remove-Item $lock.FullName -Force
    }
}

Describe 'Live watches and their files' -Tag RequireRoot, Integration {
    BeforeAll {
        $script:w = "${prefix}w"
        New-NetNs -Name $w | Out-Null
    }

    It 'a stopped watch (Ctrl+C) writes -OutFile, mode 0600 with no side file, and leaves no tcpdump' {
        $file = Join-Path $work 'stopped.pcapng'
        $keys = Join-Path $work 'keys.txt'
        Set-Content -Path $keys -Value 'CLIENT_RANDOM 00 00'
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$ModuleManifest'; Watch-QuicProbe -Namespace '$w' -OutFile '$file' -KeyLogFile '$keys' -WarningAction SilentlyContinue")
            $async = $ps.BeginInvoke()
            Wait-Until { Get-Pid $w 'tcpdump' } -Seconds 10 -What 'tcpdump'
            Invoke-NetNs -Name $w -Command ping -ArgumentList '-c', '1', '127.0.0.1' | Out-Null
            $ps.Stop()
        } finally { $ps.Dispose() }
        Test-Path $file | Should -BeTrue
        [BitConverter]::ToUInt32([IO.File]::ReadAllBytes($file), 0) | Should -Be 0x0a0d0d0a
        (& stat -c '%a' $file) | Should -Be '600'
        Get-ChildItem $work -Force | Where-Object { $_.Name -like '*.partial' -or $_.Name -like 'stopped.pcapng.keys' } | Should -BeNullOrEmpty
        Start-Sleep -Milliseconds 300
        Get-Pid $w 'tcpdump' | Should -BeNullOrEmpty
    }

    It 'SIGTERM (timeout, CI cancellation) completes the -OutFile capture and the -TimelinePath picture under their names, and leaves no partial file' {
        $dir = Join-Path $work 'terminated'
        $null = New-Item -ItemType Directory -Force -Path $dir
        $out = Join-Path $work 'terminated-session'
        $session = Start-ChildSession -ModuleManifest $ModuleManifest -OutputPath $out -Script "Watch-QuicProbe -Namespace '$w' -OutFile '$dir/live.pcapng' -TimelinePath '$dir/live.svg' -WarningAction SilentlyContinue"
        Wait-Until { Get-Pid $w 'tcpdump' } -Seconds 30 -What 'tcpdump'
        # UDP on the namespace's loopback: what the watch captures by default.
        Invoke-NetNs -Name $w -Command bash -ArgumentList '-c', 'sleep 1; for i in 1 2 3 4 5 6 7 8 9 10; do echo probe > /dev/udp/127.0.0.1/4433; sleep 0.1; done' | Out-Null
        Start-Sleep -Milliseconds 500
        & kill -TERM $session.Id
        $session.WaitForExit(20000) | Should -BeTrue
        # The capture is complete and readable by another tool; the picture is whole XML.
        @(& tcpdump -n -r "$dir/live.pcapng" 2>$null).Count | Should -BeGreaterThan 0
        { [xml](Get-Content -Raw "$dir/live.svg") } | Should -Not -Throw
        Get-ChildItem $dir -Force | Where-Object Name -like '*.partial' | Should -BeNullOrEmpty
    }

    It 'a partial file of a writer that died is removed by the next write to the same name' {
        $dir = Join-Path $work 'dead-writer'
        $null = New-Item -ItemType Directory -Force -Path $dir
        # A writer that no longer exists: a process id past the kernel's pid_max is never alive.
        $stale = Join-Path $dir ".x.pcapng.$([int]::MaxValue)-deadbeef.partial"
        Set-Content -Path $stale -Value 'cut short'
        $null = Watch-QuicProbe -Namespace $w -OutFile "$dir/x.pcapng" -TimeoutSeconds 1 -WarningVariable warned -WarningAction SilentlyContinue
        Test-Path $stale | Should -BeFalse
        Test-Path "$dir/x.pcapng" | Should -BeTrue
        ($warned -join ' ') | Should -BeLike "*Removed $stale*"
    }

    It 'a SIGKILLed session takes its tcpdump with it' {
        $out = Join-Path $work 'killed-watch'
        $session = Start-ChildSession -ModuleManifest $ModuleManifest -OutputPath $out -Script "Watch-QuicProbe -Namespace '$w'"
        Wait-Until { Get-Pid $w 'tcpdump' } -Seconds 30 -What 'tcpdump'
        $capture = Get-Pid $w 'tcpdump'
        Stop-ProcessTree -ProcessId $session.Id
        Wait-Until { -not (Test-ProcessAlive $capture) } -Seconds 5 -What 'tcpdump to end'
    }

    It '-Filter <Filter> is a filter, and tcpdump refusing it is an error' -ForEach @(
        @{ Filter = '-Z root udp' }, @{ Filter = '--version' }
    ) {
        $e = Get-ErrorRecord ([scriptblock]::Create("Watch-QuicProbe -Namespace '$w' -Filter '$Filter' -TimeoutSeconds 5"))
        $e.FullyQualifiedErrorId | Should -BeLike 'CaptureFailed,*'
        Get-Pid $w 'tcpdump' | Should -BeNullOrEmpty
    }
}

Describe 'Hostile arguments' -Tag RequireRoot, Integration {
    It 'Stop-NetNsProcess validates its namespace like every other cmdlet' {
        $e = Get-ErrorRecord { Stop-NetNsProcess -Namespace '../../../tmp/x' -ProcessId 1 }
        $e.FullyQualifiedErrorId | Should -BeLike 'InvalidNetNsName,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'a read-only sysctl in a pipeline is one error; the other keys are still set' {
        $n = "${prefix}sy"
        New-NetNs -Name $n | Out-Null
        $err = $null
        $set = @(Get-NetNsSysctl -Namespace $n -Name 'net.ipv4.conf.all.*' | Set-NetNsSysctl -Value 0 -PassThru -ErrorVariable err -ErrorAction SilentlyContinue)
        $set.Count | Should -BeGreaterThan 5
        $err | ForEach-Object { $_.FullyQualifiedErrorId | Should -Match '^(SysctlReadOnly|SysctlWriteFailed),' }
        (& ip netns exec $n cat /proc/sys/net/ipv4/conf/all/rp_filter) | Should -Be '0'
    }

    It 'a directory as -QlogPath and a capture as -QlogPath are errors, not "match: 0"' {
        $pcap = Join-Path $work 'empty.pcap'
        # A valid pcap with no packets: magic, version 2.4, snaplen 65535, link type 1.
        [IO.File]::WriteAllBytes($pcap, [byte[]](0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0))
        $e = Get-ErrorRecord ([scriptblock]::Create("Watch-QuicProbe -Path '$pcap' -Summary -QlogPath '$work'"))
        $e.FullyQualifiedErrorId | Should -BeLike 'QlogUnreadable,*'
        $e = Get-ErrorRecord ([scriptblock]::Create("Watch-QuicProbe -Path '$pcap' -Summary -QlogPath '$pcap'"))
        $e.FullyQualifiedErrorId | Should -BeLike 'QlogUnreadable,*'
    }

    It 'key-log lines it cannot use are reported in a warning' {
        $pcap = Join-Path $work 'empty.pcap'
        $keys = Join-Path $work 'bad-keys.txt'
        Set-Content -Path $keys -Value 'this is not a key log line', 'CLIENT_TRAFFIC_SECRET_0 00 01'
        $warnings = Watch-QuicProbe -Path $pcap -KeyLogFile $keys 3>&1 | Where-Object { $_ -is [System.Management.Automation.WarningRecord] }
        $warnings.Message -join "`n" | Should -Match '2 key log line\(s\) were not used: .*line 1: .*line 2: '
    }
}
