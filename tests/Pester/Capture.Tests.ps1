#Requires -Version 7.4
# Captures as cmdlets: Start-NetNsCapture and Stop-NetNsCapture, checked against tcpdump reading the files they write.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:prefix = New-TestPrefix
    $script:ns = "${prefix}cap"
    $script:work = Join-Path ([IO.Path]::GetTempPath()) "${prefix}captures"
    $null = New-Item -ItemType Directory -Force -Path $work
    New-NetNs -Name $ns | Out-Null

    # The packets of a capture file as tcpdump reads them: the oracle is not the module.
    function script:Get-TcpdumpLine([string] $File) { @(& tcpdump -r $File -n 2>$null) }
    function script:Get-Magic([string] $File) { ([IO.File]::ReadAllBytes($File)[0..3] | ForEach-Object { $_.ToString('x2') }) -join '' }
}

AfterAll {
    Remove-TestNamespace $prefix
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}

Describe 'Start-NetNsCapture and Stop-NetNsCapture' -Tag RequireRoot, Integration {
    It 'counts the packets it wrote: ten ICMP packets of five pings, as tcpdump reads the pcapng file' {
        $file = Join-Path $work 'ping.pcapng'
        $capture = Start-NetNsCapture -Namespace $ns -Interface lo -Path $file -Filter icmp
        $capture.ProcessId | Should -BeGreaterThan 0
        (Invoke-NetNs -Name $ns -Command ping -ArgumentList '-c', '5', '-i', '0.2', '127.0.0.1').ExitCode | Should -Be 0
        $summary = $capture | Stop-NetNsCapture
        $summary.PacketsCaptured | Should -Be 10
        $summary.PacketsDropped | Should -Be 0
        $summary.Path | Should -Be $file
        Get-Magic $file | Should -Be '0a0d0d0a' -Because 'pcapng starts with a Section Header Block'
        $lines = Get-TcpdumpLine $file
        $lines.Count | Should -Be 10
        @($lines -match 'ICMP echo request').Count | Should -Be 5
        Test-ProcessAlive $capture.ProcessId | Should -BeFalse
    }

    It 'embeds the key log in the pcapng file when asked' {
        $keys = Join-Path $work 'keys.log'
        $line = 'CLIENT_HANDSHAKE_TRAFFIC_SECRET ' + ('ab' * 32) + ' ' + ('cd' * 32)
        Set-Content -Path $keys -Value $line
        $file = Join-Path $work 'keyed.pcapng'
        $capture = Start-NetNsCapture -Namespace $ns -Interface lo -Path $file -KeyLogFile $keys
        $null = Invoke-NetNs -Name $ns -Command ping -ArgumentList '-c', '1', '127.0.0.1'
        $summary = Stop-NetNsCapture -InputObject $capture
        $summary.KeyLogEmbedded | Should -BeTrue
        # A Decryption Secrets Block (type 0x0000000A) holding the key log's text.
        [Text.Encoding]::ASCII.GetString([IO.File]::ReadAllBytes($file)) | Should -BeLike "*$line*"
        (Get-TcpdumpLine $file).Count | Should -BeGreaterOrEqual 2
    }

    It 'writes pcap for .pcap, stops every capture of a namespace with -Namespace, and leaves no tcpdump' {
        $one = Join-Path $work 'one.pcap'
        $two = Join-Path $work 'two.pcapng'
        $first = Start-NetNsCapture -Namespace $ns -Interface lo -Path $one
        $second = Start-NetNsCapture -Namespace $ns -Path $two -Filter 'icmp'
        $null = Invoke-NetNs -Name $ns -Command ping -ArgumentList '-c', '2', '-i', '0.2', '127.0.0.1'
        $summaries = @(Stop-NetNsCapture -Namespace $ns)
        $summaries.Count | Should -Be 2
        Get-Magic $one | Should -Be 'd4c3b2a1'
        (Get-TcpdumpLine $one).Count | Should -Be ($summaries | Where-Object Path -eq $one).PacketsCaptured
        (Get-TcpdumpLine $two).Count | Should -Be ($summaries | Where-Object Path -eq $two).PacketsCaptured
        Test-ProcessAlive $first.ProcessId | Should -BeFalse
        Test-ProcessAlive $second.ProcessId | Should -BeFalse
        # A stopped capture is not left behind as an ended background program.
        Get-NetNsProcess -Namespace $ns | Where-Object ProcessId -in $first.ProcessId, $second.ProcessId | Should -BeNullOrEmpty
        @(Stop-NetNsCapture -Namespace $ns) | Should -BeNullOrEmpty
        Get-ChildItem "/run/migrationtools/netns/$ns/captures" -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It '<Case>: <Id>' -ForEach @(
        @{ Case = 'an existing file without -Force'; Id = 'OutFileExists'; Name = 'ping.pcapng'; Extra = @{} }
        @{ Case = 'an extension that is neither pcapng nor pcap'; Id = 'OutFileInvalid'; Name = 'x.txt'; Extra = @{} }
        @{ Case = 'a key log for a pcap file'; Id = 'OutFileInvalid'; Name = 'k.pcap'; Extra = @{ KeyLogFile = '/dev/null' } }
        @{ Case = 'a filter tcpdump refuses'; Id = 'CaptureFailed'; Name = 'bad.pcapng'; Extra = @{ Filter = 'not a filter (' } }
    ) {
        $before = @(& pgrep -x tcpdump)
        $extra = $Extra
        $e = Get-ErrorRecord { Start-NetNsCapture -Namespace $ns -Path (Join-Path $work $Name) @extra }
        $e.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        @(& pgrep -x tcpdump) | Where-Object { $_ -notin $before } | Should -BeNullOrEmpty
        Get-ChildItem "/run/migrationtools/netns/$ns/captures" -Filter '*.json' -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'Captures declared in a lab file' -Tag RequireRoot, Integration {
    It 'start with the lab and are written, with their packets, when the lab is removed' {
        $file = Join-Path $work 'captured.psd1'
        Set-Content -Path $file -Value @"
@{
    Name     = 'captured'
    Nodes    = @{ x = @{}; y = @{} }
    Links    = @( @{ Endpoints = 'x:xy', 'y:yx'; Addresses = '10.80.0.1/24', '10.80.0.2/24' } )
    Captures = @( @{ Node = 'y'; Interface = 'yx'; Path = 'y.pcapng'; Filter = 'icmp' } )
}
"@
        $lab = New-NetLab -Path $file -Prefix "${prefix}lc-" -Name "${prefix}captured"
        $removed = $false
        try {
            $running = @(Get-NetNsProcess -Namespace $lab.NamespaceOf('y') | Where-Object { $_.Arguments -contains 'icmp' })
            $running.Count | Should -Be 1
            (& ip netns exec $lab.NamespaceOf('x') ping -c 4 -i 0.1 -q 10.80.0.2) -join ' ' | Should -Match ' 4 received'
            Remove-NetLab -Name $lab.Name -Confirm:$false
            $removed = $true
            $written = Join-Path $work 'y.pcapng'
            Test-Path $written | Should -BeTrue -Because 'a path in a lab file is relative to the lab file''s folder'
            (Get-TcpdumpLine $written).Count | Should -Be 8
        } finally {
            if (-not $removed) { Remove-NetLab -Name $lab.Name -Confirm:$false }
        }
    }
}
