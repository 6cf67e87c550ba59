#Requires -Version 7.4
# The userspace tunnel's kernel fast path: traffic-control programs the relay attaches (egress of its TUN device,
# ingress of the underlay device) that encapsulate and decapsulate without a copy to userspace. The oracles are the
# data itself (SHA-256, iperf3's sequence numbers), tcpdump's reading of the underlay, the kernel's own list of
# loaded programs (bpftool) and ping through a tunnel whose relays were killed.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:prefix = New-TestPrefix
    $script:work = Join-Path ([IO.Path]::GetTempPath()) "${prefix}fast"
    $null = New-Item -ItemType Directory -Force -Path $work
    $script:a = "${prefix}fa"
    $script:b = "${prefix}fb"
    New-NetNs -Name $a, $b | Out-Null
    Connect-NetNs -Name $a -Peer $b -Interface u1 -PeerInterface u2 | Out-Null
    New-NetNsAddress -Namespace $a -Interface u1 -Address 10.230.0.1/24 | Out-Null
    New-NetNsAddress -Namespace $b -Interface u2 -Address 10.230.0.2/24 | Out-Null
    # A second underlay link, for the route to move to.
    Connect-NetNs -Name $a -Peer $b -Interface u3 -PeerInterface u4 | Out-Null
    New-NetNsAddress -Namespace $a -Interface u3 -Address 10.230.1.1/24 | Out-Null
    New-NetNsAddress -Namespace $b -Interface u4 -Address 10.230.1.2/24 | Out-Null

    # The ids of the fast path's programs the kernel holds now (bpftool lists every loaded program by name).
    function script:Get-TunnelProgramId {
        $run = Invoke-NetNs -Name $a -Command bpftool -ArgumentList '-j', 'prog', 'show'
        $run.ExitCode | Should -Be 0 -Because $run.Error
        @(($run.Output -join "`n") | ConvertFrom-Json | Where-Object { $_.name -in 'mt_ipip_encap', 'mt_ipip_decap' } | ForEach-Object id)
    }

    $script:programsBefore = Get-TunnelProgramId
    $script:tunnels = @{ Namespace = $a; Peer = $b; Local = '10.230.0.1'; Remote = '10.230.0.2'; Address = '192.168.83.1/30'; PeerAddress = '192.168.83.2/30' }
    Set-UserspaceTunnelPair @tunnels | Out-Null

    function script:Get-Counters([string] $Namespace) { (Get-IpipTunnel -Namespace $Namespace -Name ipip0).Counters }

    function script:Invoke-Iperf([string[]] $Extra) {
        $server = Invoke-NetNs -Name $b -Command iperf3 -ArgumentList '-s', '-1' -Background
        try {
            Wait-Listener -Namespace $b -Protocol tcp -Port 5201
            $run = Invoke-NetNs -Name $a -Command iperf3 -ArgumentList (@('-c', '192.168.83.2', '-J') + $Extra) -TimeoutSeconds 60
            $run.ExitCode | Should -Be 0 -Because "$($run.Error) $($run.Output)"
            ($run.Output -join "`n") | ConvertFrom-Json
        } finally {
            $server | Stop-NetNsProcess -Confirm:$false -ErrorAction SilentlyContinue
        }
    }

    # A file served by ncat in $From, fetched from $To over the tunnel; returns the received file's SHA-256.
    function script:Copy-Through([string] $From, [string] $To, [string] $Source, [string] $File) {
        $sender = Invoke-NetNs -Name $From -Command ncat -ArgumentList '-l', '5300', '--send-only', '--exec', "/usr/bin/cat $File" -Background
        try {
            Wait-Listener -Namespace $From -Protocol tcp -Port 5300
            $receiver = Invoke-NetNs -Name $To -Command ncat -ArgumentList '--recv-only', $Source, '5300' -Background
            Wait-Until { -not $receiver.IsRunning } -Seconds 60 -What "the file to arrive in $To"
        } finally {
            $sender | Stop-NetNsProcess -Confirm:$false -ErrorAction SilentlyContinue
        }

        $receiver.ExitCode | Should -Be 0 -Because ($receiver.ErrorTail -join ' ')
        (Get-Item $receiver.OutputPath).Length | Should -Be (Get-Item $File).Length
        (Get-FileHash -Algorithm SHA256 $receiver.OutputPath).Hash
    }

    $script:file = Join-Path $work 'payload.bin'
    $bytes = [byte[]]::new(32MB)
    [Random]::new(31).NextBytes($bytes)
    [IO.File]::WriteAllBytes($file, $bytes)
    $script:expected = (Get-FileHash -Algorithm SHA256 $file).Hash
}

AfterAll {
    Remove-TestNamespace $prefix
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}

Describe 'Userspace IPIP with the kernel fast path' -Tag RequireRoot, Integration {
    It 'attaches at both ends: the egress of the TUN device and the ingress of the underlay device the route uses' {
        foreach ($end in @(@($a, 'u1'), @($b, 'u2'))) {
            $index = (Get-NetNsLink -Namespace $end[0] -Name $end[1]).Index
            # The relay attaches its programs just after it says it is ready.
            Wait-Until { (Get-Counters $end[0]).FastPath -eq "tc egress ipip0, tc ingress ifindex $index" } -Seconds 5 -What "the fast path of $($end[0])"
        }

        # Two programs for each relay, in the kernel's own list.
        @(Get-TunnelProgramId | Where-Object { $_ -notin $programsBefore }).Count | Should -Be 4
    }

    It 'moves a 32 MB file intact each way (SHA-256), the kernel encapsulating and decapsulating, in the format tcpdump reads as IP-in-IP' {
        $before = @{ a = Get-Counters $a; b = Get-Counters $b }
        $capture = Start-TestCapture -Namespace $b -Interface u2 -Filter 'ip proto 4 and src host 10.230.0.1'
        try {
            Copy-Through $a $b '192.168.83.1' $file | Should -Be $expected
            Copy-Through $b $a '192.168.83.2' $file | Should -Be $expected
            Wait-Until { -not $capture.IsRunning } -Seconds 5 -What 'a tunnel packet on u2'
        } finally {
            $capture | Stop-NetNsProcess -Confirm:$false -ErrorAction SilentlyContinue
        }

        Get-Content $capture.OutputPath | Should -Match 'IP 10\.230\.0\.1 > 10\.230\.0\.2: IP 192\.168\.83\.1\.\d+ > 192\.168\.83\.2\.\d+: Flags'
        Start-Sleep -Milliseconds 600   # the relays write their counters every half second
        foreach ($end in 'a', 'b') {
            $now = Get-Counters (Get-Variable -ValueOnly $end)
            $kernelOut = $now.KernelEncapsulatedPackets - $before[$end].KernelEncapsulatedPackets
            $kernelIn = $now.KernelDecapsulatedPackets - $before[$end].KernelDecapsulatedPackets
            # 32 MB each way is over 22,000 wire packets of data one way and their ACKs the other.
            $kernelOut | Should -BeGreaterThan 5000 -Because "$end's egress program encapsulates"
            $kernelIn | Should -BeGreaterThan 5000 -Because "$end's ingress program decapsulates"
            # What the relay's loops carried: the rest of the totals.
            ($now.EncapsulatedPackets - $before[$end].EncapsulatedPackets) - $kernelOut | Should -BeLessThan 100
            ($now.DecapsulatedPackets - $before[$end].DecapsulatedPackets) - $kernelIn | Should -BeLessThan 100
        }
    }

    It 'carries UDP (iperf3 at 200 Mbit/s) without loss beyond the odd datagram and none out of order' {
        $result = Invoke-Iperf @('-u', '-b', '200M', '-l', '1200', '-t', '2')
        $result.end.sum.packets | Should -BeGreaterThan 30000
        $result.end.sum.lost_percent | Should -BeLessThan 5
        $result.end.streams[0].udp.out_of_order | Should -Be 0
    }

    It 'follows the route to the remote end onto another underlay device' {
        New-NetNsRoute -Namespace $a -Destination 10.230.0.2/32 -Interface u3 | Out-Null
        New-NetNsRoute -Namespace $b -Destination 10.230.0.1/32 -Interface u4 | Out-Null
        $index = (Get-NetNsLink -Namespace $a -Name u3).Index
        Wait-Until { (Get-Counters $a).FastPath -eq "tc egress ipip0, tc ingress ifindex $index" } -Seconds 5 -What 'the fast path on u3'
        $capture = Start-TestCapture -Namespace $b -Interface u4 -Filter 'ip proto 4 and src host 10.230.0.1'
        try {
            $before = Get-Counters $a
            (Invoke-NetNs -Name $a -Command ping -ArgumentList '-c', '3', '-i', '0.2', '-W', '2', '192.168.83.2').ExitCode | Should -Be 0
            Wait-Until { -not $capture.IsRunning } -Seconds 5 -What 'a tunnel packet on u4'
        } finally {
            $capture | Stop-NetNsProcess -Confirm:$false -ErrorAction SilentlyContinue
        }

        Start-Sleep -Milliseconds 600
        (Get-Counters $a).KernelDecapsulatedPackets - $before.KernelDecapsulatedPackets | Should -BeGreaterOrEqual 3
    }

    It 'goes with its relays: once they are killed, the kernel holds none of their programs and the tunnel carries nothing' {
        $ours = @(Get-TunnelProgramId | Where-Object { $_ -notin $programsBefore })
        $ours.Count | Should -Be 4
        $relays = (Get-IpipTunnel -Namespace $a, $b).ProcessId
        Stop-Process -Id $relays -Force   # SIGKILL: the relays get no chance to clean up
        Wait-Until { -not ($relays | Where-Object { Test-ProcessAlive $_ }) } -Seconds 10 -What 'the relays to end'
        Wait-Until { -not (Get-TunnelProgramId | Where-Object { $_ -in $ours }) } -Seconds 10 -What 'the kernel to drop the programs'
        (Invoke-NetNs -Name $a -Command ping -ArgumentList '-c', '2', '-i', '0.2', '-W', '1', '192.168.83.2').ExitCode | Should -Not -Be 0
    }

    It 'connects and moves data both ways when only one end has the fast path: the other finishes the checksums that end leaves to the device' {
        Set-UserspaceTunnelPair @tunnels -KernelFastPath Peer | Out-Null
        (Get-Counters $a).FastPath | Should -Be 'off'
        Copy-Through $a $b '192.168.83.1' $file | Should -Be $expected
        Copy-Through $b $a '192.168.83.2' $file | Should -Be $expected
        Start-Sleep -Milliseconds 600
        (Get-Counters $a).FinishedChecksums | Should -BeGreaterThan 0
    }
}
