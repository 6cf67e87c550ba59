#Requires -Version 7.4
# The QUIC load-balancer lab (lab 2 of shared/LAB.md) end to end, as CI runs it: examples/quic-lb-lab.ps1 with a
# short download, once with a correct server and once with the origin's faulty probe source.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-Module (Join-Path $RepoRoot 'examples/MigrationLabs.psm1') -Force
    $script:prefix = New-TestPrefix
    $script:example = Join-Path $RepoRoot 'examples/quic-lb-lab.ps1'

    # The link type of a pcap file (bytes 20..23 of the global header, little-endian as tcpdump writes here).
    function script:Get-PcapLinkType([string] $Path) {
        $header = [IO.File]::ReadAllBytes($Path)[0..23]
        [BitConverter]::ToUInt32([byte[]]$header, 20)
    }
}

AfterAll {
    Remove-TestNamespace $prefix
}

Describe 'QUIC lab builder' -Tag RequireRoot, Integration {
    It 'builds lab 2 with the VIP reachable through the tunnel, and removes it' {
        $lab = New-QuicLbLab -Prefix "${prefix}b-"
        try {
            $lab.TunnelMode | Should -BeIn 'Kernel', 'Userspace'
            (Get-NetNsRoute -Namespace $lab.Router -Destination '10.250.1.1*').Interface | Should -Be 'ipip0'
            (Get-NetNsSysctl -Namespace $lab.Router -Name net.ipv4.conf.all.rp_filter).Value | Should -Be '0'
            (Invoke-NetNs -Name $lab.Client -Command ping -ArgumentList '-c', '2', '-i', '0.1', '-W', '2', $lab.Vip).ExitCode | Should -Be 0
        } finally {
            Remove-MigrationLab -Names $lab.Client, $lab.Router, $lab.Server
        }
        & ip netns list | Where-Object { $_ -like "${prefix}b-*" } | Should -BeNullOrEmpty
    }
}

Describe 'examples/quic-lb-lab.ps1' -Tag RequireRoot, Integration {
    It 'with a correct server, the download completes across the migration' {
        $out = Join-Path $TestDrive 'ok'
        $report = & $example -OutputDirectory $out -Prefix "${prefix}ok-" -DownloadSize 2MB -RateMbit 16 -MigrateAfterMs 300 -TimeoutSeconds 20 6>$null
        $report.DownloadCompleted | Should -BeTrue
        $report.DownloadedSha256 | Should -Be $report.ServedSha256
        $report.DownloadedBytes | Should -Be 2MB
        # The migration happened while the download ran: the server answered on the new path from the VIP.
        $report.NewPathPacketsFromVip | Should -BeGreaterThan 10
        $report.NewPathPacketsFromRealIp | Should -Be 0
        $report.BuildMs | Should -BeGreaterThan 0
        $report.TeardownMs | Should -BeGreaterThan 0

        foreach ($pcap in 'router1.pcap', 'client.pcap') {
            # 276: LINKTYPE_LINUX_SLL2 (tcpdump -i any), 113: LINKTYPE_LINUX_SLL on older tcpdump.
            Get-PcapLinkType (Join-Path $out $pcap) | Should -BeIn 276, 113
        }
        (Get-Content (Join-Path $out 'keylog.txt')) -match '^CLIENT_TRAFFIC_SECRET_0 ' | Should -Not -BeNullOrEmpty
        (Get-ChildItem (Join-Path $out 'qlog-client')).Count | Should -Be 1
        (Get-ChildItem (Join-Path $out 'qlog-server')).Count | Should -Be 1
        Test-Path (Join-Path $out 'report.json') | Should -BeTrue
        # On the underlay, the client's packets reach the server inside IPIP.
        & tcpdump -n -r (Join-Path $out 'router1.pcap') -c 1 'ip proto 4 and src host 10.220.0.254 and dst host 10.220.0.2' 2>$null | Should -Match 'IP 10\.220\.0\.254 > 10\.220\.0\.2: IP 10\.20[01]\.0\.2\.\d+ > 10\.250\.1\.1\.8889: UDP'
        & ip netns list | Where-Object { $_ -like "${prefix}ok-*" } | Should -BeNullOrEmpty
    }

    It 'with -FaultyProbeSource, server packets to the new path leave from the real IP and the download stalls' {
        $out = Join-Path $TestDrive 'faulty'
        $report = & $example -OutputDirectory $out -Prefix "${prefix}bad-" -FaultyProbeSource -DownloadSize 2MB -RateMbit 16 -MigrateAfterMs 300 -TimeoutSeconds 5 6>$null
        $report.Scenario | Should -Be 'FaultyProbeSource'
        $report.NewPathPacketsFromRealIp | Should -BeGreaterThan 0
        $report.NewPathPacketsFromVip | Should -Be 0
        $report.DownloadCompleted | Should -BeFalse
        & tcpdump -n -r (Join-Path $out 'router1.pcap') -c 1 'udp and src host 10.220.0.2 and src port 8889 and dst host 10.210.0.2' 2>$null | Should -Match 'IP 10\.220\.0\.2\.8889 > 10\.210\.0\.2\.\d+: UDP'
        & ip netns list | Where-Object { $_ -like "${prefix}bad-*" } | Should -BeNullOrEmpty
    }
}
