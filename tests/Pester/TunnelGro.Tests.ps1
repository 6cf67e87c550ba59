#Requires -Version 7.4
# The userspace tunnel when the underlay's receive offload (GRO) joins tunnel packets before the relay sees them, as
# a real NIC's does under load: TCP joined into 64 KB packets whose checksum is left to finish, and UDP datagrams
# joined into one list (rx-gro-list) whose boundaries must survive. A veth joins packets only when its receive side
# runs in its own thread (threaded NAPI), so both ends of this pair get GRO, rx-gro-list and a NAPI thread.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:prefix = New-TestPrefix
    $script:work = Join-Path ([IO.Path]::GetTempPath()) "${prefix}gro"
    $null = New-Item -ItemType Directory -Force -Path $work
    $script:a = "${prefix}ga"
    $script:b = "${prefix}gb"
    New-NetNs -Name $a, $b | Out-Null
    Connect-NetNs -Name $a -Peer $b -Interface u1 -PeerInterface u2 | Out-Null
    New-NetNsAddress -Namespace $a -Interface u1 -Address 10.227.0.1/24 | Out-Null
    New-NetNsAddress -Namespace $b -Interface u2 -Address 10.227.0.2/24 | Out-Null
    foreach ($end in @(@($a, 'u1'), @($b, 'u2'))) {
        $run = Invoke-NetNs -Name $end[0] -Command ethtool -ArgumentList '-K', $end[1], 'gro', 'on', 'rx-gro-list', 'on'
        $run.ExitCode | Should -Be 0 -Because $run.Error
        # sysfs shows the devices of the namespace it was mounted in: a shell in the namespace mounts its own.
        $run = Invoke-NetNs -Name $end[0] -Command unshare -ArgumentList '-m', 'sh', '-c', "umount -l /sys && mount -t sysfs none /sys && echo 1 > /sys/class/net/$($end[1])/threaded"
        $run.ExitCode | Should -Be 0 -Because $run.Error
    }

    # a's relay carries every packet itself (its joined-packet reader is what these tests are about); b has the kernel
    # fast path, which takes the joined TCP it can deliver here and leaves joined UDP to its relay's reader.
    $script:tunnels = @{ Namespace = $a; Peer = $b; Local = '10.227.0.1'; Remote = '10.227.0.2'; Address = '192.168.81.1/30'; PeerAddress = '192.168.81.2/30'; KernelFastPath = 'Peer' }
    Set-UserspaceTunnelPair @tunnels | Out-Null

    function script:Invoke-Iperf([string[]] $Extra) {
        $server = Invoke-NetNs -Name $b -Command iperf3 -ArgumentList '-s', '-1' -Background
        try {
            Wait-Listener -Namespace $b -Protocol tcp -Port 5201
            $run = Invoke-NetNs -Name $a -Command iperf3 -ArgumentList (@('-c', '192.168.81.2', '-J') + $Extra) -TimeoutSeconds 60
            $run.ExitCode | Should -Be 0 -Because "$($run.Error) $($run.Output)"
            ($run.Output -join "`n") | ConvertFrom-Json
        } finally {
            $server | Stop-NetNsProcess -Confirm:$false -ErrorAction SilentlyContinue
        }
    }

    # iperf3 UDP a->b fast enough for the receiving underlay to join datagrams (tcpdump there sees one).
    function script:Assert-UdpKeepsBounds {
        $capture = Start-JoinedCapture $b 'u2'
        try {
            $result = Invoke-Iperf @('-u', '-b', '200M', '-l', '1200', '-t', '3')
            Wait-Until { -not $capture.IsRunning } -Seconds 5 -What 'a joined tunnel packet on u2'
        } finally {
            $capture | Stop-NetNsProcess -Confirm:$false -ErrorAction SilentlyContinue
        }

        Get-Content $capture.OutputPath | Should -Match 'IP 10\.227\.0\.1 > 10\.227\.0\.2: IP 192\.168\.81\.1\.\d+ > 192\.168\.81\.2\.5201: UDP'
        # iperf3 numbers every datagram: one joined to another, or cut apart, would count as lost or out of order (a
        # relay that reads joined datagrams as one loses most of them; a loaded machine may drop a few anywhere).
        $result.end.sum.packets | Should -BeGreaterThan 15000
        $result.end.sum.lost_percent | Should -BeLessThan 10
        $result.end.streams[0].udp.out_of_order | Should -Be 0
    }

    # tcpdump on the receiving underlay sees packets after GRO: one longer than the link's MTU was joined.
    function script:Start-JoinedCapture([string] $Namespace, [string] $Interface) {
        Start-TestCapture -Namespace $Namespace -Interface $Interface -Filter 'ip proto 4 and greater 1600'
    }
}

AfterAll {
    Remove-TestNamespace $prefix
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}

Describe 'Userspace IPIP behind an underlay that joins packets (GRO)' -Tag RequireRoot, Integration {
    It 'moves a 32 MB file intact each way (SHA-256) when the underlay joins the segments into packets larger than its MTU' {
        $file = Join-Path $work 'payload.bin'
        $bytes = [byte[]]::new(32MB)
        [Random]::new(23).NextBytes($bytes)
        [IO.File]::WriteAllBytes($file, $bytes)
        $expected = (Get-FileHash -Algorithm SHA256 $file).Hash
        foreach ($direction in @(@($a, $b, '192.168.81.1', 'u2'), @($b, $a, '192.168.81.2', 'u1'))) {
            $from, $to, $source, $device = $direction
            $capture = Start-JoinedCapture $to $device
            # The sender serves the file (ncat runs cat on the connection, no shell); the receiver's output is the file.
            $sender = Invoke-NetNs -Name $from -Command ncat -ArgumentList '-l', '5300', '--send-only', '--exec', "/usr/bin/cat $file" -Background
            try {
                Wait-Listener -Namespace $from -Protocol tcp -Port 5300
                $receiver = Invoke-NetNs -Name $to -Command ncat -ArgumentList '--recv-only', $source, '5300' -Background
                Wait-Until { -not $receiver.IsRunning } -Seconds 60 -What "the file to arrive in $to"
                Wait-Until { -not $capture.IsRunning } -Seconds 5 -What "a joined tunnel packet on $device"
            } finally {
                $sender, $capture | Stop-NetNsProcess -Confirm:$false -ErrorAction SilentlyContinue
            }

            Get-Content $capture.OutputPath | Should -Match 'IP 10\.227\.0\.\d > 10\.227\.0\.\d: IP 192\.168\.81\.\d\.\d+ > 192\.168\.81\.\d\.\d+: Flags'
            (Get-Item $receiver.OutputPath).Length | Should -Be 32MB
            (Get-FileHash -Algorithm SHA256 $receiver.OutputPath).Hash | Should -Be $expected -Because "$from to $to"
        }
    }

    It 'keeps UDP datagrams whole and apart when the underlay joins them into one list' {
        Assert-UdpKeepsBounds
    }

    It 'cuts joined packets itself when its TUN device has no offloads' {
        Set-UserspaceTunnelPair @tunnels -NoOffloads | Should -Be 'none'
        (Get-IpipTunnel -Namespace $b -Name ipip0).Offloads | Should -Be 'none'
        Assert-UdpKeepsBounds
        $tcp = Invoke-Iperf @('-t', '2')
        $tcp.end.sum_received.bytes | Should -BeGreaterThan 10MB
    }
}
