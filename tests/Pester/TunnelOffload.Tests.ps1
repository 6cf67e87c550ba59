#Requires -Version 7.4
# The userspace tunnel with TUN offloads (segmentation and coalescing): real traffic both ways, files that must
# arrive intact, and a packet in the kernel's ipip format from a raw socket. The relays run without the kernel fast path
# (MIGRATIONTOOLS_IPIP_FASTPATH=off), so every packet goes through the loops these tests are about.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:prefix = New-TestPrefix
    $script:work = Join-Path ([IO.Path]::GetTempPath()) "${prefix}offload"
    $null = New-Item -ItemType Directory -Force -Path $work
    $script:a = "${prefix}oa"
    $script:b = "${prefix}ob"
    New-NetNs -Name $a, $b | Out-Null
    Connect-NetNs -Name $a -Peer $b -Interface u1 -PeerInterface u2 | Out-Null
    New-NetNsAddress -Namespace $a -Interface u1 -Address 10.229.0.1/24 | Out-Null
    New-NetNsAddress -Namespace $b -Interface u2 -Address 10.229.0.2/24 | Out-Null
    Set-UserspaceTunnelPair -Namespace $a -Peer $b -Local 10.229.0.1 -Remote 10.229.0.2 -Address 192.168.79.1/30 -PeerAddress 192.168.79.2/30 -KernelFastPath None | Out-Null

    function script:Invoke-Iperf([string] $From, [string] $To, [string] $Address, [string[]] $Extra) {
        $server = Invoke-NetNs -Name $To -Command iperf3 -ArgumentList '-s', '-1' -Background
        try {
            Wait-Listener -Namespace $To -Protocol tcp -Port 5201
            $run = Invoke-NetNs -Name $From -Command iperf3 -ArgumentList (@('-c', $Address, '-J') + $Extra) -TimeoutSeconds 60
            $run.ExitCode | Should -Be 0 -Because $run.Error
            ($run.Output -join "`n") | ConvertFrom-Json
        } finally {
            $server | Stop-NetNsProcess -Confirm:$false -ErrorAction SilentlyContinue
        }
    }
}

AfterAll {
    Remove-TestNamespace $prefix
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}

Describe 'Userspace IPIP with TUN offloads' -Tag RequireRoot, Integration {
    It 'reports the offloads in use' {
        foreach ($n in $a, $b) {
            $t = Get-IpipTunnel -Namespace $n -Name ipip0
            $t.Offloads | Should -Match '^csum,tso4'
        }
    }

    It 'carries TCP both ways, cutting and joining segments' {
        $there = Invoke-Iperf $a $b 192.168.79.2 @('-t', '2')
        $back = Invoke-Iperf $a $b 192.168.79.2 @('-t', '2', '-R')
        $there.end.sum_received.bytes | Should -BeGreaterThan 1MB
        $back.end.sum_received.bytes | Should -BeGreaterThan 1MB
        Start-Sleep -Milliseconds 700
        foreach ($n in $a, $b) {
            $c = (Get-IpipTunnel -Namespace $n -Name ipip0).Counters
            $c.SegmentedPackets | Should -BeGreaterThan 0 -Because "$n cut GSO packets from its TUN device"
            $c.CoalescedPackets | Should -BeGreaterThan 0 -Because "$n joined received segments"
            $c.DroppedMalformed + $c.InternalErrors | Should -Be 0
        }
    }

    It 'says where the relay''s time goes: each direction''s CPU within the process''s, and the calls that carried its packets' {
        $null = Invoke-Iperf $a $b 192.168.79.2 @('-t', '2')
        Start-Sleep -Milliseconds 700
        foreach ($n in $a, $b) {
            $t = Get-IpipTunnel -Namespace $n -Name ipip0
            $c = $t.Counters
            $time = $c.Time
            $time | Should -Not -BeNullOrEmpty
            # Every cut GSO packet came from a read of its own; a send call carries at least one packet; every
            # packet counted out of the tunnel was a write of its own.
            $time.TunReads | Should -BeGreaterOrEqual $c.SegmentedPackets
            $time.SendCalls | Should -BeGreaterThan 0
            $time.SendCalls | Should -BeLessOrEqual ($c.EncapsulatedPackets + $c.SendErrors)
            $time.ReceiveCalls | Should -BeGreaterThan 0
            $time.TunWrites | Should -BeGreaterOrEqual $c.DecapsulatedPackets
            # The two directions' threads used CPU, and no more than the whole relay process has (read afterwards).
            $threads = $time.EncapsulateUserSeconds + $time.EncapsulateSystemSeconds + $time.DecapsulateUserSeconds + $time.DecapsulateSystemSeconds
            $process = Get-ProcessCpuSeconds -ProcessId $t.ProcessId
            $threads | Should -BeGreaterThan 0 -Because "$n relayed a 2 s TCP transfer"
            $threads | Should -BeLessOrEqual ($process + 0.001)
        }
    }

    It 'carries UDP both ways' {
        $there = Invoke-Iperf $a $b 192.168.79.2 @('-u', '-b', '40M', '-t', '2', '-l', '1400')
        $back = Invoke-Iperf $a $b 192.168.79.2 @('-u', '-b', '40M', '-t', '2', '-l', '1400', '-R')
        foreach ($r in $there, $back) {
            $r.end.sum.packets | Should -BeGreaterThan 5000
            $r.end.sum.lost_percent | Should -BeLessThan 5
        }
    }

    It 'moves a 64 MB file intact in each direction (SHA-256)' {
        $file = Join-Path $work 'payload.bin'
        $bytes = [byte[]]::new(64MB)
        [Random]::new(16).NextBytes($bytes)
        [IO.File]::WriteAllBytes($file, $bytes)
        $expected = (Get-FileHash -Algorithm SHA256 $file).Hash
        foreach ($direction in @(@($a, $b, '192.168.79.2'), @($b, $a, '192.168.79.1'))) {
            # The sender serves the file (ncat runs cat on each connection, no shell); the receiver's output is the file.
            $sender = Invoke-NetNs -Name $direction[0] -Command ncat -ArgumentList '-l', '5300', '--send-only', '--exec', "/usr/bin/cat $file" -Background
            try {
                Wait-Listener -Namespace $direction[0] -Protocol tcp -Port 5300
                $source = if ($direction[0] -eq $a) { '192.168.79.1' } else { '192.168.79.2' }
                $receiver = Invoke-NetNs -Name $direction[1] -Command ncat -ArgumentList '--recv-only', $source, '5300' -Background
                Wait-Until { -not $receiver.IsRunning } -Seconds 120 -What 'the file to arrive'
            } finally {
                $sender | Stop-NetNsProcess -Confirm:$false -ErrorAction SilentlyContinue
            }
            (Get-Item $receiver.OutputPath).Length | Should -Be 64MB
            (Get-FileHash -Algorithm SHA256 $receiver.OutputPath).Hash | Should -Be $expected -Because "$($direction[0]) to $($direction[1])"
        }
    }

    It 'accepts a packet in the kernel ipip format from a raw socket and answers it' {
        # A third namespace stands where a kernel ipip peer would: a header-included raw socket sends the bytes an
        # ipip device puts on the wire (outer IPv4 header, protocol 4, DF clear; the kernel fills in the id and the
        # checksum) around an echo request for the tunnel's own address; tcpdump there sees the encapsulated reply.
        $k = "${prefix}ok"
        New-NetNs -Name $k | Out-Null
        Connect-NetNs -Name $k -Peer $a -Interface k1 -PeerInterface k2 | Out-Null
        New-NetNsAddress -Namespace $k -Interface k1 -Address 10.228.5.2/24 | Out-Null
        New-NetNsAddress -Namespace $a -Interface k2 -Address 10.228.5.1/24 | Out-Null
        Set-IpipTunnel -Namespace $a -Name ipip1 -Local 10.228.5.1 -Remote 10.228.5.2 -Mode Userspace
        New-NetNsAddress -Namespace $a -Interface ipip1 -Address 192.168.80.1/30 | Out-Null
        $capture = Start-TestCapture -Namespace $k -Interface k1 -Filter 'ip proto 4 and src host 10.228.5.1'
        $script = @'
function Sum([byte[]] $b, [int] $o, [int] $n) { $s = 0; for ($i = 0; $i -lt $n; $i += 2) { $s += ([int]$b[$o + $i] -shl 8) + [int]$b[$o + $i + 1] }; while ($s -shr 16) { $s = ($s -band 0xffff) + ($s -shr 16) }; (-bnot $s) -band 0xffff }
$p = [byte[]]::new(56)
$p[0] = 0x45; $p[3] = 56; $p[8] = 64; $p[9] = 4
[byte[]](10,228,5,2, 10,228,5,1) | ForEach-Object -Begin { $i = 12 } -Process { $p[$i++] = $_ }
$q = 20
$p[$q] = 0x45; $p[$q + 3] = 36; $p[$q + 8] = 64; $p[$q + 9] = 1
[byte[]](192,168,80,2, 192,168,80,1) | ForEach-Object -Begin { $i = $q + 12 } -Process { $p[$i++] = $_ }
$c = Sum $p $q 20; $p[$q + 10] = $c -shr 8; $p[$q + 11] = $c -band 0xff
$p[$q + 20] = 8; $p[$q + 24] = 0x12; $p[$q + 25] = 0x34; $p[$q + 27] = 1; $p[$q + 28] = 0x6d; $p[$q + 29] = 0x74
$c = Sum $p ($q + 20) 16; $p[$q + 22] = $c -shr 8; $p[$q + 23] = $c -band 0xff
$s = [Net.Sockets.Socket]::new([Net.Sockets.AddressFamily]::InterNetwork, [Net.Sockets.SocketType]::Raw, [Net.Sockets.ProtocolType]::Raw)
"sent $($s.SendTo($p, [Net.IPEndPoint]::new([Net.IPAddress]::Parse('10.228.5.1'), 0)))"
'@
        $sent = Invoke-NetNs -Name $k -Command ([Environment]::ProcessPath) -ArgumentList (Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-NonInteractive', '-Command', $script -TimeoutSeconds 60
        $sent.Output | Should -Be 'sent 56' -Because $sent.Error
        Wait-Until { -not $capture.IsRunning } -Seconds 5 -What 'the encapsulated reply'
        Get-Content $capture.OutputPath | Should -Match 'IP 10\.228\.5\.1 > 10\.228\.5\.2: IP 192\.168\.80\.1 > 192\.168\.80\.2: ICMP echo reply, id 4660, seq 1'
    }
}
