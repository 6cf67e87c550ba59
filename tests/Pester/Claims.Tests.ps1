#Requires -Version 7.4
# Behaviour the README states that no other file checks: each test asserts the claim against what the kernel, tcpdump
# or /proc show.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:prefix = New-TestPrefix
    $script:work = Join-Path ([IO.Path]::GetTempPath()) "${prefix}claims"
    $null = New-Item -ItemType Directory -Force -Path $work
}

AfterAll {
    Remove-TestNamespace $prefix
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}

Describe 'Tunnels' -Tag RequireRoot, Integration {
    BeforeAll {
        $script:l = "${prefix}tl"; $script:r = "${prefix}tr"
        New-NetNs -Name $l, $r | Out-Null
        Connect-NetNs -Name $l -Peer $r -Interface u1 -PeerInterface u2 | Out-Null
        New-NetNsAddress -Namespace $l -Interface u1 -Address 10.232.0.1/24 | Out-Null
        New-NetNsAddress -Namespace $r -Interface u2 -Address 10.232.0.2/24 | Out-Null
        Set-IpipTunnel -Namespace $l -Name ipip0 -Local 10.232.0.1 -Remote 10.232.0.2 -Mode Userspace -Tos 0x28
        Set-IpipTunnel -Namespace $r -Name ipip0 -Local 10.232.0.2 -Remote 10.232.0.1 -Mode Userspace
        New-NetNsAddress -Namespace $l -Interface ipip0 -Address 192.168.81.1/30 | Out-Null
        New-NetNsAddress -Namespace $r -Interface ipip0 -Address 192.168.81.2/30 | Out-Null
    }

    It 'asking for another mode on an existing tunnel is TunnelModeConflict, and nothing changes' {
        $before = (Get-IpipTunnel -Namespace $l -Name ipip0).ProcessId
        $e = Get-ErrorRecord { Set-IpipTunnel -Namespace $l -Name ipip0 -Local 10.232.0.1 -Remote 10.232.0.2 -Mode Kernel }
        $e.FullyQualifiedErrorId | Should -BeLike 'TunnelModeConflict,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidOperation'
        (Get-IpipTunnel -Namespace $l -Name ipip0).ProcessId | Should -Be $before
    }

    It 'puts the tunnel''s TOS on the outer header' {
        $capture = Start-TestCapture -Namespace $r -Interface u2 -Filter 'ip proto 4 and src host 10.232.0.1' -Detailed
        # One echo at a time until tcpdump has printed one: a capture that has just started can be slow to deliver.
        $answered = 0
        for ($i = 0; $i -lt 20 -and $capture.IsRunning; $i++) {
            if ((Invoke-NetNs -Name $l -Command ping -ArgumentList '-c', '1', '-W', '1', '192.168.81.2').ExitCode -eq 0) { $answered++ }
            Start-Sleep -Milliseconds 200
        }
        $answered | Should -BeGreaterThan 0
        Wait-Until { -not $capture.IsRunning } -Seconds 5 -What 'the capture'
        (Get-Content -Raw $capture.OutputPath) | Should -Match 'IP \(tos 0x28, ttl \d+, id \d+, offset 0, flags \[[^\]]*\], proto IPIP \(4\)'
    }
}

Describe 'Namespaces and forwarding' -Tag RequireRoot, Integration {
    It 'Disable-NetNsForwarding turns forwarding off for the families asked, in that namespace only' {
        $n = "${prefix}fw"
        New-NetNs -Name $n | Out-Null
        Enable-NetNsForwarding -Namespace $n
        Disable-NetNsForwarding -Namespace $n -AddressFamily IPv6
        (& ip netns exec $n cat /proc/sys/net/ipv4/ip_forward) | Should -Be '1'
        (& ip netns exec $n cat /proc/sys/net/ipv6/conf/all/forwarding) | Should -Be '0'
        $ns = Disable-NetNsForwarding -Namespace $n -PassThru
        $ns.IPv4Forwarding | Should -BeFalse
        (& ip netns exec $n cat /proc/sys/net/ipv4/ip_forward) | Should -Be '0'
    }

    It 'Remove-NetNs kills a program that ignores SIGTERM' {
        $n = "${prefix}kill"
        New-NetNs -Name $n | Out-Null
        $stubborn = Invoke-NetNs -Name $n -Command sh -ArgumentList '-c', 'trap "" TERM; while :; do sleep 1; done' -Detach -Background
        Start-Sleep -Milliseconds 300
        Test-ProcessAlive $stubborn.ProcessId | Should -BeTrue
        & kill -TERM $stubborn.ProcessId
        Start-Sleep -Milliseconds 300
        Test-ProcessAlive $stubborn.ProcessId | Should -BeTrue -Because 'the program ignores SIGTERM'
        Remove-NetNs -Name $n -Confirm:$false
        Test-ProcessAlive $stubborn.ProcessId | Should -BeFalse
        Test-Path "/run/netns/$n" | Should -BeFalse
    }
}

Describe 'The examples clean up' -Tag RequireRoot, Integration {
    It 'ping-flow-migration.ps1 removes its lab when interrupted with Ctrl+C (SIGINT)' {
        $examplePrefix = "${prefix}ci-"
        $out = Join-Path $work 'interrupted'
        $script = "& '$(Join-Path $RepoRoot 'examples/ping-flow-migration.ps1')' -Swaps 1000 -Interval 0.2 -Prefix '$examplePrefix' -ModuleManifest '$ModuleManifest'"
        $session = Start-ChildSession -ModuleManifest $ModuleManifest -Script $script -OutputPath $out
        Wait-Until { (& ip netns list | Where-Object { $_ -like "${examplePrefix}A*" }) -and (Get-FlowMapping -Namespace "${examplePrefix}A" -ErrorAction SilentlyContinue) } -Seconds 60 -What 'the example to build its lab'
        Start-Sleep -Seconds 1
        & kill -INT $session.Id
        if (-not $session.WaitForExit(30000)) {
            # What the session was doing when it did not end: its output, and where each of its threads waits.
            $threads = Get-ChildItem "/proc/$($session.Id)/task" -ErrorAction SilentlyContinue | ForEach-Object {
                "$(Get-Content "$($_.FullName)/comm" -ErrorAction SilentlyContinue): $(Get-Content "$($_.FullName)/wchan" -ErrorAction SilentlyContinue)" }
            $diagnosis = "output: $((Get-Content $out -Tail 15 -ErrorAction SilentlyContinue) -join ' | ') errors: $((Get-Content "$out.err" -Tail 15 -ErrorAction SilentlyContinue) -join ' | ') threads: $(($threads | Sort-Object -Unique) -join '; ')"
            Stop-ProcessTree -ProcessId $session.Id
            $false | Should -BeTrue -Because "the example should end within 30 s of SIGINT ($diagnosis)"
        }
        & ip netns list | Where-Object { $_ -like "$examplePrefix*" } | Should -BeNullOrEmpty
        Get-NetLab | Where-Object Prefix -eq $examplePrefix | Should -BeNullOrEmpty
    }

    It 'ping-flow-migration.ps1 leaves nothing of its own when its lab cannot be built' {
        # A namespace that takes one of the lab's names makes the build fail: nothing of the example's may stay.
        $examplePrefix = "${prefix}cf-"
        New-NetNs -Name "${examplePrefix}C" | Out-Null
        $output = & ([Environment]::ProcessPath) (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -File (Join-Path $RepoRoot 'examples/ping-flow-migration.ps1') -Swaps 2 -Prefix $examplePrefix -ModuleManifest $ModuleManifest 2>&1 | Out-String
        $LASTEXITCODE | Should -Not -Be 0
        $output | Should -Match 'exist already'
        & ip netns list | ForEach-Object { ($_ -split ' ')[0] } | Where-Object { $_ -like "$examplePrefix*" } | Should -Be "${examplePrefix}C"
        Remove-NetNs -Name "${examplePrefix}C" -Confirm:$false
    }
}

Describe 'Without root' -Tag RequireRoot, Integration {
    It 'a state-changing cmdlet stops with NotRoot (PermissionDenied) and makes nothing' {
        # A child PowerShell as user nobody; it keeps the capabilities to read files (this machine's PowerShell lives
        # under /root), but not uid 0, which is what the module checks.
        $name = "${prefix}nr"
        $home2 = Join-Path $work 'nobody-home'
        $null = New-Item -ItemType Directory -Force -Path $home2
        $script = "Import-Module '$ModuleManifest'; try { New-NetNs -Name '$name' -ErrorAction Stop | Out-Null; 'made' } catch { `$_.FullyQualifiedErrorId; `$_.CategoryInfo.Category.ToString() }; & id -u"
        $output = & env "HOME=$home2" setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=+dac_override,+dac_read_search --ambient-caps=+dac_override,+dac_read_search -- ([Environment]::ProcessPath) (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $script 2>&1
        $output[-1] | Should -Be '65534' -Because ($output -join "`n")
        $output[0] | Should -BeLike 'NotRoot,*'
        $output[1] | Should -Be 'PermissionDenied'
        Test-Path "/run/netns/$name" | Should -BeFalse
        (& ip netns list) -match [regex]::Escape($name) | Should -BeNullOrEmpty
    }

    It 'Get-NetNs, which only reads, also says NotRoot when it cannot enter a namespace' {
        $name = "${prefix}nr-read"
        & ip netns add $name
        try {
            $home2 = Join-Path $work 'nobody-home'
            $null = New-Item -ItemType Directory -Force -Path $home2
            $script = "Import-Module '$ModuleManifest'; try { Get-NetNs -Name '$name' -ErrorAction Stop | Out-Null; 'read' } catch { `$_.FullyQualifiedErrorId; `$_.CategoryInfo.Category.ToString() }"
            $output = & env "HOME=$home2" setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=+dac_override,+dac_read_search --ambient-caps=+dac_override,+dac_read_search -- ([Environment]::ProcessPath) (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $script 2>&1
            $output[0] | Should -BeLike 'NotRoot,*' -Because ($output -join "`n")
            $output[1] | Should -Be 'PermissionDenied'
        } finally {
            & ip netns del $name
        }
    }
}
