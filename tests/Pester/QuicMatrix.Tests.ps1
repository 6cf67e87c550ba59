#Requires -Version 7.4
# Test-QuicMigration and Get-QuicImplementation: implementations as files, the interop-runner layout, the scenarios'
# outcomes against what tcpdump reads in the cells' captures (not the analyzer), the report, errors and Ctrl+C.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:work = Join-Path ([IO.Path]::GetTempPath()) ("quic-matrix-" + [Guid]::NewGuid().ToString('N').Substring(0, 8))
    $null = New-Item -ItemType Directory -Path $work
    if (-not $env:MIGRATIONTOOLS_BUILD_ROOT) { $env:MIGRATIONTOOLS_BUILD_ROOT = Join-Path $RepoRoot 'out/build' }

    # Lines tcpdump reads from a capture, with a filter: the oracle is not the module's analyzer.
    function script:Get-Tcpdump([string] $File, [string] $Filter) { @(& tcpdump -n -r $File $Filter 2>$null) }
    function script:Get-MatrixNamespace { @(Get-ChildItem /run/netns -ErrorAction SilentlyContinue | Where-Object Name -like 'qm*') }
}

AfterAll {
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}

Describe 'Get-QuicImplementation' -Tag Integration {
    It 'lists ngtcp2 and quic-go, and implementation files in a folder you name' {
        $shipped = @(Get-QuicImplementation)
        $shipped.Name | Should -Contain 'ngtcp2'
        $shipped.Name | Should -Contain 'quic-go'
        ($shipped | Where-Object Name -eq 'quic-go').Layout | Should -Be 'InteropRunner'
        $folder = Join-Path $work 'impls'
        $null = New-Item -ItemType Directory -Force -Path $folder
        Set-Content -Path (Join-Path $folder 'mine.psd1') -Value "@{ Name = 'mine-1'; Server = @{ Command = 'a' }; Client = @{ Command = 'b' } }"
        (Get-QuicImplementation -Path $folder -Name 'mine*').Name | Should -Be 'mine-1'
    }

    It 'names the key path of a bad file (QuicImplementationInvalid) and refuses a file that is not data only' {
        $bad = Join-Path $work 'bad.psd1'
        Set-Content -Path $bad -Value "@{ Name = 'bad'; Server = @{ Command = 'a'; Arguments = @('{Nope}') }; Client = @{ Command = 'b' } }"
        $e = Get-ErrorRecord { Get-QuicImplementation -Path $bad }
        $e.FullyQualifiedErrorId | Should -BeLike 'QuicImplementationInvalid,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        "$e" | Should -BeLike '*Server.Arguments`[0`]: {Nope} is not a placeholder*'
        Set-Content -Path $bad -Value "@{ Name = (Get-Date); Server = @{}; Client = @{} }"
        (Get-ErrorRecord { Get-QuicImplementation -Path $bad }).FullyQualifiedErrorId | Should -BeLike 'QuicImplementationInvalid,*'
    }
}

Describe 'Test-QuicMigration' -Tag RequireRoot, Integration {
    It 'runs a user''s own implementation file (ngtcp2 under another name) through Transfer, with the capture, key log and timeline' {
        $folder = Join-Path $work 'own'
        $null = New-Item -ItemType Directory -Force -Path $folder
        (Get-Content -Raw (Join-Path (Split-Path (Get-Module MigrationTools).Path) 'quic/ngtcp2.psd1')) -replace "Name\s*=\s*'ngtcp2'", "Name = 'my-ngtcp2'" |
            Set-Content (Join-Path $folder 'my-ngtcp2.psd1')
        $r = Test-QuicMigration -Path $folder -Server my-ngtcp2 -Client ngtcp2 -Scenario Transfer -OutputDirectory (Join-Path $work 'own-run')
        $r.Server | Should -Be 'my-ngtcp2'
        $r.Outcome | Should -Be 'Passed' -Because $r.Reason
        $r.TransferComplete | Should -BeTrue
        $r.ReceivedBytes | Should -Be 2MB
        # tcpdump reads the capture: QUIC on the server's port, both ways.
        (Get-Tcpdump $r.CapturePath 'udp and src port 4433').Count | Should -BeGreaterThan 100
        (Get-Tcpdump $r.CapturePath 'udp and dst port 4433').Count | Should -BeGreaterThan 10
        [Text.Encoding]::ASCII.GetString([IO.File]::ReadAllBytes($r.CapturePath)) | Should -BeLike '*CLIENT_TRAFFIC_SECRET_0 *' -Because 'the key log is embedded'
        Test-Path $r.TimelinePath | Should -BeTrue
        $r.QlogPaths.Count | Should -BeGreaterThan 1
        Get-MatrixNamespace | Should -BeNullOrEmpty
    }

    It 'runs an interop-runner endpoint with the contract: environment, /www, /downloads, /certs, /logs, and leaves nothing mounted' {
        $folder = Join-Path $work 'interop'
        $null = New-Item -ItemType Directory -Force -Path $folder
        # Fake endpoints: each writes what it sees of the contract to /logs/contract.txt, then runs ngtcp2 on it.
        Set-Content -Path (Join-Path $folder 'server.sh') -Value @'
#!/bin/sh
{ echo "ROLE=$ROLE TESTCASE=$TESTCASE SSLKEYLOGFILE=$SSLKEYLOGFILE QLOGDIR=$QLOGDIR"; ls /www /certs; } > /logs/contract.txt
exec gtlsserver -q -d /www "$1" 4433 /certs/priv.key /certs/cert.pem
'@
        Set-Content -Path (Join-Path $folder 'client.sh') -Value @'
#!/bin/sh
{ echo "ROLE=$ROLE TESTCASE=$TESTCASE SSLKEYLOGFILE=$SSLKEYLOGFILE QLOGDIR=$QLOGDIR REQUESTS=$REQUESTS ARGS=$*"; test -d /downloads && echo downloads; } > /logs/contract.txt
exec gtlsclient -q --exit-on-all-streams-close --download=/downloads 10.240.0.2 4433 "$1"
'@
        & chmod +x (Join-Path $folder 'server.sh') (Join-Path $folder 'client.sh')
        Set-Content -Path (Join-Path $folder 'fake.psd1') -Value @"
@{ Name = 'fake-interop'; Layout = 'InteropRunner'; Port = 4433
   Server = @{ Command = '$folder/server.sh'; Arguments = @('{ServerAddress}') }
   Client = @{ Command = '$folder/client.sh' } }
"@
        $r = Test-QuicMigration -Path $folder -Server fake-interop -Client fake-interop -Scenario Transfer -OutputDirectory (Join-Path $work 'interop-run')
        $r.Outcome | Should -Be 'Passed' -Because $r.Reason
        $server = Get-Content (Join-Path $r.Directory 'server/logs/contract.txt')
        $server[0] | Should -Be 'ROLE=server TESTCASE=transfer SSLKEYLOGFILE=/logs/keys.log QLOGDIR=/logs/qlog'
        $server | Should -Contain 'transfer.bin'
        $server | Should -Contain 'cert.pem'
        $server | Should -Contain 'priv.key'
        $client = Get-Content (Join-Path $r.Directory 'client/logs/contract.txt')
        $client[0] | Should -Be 'ROLE=client TESTCASE=transfer SSLKEYLOGFILE=/logs/keys.log QLOGDIR=/logs/qlog REQUESTS=https://10.240.0.2:4433/transfer.bin ARGS=https://10.240.0.2:4433/transfer.bin'
        $client | Should -Contain 'downloads'
        foreach ($dir in '/www', '/downloads', '/certs', '/logs') { Test-Path $dir | Should -BeFalse -Because "$dir is made only inside the endpoint's own root" }
        @(Get-Content /proc/self/mountinfo | Where-Object { $_ -match 'interop-root' }) | Should -BeNullOrEmpty
        @(Get-ChildItem (Join-Path $r.Directory 'server/root')) | Should -BeNullOrEmpty
    }

    It 'ngtcp2 passes DsrLoadBalancer, and fails it with the injected fault: SourceAddressMismatch, probes from the real address on the wire' {
        $out = Join-Path $work 'dsr'
        $r = @(Test-QuicMigration -Server ngtcp2 -Client ngtcp2 -Scenario DsrLoadBalancer -OutputDirectory $out)
        $r[0].Outcome | Should -Be 'Passed' -Because $r[0].Reason
        (Get-Tcpdump $r[0].CapturePath 'src host 10.220.0.2 and udp and dst host 10.210.0.2').Count | Should -Be 0
        $f = Test-QuicMigration -Server ngtcp2 -Client ngtcp2 -Scenario DsrLoadBalancer -Fault ProbeFromRealAddress -OutputDirectory $out
        $f.Fault | Should -Be 'ProbeFromRealAddress'
        $f.Outcome | Should -Be 'Failed'
        $f.Verdicts | Should -Contain 'SourceAddressMismatch'
        (Get-Tcpdump $f.CapturePath 'src host 10.220.0.2 and udp and dst host 10.210.0.2').Count | Should -BeGreaterThan 0
        Get-MatrixNamespace | Should -BeNullOrEmpty
    }

    It 'the quic-go server fails RebindPort with MigrationNotFollowed: on the wire it goes on sending to the old port only; the matrix writes its report' {
        $out = Join-Path $work 'rebind'
        $report = Join-Path $out 'report.md'
        $results = @(Test-QuicMigration -Server quic-go, ngtcp2 -Client ngtcp2 -Scenario RebindPort -OutputDirectory $out -ReportPath $report)
        $results.Count | Should -Be 2
        $quicGo = $results | Where-Object Server -eq 'quic-go'
        $quicGo.Outcome | Should -Be 'Failed'
        $quicGo.Verdicts | Should -Contain 'MigrationNotFollowed'
        $quicGo.Reason | Should -BeLike '*did not validate the client''s new address 10.240.0.1:20001*'
        (Get-Tcpdump $quicGo.CapturePath 'udp and src port 443 and dst port 20000').Count | Should -BeGreaterThan 10
        (Get-Tcpdump $quicGo.CapturePath 'udp and src port 443 and dst port 20001').Count | Should -Be 0
        $ngtcp2 = $results | Where-Object Server -eq 'ngtcp2'
        $ngtcp2.Outcome | Should -Be 'Passed' -Because $ngtcp2.Reason
        (Get-Tcpdump $ngtcp2.CapturePath 'udp and src port 4433 and dst port 20001').Count | Should -BeGreaterThan 10
        $text = Get-Content -Raw $report
        $text | Should -BeLike '*## RebindPort*'
        $text | Should -BeLike '*| quic-go | **Failed** MigrationNotFollowed ([[]timeline](quic-go--ngtcp2--RebindPort/timeline.svg)) |*'
        $text | Should -BeLike '*| ngtcp2 | **Passed** ([[]timeline](ngtcp2--ngtcp2--RebindPort/timeline.svg)) |*'
        ($results | ConvertTo-Json -Depth 2 | ConvertFrom-Json).Outcome | Should -Contain 'Failed'
    }

    It 'each scenario''s trigger shows on the wire: the new NAT address, the second path, the preferred address' {
        $results = @(Test-QuicMigration -Server ngtcp2 -Client ngtcp2 -Scenario RebindAddress, ClientMigration, PreferredAddress, Transfer -OutputDirectory (Join-Path $work 'triggers'))
        $cell = @{}; foreach ($r in $results) { $cell[$r.Scenario] = $r }
        foreach ($r in $results) { $r.Outcome | Should -Be 'Passed' -Because "$($r.Scenario): $($r.Reason)" }
        # RebindAddress: the server sees the client first from 10.240.0.1, then from 10.240.0.4 (the NAT's second address).
        (Get-Tcpdump $cell.RebindAddress.CapturePath 'udp and src host 10.240.0.1 and dst port 4433').Count | Should -BeGreaterThan 0
        (Get-Tcpdump $cell.RebindAddress.CapturePath 'udp and src host 10.240.0.4 and dst port 4433').Count | Should -BeGreaterThan 10
        # ClientMigration: packets from the client's second path, 10.210.0.2, reach the server.
        (Get-Tcpdump $cell.ClientMigration.CapturePath 'udp and src host 10.210.0.2 and dst port 4433').Count | Should -BeGreaterThan 10
        # PreferredAddress: the client sends to the server's preferred address 10.240.0.3.
        (Get-Tcpdump $cell.PreferredAddress.CapturePath 'udp and dst host 10.240.0.3 and dst port 4433').Count | Should -BeGreaterThan 10
        # Transfer: none of that happens.
        (Get-Tcpdump $cell.Transfer.CapturePath 'udp and (host 10.240.0.4 or host 10.210.0.2 or host 10.240.0.3)').Count | Should -Be 0
    }

    It 'a scenario a file leaves out is Unsupported without a lab' {
        $r = Test-QuicMigration -Server quic-go -Client ngtcp2 -Scenario PreferredAddress -OutputDirectory (Join-Path $work 'unsupported')
        $r.Outcome | Should -Be 'Unsupported'
        $r.Reason | Should -BeLike 'quic-go (server) does not support PreferredAddress*'
        $r.Duration.TotalSeconds | Should -BeLessThan 1
    }

    It 'refuses unknown implementations and scenarios, a fault without its scenario, and a report of another kind' {
        $e = Get-ErrorRecord { Test-QuicMigration -Server nope -Client ngtcp2 -Scenario Transfer -OutputDirectory $work }
        $e.FullyQualifiedErrorId | Should -BeLike 'QuicImplementationNotFound,*'
        $e.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        (Get-ErrorRecord { Test-QuicMigration -Server ngtcp2 -Client ngtcp2 -Scenario Teleport -OutputDirectory $work }).FullyQualifiedErrorId | Should -BeLike 'InvalidArgument,*'
        (Get-ErrorRecord { Test-QuicMigration -Server ngtcp2 -Client ngtcp2 -Scenario Transfer -Fault ProbeFromRealAddress -OutputDirectory $work }).FullyQualifiedErrorId | Should -BeLike 'InvalidArgument,*'
        (Get-ErrorRecord { Test-QuicMigration -Server quic-go -Client ngtcp2 -Scenario PreferredAddress -OutputDirectory $work -ReportPath (Join-Path $work 'r.txt') }).FullyQualifiedErrorId | Should -BeLike 'OutFileInvalid,*'
    }

    It 'Ctrl+C stops every cell and leaves no lab, namespace or program' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("`$env:MIGRATIONTOOLS_BUILD_ROOT = '$env:MIGRATIONTOOLS_BUILD_ROOT'; Import-Module '$((Get-Module MigrationTools).Path)'; Test-QuicMigration -Server ngtcp2 -Client ngtcp2 -Scenario RebindPort, ClientMigration -OutputDirectory '$work/cancel' -ThrottleLimit 2")
            $async = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(20)
            while (-not (@(& pgrep -x gtlsclient) -and (Get-MatrixNamespace)) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            Get-MatrixNamespace | Should -Not -BeNullOrEmpty -Because 'the cells had started'
            $ps.Stop()
            $async.IsCompleted | Should -BeTrue
            Get-MatrixNamespace | Should -BeNullOrEmpty
            @(Get-NetLab | Where-Object Name -like 'qm*') | Should -BeNullOrEmpty
            @(& pgrep -x gtlsserver) + @(& pgrep -x gtlsclient) | Should -BeNullOrEmpty
        } finally {
            $ps.Dispose()
        }
    }
}
