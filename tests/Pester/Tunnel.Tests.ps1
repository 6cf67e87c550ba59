#Requires -Version 7.4
# IP-in-IP tunnels between two namespaces of this test's own: underlay 10.220.0.0/24 on a veth pair,
# overlay 192.168.77.0/30 on the tunnels.
BeforeDiscovery {
    # -Skip is decided at discovery, before BeforeAll runs: ask the kernel here.
    Import-Module $(if ($env:MIGRATIONTOOLS_MODULE) { $env:MIGRATIONTOOLS_MODULE } else { Join-Path $PSScriptRoot '../../out/MigrationTools/MigrationTools.psd1' })
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    $kernelIpip = Test-KernelIpip
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:prefix = New-TestPrefix
    $script:lb = "${prefix}lb"
    $script:srv = "${prefix}srv"
    $script:kernelIpip = Test-KernelIpip

    New-NetNs $lb, $srv | Out-Null
    Connect-NetNs -Name $lb -Peer $srv -Interface u1 -PeerInterface u2 | Out-Null
    New-NetNsAddress -Namespace $lb -Interface u1 -Address 10.220.0.254/24 | Out-Null
    New-NetNsAddress -Namespace $srv -Interface u2 -Address 10.220.0.2/24 | Out-Null

    # Sends one UDP datagram from a namespace and returns what the listener on the far side printed.
    function script:Send-Udp([string] $From, [string] $To, [string] $ToAddress, [int] $Port, [string] $Text) {
        $sink = Invoke-NetNs -Name $To -Command ncat -ArgumentList '-u', '-l', $ToAddress, "$Port" -Background
        try {
            Wait-Listener -Namespace $To -Protocol udp -Port $Port
            $send = Invoke-NetNs -Name $From -Command ncat -ArgumentList '-u', '--send-only', $ToAddress, "$Port" -StandardInput $Text
            $send.ExitCode | Should -Be 0
            for ($i = 0; $i -lt 30 -and -not (Get-Content -Raw $sink.OutputPath); $i++) { Start-Sleep -Milliseconds 100 }
            (Get-Content -Raw $sink.OutputPath).Trim()
        } finally {
            $sink | Stop-NetNsProcess -Confirm:$false
        }
    }
}

AfterAll {
    Remove-TestNamespace $prefix
}

Describe 'Userspace IPIP tunnel' -Tag RequireRoot, Integration {
    BeforeAll {
        $script:t1 = Set-IpipTunnel -Namespace $lb -Name ipip0 -Local 10.220.0.254 -Remote 10.220.0.2 -Mode Userspace -PassThru
        $script:t2 = Set-IpipTunnel -Namespace $srv -Name ipip0 -Local 10.220.0.2 -Remote 10.220.0.254 -Mode Userspace -PassThru
        New-NetNsAddress -Namespace $lb -Interface ipip0 -Address 192.168.77.1/30 | Out-Null
        New-NetNsAddress -Namespace $srv -Interface ipip0 -Address 192.168.77.2/30 | Out-Null
    }

    It 'reports both ends as running userspace tunnels' {
        $t1.Mode | Should -Be 'Userspace'
        $t1.State | Should -Be 'Running'
        $t1.Mtu | Should -Be 1480
        $t1.ProcessId | Should -BeGreaterThan 0
        $t = Get-IpipTunnel -Namespace $srv
        $t.Name | Should -Be 'ipip0'
        $t.Local.ToString() | Should -Be '10.220.0.2'
        $t.Remote.ToString() | Should -Be '10.220.0.254'
    }

    It 'carries ping both ways' {
        (Invoke-NetNs -Name $lb -Command ping -ArgumentList '-c', '3', '-i', '0.05', '-W', '2', '192.168.77.2').ExitCode | Should -Be 0
        (Invoke-NetNs -Name $srv -Command ping -ArgumentList '-c', '3', '-i', '0.05', '-W', '2', '192.168.77.1').ExitCode | Should -Be 0
    }

    It 'carries UDP both ways' {
        Send-Udp -From $lb -To $srv -ToAddress 192.168.77.2 -Port 5601 -Text 'lb-to-server' | Should -Be 'lb-to-server'
        Send-Udp -From $srv -To $lb -ToAddress 192.168.77.1 -Port 5602 -Text 'server-to-lb' | Should -Be 'server-to-lb'
    }

    It 'puts protocol 4 with the tunnel endpoints as outer addresses on the underlay' {
        $capture = Invoke-NetNs -Name $srv -Command tcpdump -ArgumentList '-n', '-l', '-i', 'u2', '-c', '2', 'ip proto 4' -Background
        try {
            Start-Sleep -Milliseconds 700
            (Invoke-NetNs -Name $lb -Command ping -ArgumentList '-c', '1', '-W', '2', '192.168.77.2').ExitCode | Should -Be 0
            for ($i = 0; $i -lt 30 -and $capture.IsRunning; $i++) { Start-Sleep -Milliseconds 100 }
            $lines = Get-Content $capture.OutputPath
            $lines | Should -HaveCount 2
            $lines[0] | Should -Match 'IP 10\.220\.0\.254 > 10\.220\.0\.2: IP 192\.168\.77\.1 > 192\.168\.77\.2: ICMP echo request'
            $lines[1] | Should -Match 'IP 10\.220\.0\.2 > 10\.220\.0\.254: IP 192\.168\.77\.2 > 192\.168\.77\.1: ICMP echo reply'
        } finally {
            $capture | Stop-NetNsProcess -Confirm:$false
        }
    }

    It 'counts what it relays' {
        Start-Sleep -Milliseconds 600
        $c = (Get-IpipTunnel -Namespace $srv -Name ipip0).Counters
        $c.DecapsulatedPackets | Should -BeGreaterThan 3
        $c.EncapsulatedPackets | Should -BeGreaterThan 3
    }

    It 'drops and counts protocol-4 packets from a stranger without dying' {
        # A third namespace runs its own tunnel towards the server's underlay address: its packets are well-formed
        # IPIP but come from 10.221.0.9, not the tunnel's remote end.
        $script:foreign = "${prefix}x"
        New-NetNs $foreign | Out-Null
        Connect-NetNs -Name $foreign -Peer $srv -Interface x1 -PeerInterface x2 | Out-Null
        New-NetNsAddress -Namespace $foreign -Interface x1 -Address 10.221.0.9/24 | Out-Null
        New-NetNsAddress -Namespace $srv -Interface x2 -Address 10.221.0.2/24 | Out-Null
        New-NetNsRoute -Namespace $foreign -Destination 10.220.0.2/32 -Gateway 10.221.0.2 | Out-Null
        Set-IpipTunnel -Namespace $foreign -Name ipip0 -Local 10.221.0.9 -Remote 10.220.0.2
        New-NetNsAddress -Namespace $foreign -Interface ipip0 -Address 192.168.77.5/30 | Out-Null
        Start-Sleep -Milliseconds 600
        $before = (Get-IpipTunnel -Namespace $srv -Name ipip0).Counters

        (Invoke-NetNs -Name $foreign -Command ping -ArgumentList '-c', '3', '-i', '0.05', '-W', '1', '192.168.77.6').ExitCode | Should -Not -Be 0
        Start-Sleep -Milliseconds 1200
        $t = Get-IpipTunnel -Namespace $srv -Name ipip0
        $t.State | Should -Be 'Running'
        $t.Counters.DroppedWrongSource - $before.DroppedWrongSource | Should -Be 3
        $t.Counters.DecapsulatedPackets | Should -Be $before.DecapsulatedPackets
    }

    It 'is idempotent: Set twice keeps the same relay and settings' {
        $again = Set-IpipTunnel -Namespace $lb -Name ipip0 -Local 10.220.0.254 -Remote 10.220.0.2 -PassThru
        $again.ProcessId | Should -Be $t1.ProcessId
        $again.Mode | Should -Be 'Userspace'
        (Get-IpipTunnel -Namespace $lb).Count | Should -Be 1
        (Get-NetNsAddress -Namespace $lb -Interface ipip0).Address.ToString() | Should -Be '192.168.77.1'
    }

    It 'applies changed settings by restarting the relay' {
        $changed = Set-IpipTunnel -Namespace $lb -Name ipip0 -Local 10.220.0.254 -Remote 10.220.0.2 -Ttl 9 -Mtu 1400 -PassThru
        $changed.Ttl | Should -Be 9
        $changed.Mtu | Should -Be 1400
        $changed.ProcessId | Should -Not -Be $t1.ProcessId
        (Invoke-NetNs -Name $lb -Command ping -ArgumentList '-c', '1', '-W', '2', '192.168.77.2').ExitCode | Should -Be 0
    }

    It 'copies DF to the outer header and answers a DF packet too big for the underlay with ICMP fragmentation needed' {
        Set-IpipTunnel -Namespace $lb -Name ipip0 -Local 10.220.0.254 -Remote 10.220.0.2 -Ttl 9 -Mtu 4000
        try {
            $capture = Start-TestCapture -Namespace $srv -Interface u2 -Filter 'ip proto 4 and src host 10.220.0.254' -Detailed
            # One echo at a time until tcpdump has printed one: a capture that has just started can be slow to deliver.
            $answered = 0
            for ($i = 0; $i -lt 20 -and $capture.IsRunning; $i++) {
                if ((Invoke-NetNs -Name $lb -Command ping -ArgumentList '-c', '1', '-M', 'do', '-W', '1', '192.168.77.2').ExitCode -eq 0) { $answered++ }
                Start-Sleep -Milliseconds 200
            }
            $answered | Should -BeGreaterThan 0
            Wait-Until { -not $capture.IsRunning } -Seconds 5 -What 'the capture of one packet'
            (Get-Content -Raw $capture.OutputPath) | Should -Match 'ttl 9, id \d+, offset 0, flags \[DF\], proto IPIP \(4\)'
            $big = Invoke-NetNs -Name $lb -Command ping -ArgumentList '-c', '2', '-i', '0.2', '-M', 'do', '-s', '3000', '-W', '1', '192.168.77.2'
            # Either the ICMP itself or, once the kernel has learnt the path MTU, ping's local error.
            ($big.Output -join "`n") + $big.Error | Should -Match 'Frag needed and DF set \(mtu = 1480\)|message too long, mtu=1480'
        } finally {
            Set-IpipTunnel -Namespace $lb -Name ipip0 -Local 10.220.0.254 -Remote 10.220.0.2 -Ttl 9 -Mtu 1400
        }
    }

    It 'reports a dead relay, and Set restarts it with the device and its addresses kept' {
        $t = Get-IpipTunnel -Namespace $srv -Name ipip0
        & kill -9 $t.ProcessId
        Start-Sleep -Milliseconds 200
        (Get-IpipTunnel -Namespace $srv -Name ipip0).State | Should -Be 'Dead'
        (Invoke-NetNs -Name $lb -Command ping -ArgumentList '-c', '1', '-W', '1', '192.168.77.2').ExitCode | Should -Not -Be 0
        $restarted = Set-IpipTunnel -Namespace $srv -Name ipip0 -Local 10.220.0.2 -Remote 10.220.0.254 -PassThru
        $restarted.State | Should -Be 'Running'
        $restarted.ProcessId | Should -Not -Be $t.ProcessId
        (Invoke-NetNs -Name $lb -Command ping -ArgumentList '-c', '1', '-W', '2', '192.168.77.2').ExitCode | Should -Be 0
    }

    It '-WhatIf changes nothing' {
        Set-IpipTunnel -Namespace $lb -Name ipip9 -Local 10.220.0.254 -Remote 10.220.0.2 -WhatIf
        Get-IpipTunnel -Namespace $lb -Name ipip9 | Should -BeNullOrEmpty
        Get-NetNsLink -Namespace $lb | Where-Object Name -eq ipip9 | Should -BeNullOrEmpty
    }

    It 'Remove-IpipTunnel from the pipeline leaves no process and no device' {
        $pids = (Get-IpipTunnel -Namespace $lb).ProcessId
        Get-IpipTunnel -Namespace $lb | Remove-IpipTunnel -Confirm:$false
        Get-IpipTunnel -Namespace $lb | Should -BeNullOrEmpty
        Get-NetNsLink -Namespace $lb | Where-Object Name -eq ipip0 | Should -BeNullOrEmpty
        foreach ($p in $pids) { Test-ProcessAlive $p | Should -BeFalse }
        Get-ChildItem "/run/migrationtools/netns/$lb/tunnels" -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'Remove-NetNs stops the relays of the namespace' {
        $p = (Get-IpipTunnel -Namespace $srv -Name ipip0).ProcessId
        Remove-NetNs $srv, $foreign -Confirm:$false
        Test-ProcessAlive $p | Should -BeFalse
        Test-Path "/run/migrationtools/netns/$srv" | Should -BeFalse
    }
}

Describe 'Kernel IPIP tunnel' -Tag RequireRoot, Integration {
    BeforeAll {
        $script:k1 = "${prefix}k1"
        New-NetNs $k1 | Out-Null
        New-NetNsAddress -Namespace $k1 -Interface lo -Address 10.230.0.1/32 | Out-Null
    }

    It 'creates a kernel ipip device where the kernel has ipip' -Skip:(-not $kernelIpip) {
        $t = Set-IpipTunnel -Namespace $k1 -Name kip0 -Local 10.230.0.1 -Remote 10.230.0.2 -Mode Kernel -PassThru
        $t.Mode | Should -Be 'Kernel'
        (Get-NetNsLink -Namespace $k1 | Where-Object Name -eq kip0).Kind | Should -Be 'ipip'
        Set-IpipTunnel -Namespace $k1 -Name kip0 -Local 10.230.0.1 -Remote 10.230.0.2 -Mode Kernel
        (Get-IpipTunnel -Namespace $k1).Count | Should -Be 1
        Remove-IpipTunnel -Namespace $k1 -Name kip0 -Confirm:$false
        Get-IpipTunnel -Namespace $k1 | Should -BeNullOrEmpty
    }

    It 'says NotSupported where the kernel has no ipip, and makes nothing' -Skip:$kernelIpip {
        $e = Get-ErrorRecord { Set-IpipTunnel -Namespace $k1 -Name kip0 -Local 10.230.0.1 -Remote 10.230.0.2 -Mode Kernel }
        $e.FullyQualifiedErrorId | Should -BeLike 'IpipKernelUnsupported,*'
        $e.CategoryInfo.Category | Should -Be 'NotEnabled'
        $e.Exception.Message | Should -Match 'no ipip module'
        Get-NetNsLink -Namespace $k1 | Where-Object Name -eq kip0 | Should -BeNullOrEmpty
    }

    It 'Auto picks the userspace relay here and says so' -Skip:$kernelIpip {
        $t = Set-IpipTunnel -Namespace $k1 -Name auto0 -Local 10.230.0.1 -Remote 10.230.0.2 -PassThru -Verbose 4>&1
        ($t | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" | Should -Match 'userspace relay \(this kernel has no ipip module\)'
        ($t | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Mode | Should -Be 'Userspace'
        Remove-IpipTunnel -Namespace $k1 -Name auto0 -Confirm:$false
    }
}

Describe 'IPIP tunnel bad input' -Tag RequireRoot {
    BeforeAll {
        $script:b1 = "${prefix}b1"
        New-NetNs $b1 | Out-Null
        New-NetNsAddress -Namespace $b1 -Interface lo -Address 10.240.0.1/32 | Out-Null
        & ip -n $b1 link add name br-x type bridge
    }

    It '<Case>: <Id> (<Category>), nothing made' -ForEach @(
        @{ Case = 'IPv6 local'; Id = 'IpipAddressNotIPv4'; Category = 'InvalidArgument'; Script = { Set-IpipTunnel -Namespace $b1 -Name t0 -Local fd00::1 -Remote 10.240.0.2 } }
        @{ Case = 'IPv6 remote'; Id = 'IpipAddressNotIPv4'; Category = 'InvalidArgument'; Script = { Set-IpipTunnel -Namespace $b1 -Name t0 -Local 10.240.0.1 -Remote fd00::2 } }
        @{ Case = 'malformed address'; Id = 'InvalidIpAddress'; Category = 'InvalidArgument'; Script = { Set-IpipTunnel -Namespace $b1 -Name t0 -Local 10.240.0 -Remote 10.240.0.2 } }
        @{ Case = 'local not in namespace'; Id = 'IpipLocalAddressNotFound'; Category = 'ObjectNotFound'; Script = { Set-IpipTunnel -Namespace $b1 -Name t0 -Local 10.240.0.7 -Remote 10.240.0.2 } }
        @{ Case = 'name of another link'; Id = 'InterfaceNameTaken'; Category = 'ResourceExists'; Script = { Set-IpipTunnel -Namespace $b1 -Name br-x -Local 10.240.0.1 -Remote 10.240.0.2 } }
        @{ Case = 'name too long'; Id = 'InvalidInterfaceName'; Category = 'InvalidArgument'; Script = { Set-IpipTunnel -Namespace $b1 -Name 'a-very-long-tunnel' -Local 10.240.0.1 -Remote 10.240.0.2 } }
        @{ Case = 'unknown namespace'; Id = 'NetNsNotFound'; Category = 'ObjectNotFound'; Script = { Set-IpipTunnel -Namespace "${prefix}none" -Name t0 -Local 10.240.0.1 -Remote 10.240.0.2 } }
        @{ Case = 'remove missing'; Id = 'TunnelNotFound'; Category = 'ObjectNotFound'; Script = { Remove-IpipTunnel -Namespace $b1 -Name t0 -Confirm:$false } }
        @{ Case = 'remove a non-tunnel link'; Id = 'TunnelNotFound'; Category = 'ObjectNotFound'; Script = { Remove-IpipTunnel -Namespace $b1 -Name br-x -Confirm:$false } }
    ) {
        $e = Get-ErrorRecord $Script
        $e | Should -Not -BeNullOrEmpty
        $e.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $e.CategoryInfo.Category | Should -Be $Category
        Get-NetNsLink -Namespace $b1 | Where-Object Name -eq t0 | Should -BeNullOrEmpty
        Get-ChildItem "/run/migrationtools/netns/$b1/tunnels" -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        & pgrep -f "netns/$b1/tunnels" | Should -BeNullOrEmpty
        (Get-NetNsLink -Namespace $b1 | Where-Object Name -eq br-x).Kind | Should -Be 'bridge'
    }
}
