<#
.SYNOPSIS
    The QUIC migration experiment behind an IP-in-IP load balancer with direct server return, with namespaces only.
.DESCRIPTION
    Builds the shipped quic-lb lab (see docs/topologies.md: client with two paths, router1 routing the VIP
    10.250.1.1 into the IP-in-IP tunnel ipip0, server with its real address and the VIP, answering directly), then:
      1. starts a real QUIC server (gtlsserver, Debian's ngtcp2-server) on the VIP, UDP 8889, serving a random file
         of -DownloadSize bytes, and captures packets on router1 and on the client (tcpdump -i any);
      2. starts a real client (gtlsclient) that downloads the file, writing its TLS secrets (SSLKEYLOGFILE) and both
         peers' qlogs;
      3. once the handshake is done, migrates: the client's route to the VIP moves from path 1 to path 2
         (Set-NetNsRoute), and the client moves its connection to its new local address (gtlsclient
         --change-local-addr, which takes its source from the routing table);
      4. reads router1's capture with Watch-QuicProbe (decrypted with the key log) and reports whether the download
         completed (sizes, SHA-256), which source addresses the server's packets to the new path carried, the
         path-validation events and the verdicts, and the lab's build and teardown times.
    -FaultyProbeSource reproduces the fault of a server behind a VIP that probes from its real address: the
    server's packets towards the new path leave from 10.220.0.2 instead of the VIP (a stateless nftables source
    rewrite in the server namespace), so the client discards them and the path never validates; Watch-QuicProbe
    then reports SourceAddressMismatch and UnansweredChallenge.
    The output folder holds router1.pcap, client.pcap (Linux cooked, as tcpdump -i any writes), keylog.txt,
    qlog-client/, qlog-server/ (the peers' own qlogs), qlog-capture/ (the capture as qlog, per connection and vantage
    point, for qvis), timeline.svg (the migration drawn as a sequence diagram), the downloaded file, events.json and
    report.json. Everything the lab made is
    removed on exit, also on Ctrl+C or failure.
    -RateMbit shapes router1's client-facing links (tc tbf) so that the download spans the migration.
.EXAMPLE
    ./examples/quic-lb-lab.ps1 -OutputDirectory ./out/quic-ok
.EXAMPLE
    ./examples/quic-lb-lab.ps1 -FaultyProbeSource -OutputDirectory ./out/quic-faulty
    The download does not complete: server packets to 10.210.0.2 leave from 10.220.0.2.
.OUTPUTS
    The report object (also written to report.json).
.LINK
    Watch-QuicProbe
.LINK
    New-NetLab
#>
[CmdletBinding()]
param(
    # Where the captures, keylog, qlogs and report go (created; must not be a file).
    [string] $OutputDirectory = (Join-Path (Get-Location) ('quic-lb-lab-' + (Get-Date -Format 'yyyyMMdd-HHmmss'))),
    # How the IPIP tunnel is made: kernel ipip where the kernel has it (Auto), or the module's userspace relay.
    [ValidateSet('Auto', 'Kernel', 'Userspace')] [string] $TunnelMode = 'Auto',
    # Make the server's packets towards the new path leave from its real IP (the origin's fault).
    [switch] $FaultyProbeSource,
    # Size of the file the client downloads, in bytes.
    [ValidateRange(1024, 1073741824)] [long] $DownloadSize = 4MB,
    # Rate of router1's links towards the client in Mbit/s (0: unshaped).
    [ValidateRange(0, 100000)] [int] $RateMbit = 20,
    # Percent of the QUIC datagrams router1 drops at random when it forwards them (nftables), after its capture has
    # seen them arrive: loss on the path, with every packet still in the capture.
    [ValidateRange(0, 50)] [int] $LossPercent = 0,
    # Milliseconds after the handshake at which the client moves to its new local address.
    [ValidateRange(100, 60000)] [int] $MigrateAfterMs = 600,
    # Most datagrams the server sends in one UDP GSO call (gtlsserver --max-gso-dgrams). 1 turns GSO off, so captures
    # hold one wire-sized datagram per record, as on a real network, instead of veth's 64 KB super-datagrams.
    [ValidateRange(1, 64)] [int] $MaxGsoDatagrams = 64,
    # Longest wait for the download, in seconds.
    [ValidateRange(1, 3600)] [int] $TimeoutSeconds = 30,
    # Prefix of the lab's namespace names.
    [string] $Prefix = 'qlb-',
    # The module to use; the built one by default.
    [string] $ModuleManifest = (Join-Path $PSScriptRoot '../out/MigrationTools/MigrationTools.psd1')
)
$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest -Force
Import-Module (Join-Path $PSScriptRoot 'Experiments.psm1') -Force

Assert-Tool @{ gtlsserver = 'ngtcp2-server'; gtlsclient = 'ngtcp2-client'; tcpdump = 'tcpdump'; openssl = 'openssl'; nft = 'nftables'; tc = 'iproute2' }

# Server packets to the client's new address, by source address, read back from a capture.
function Get-NewPathSources([string] $File, [string] $NewAddress, [int] $Port) {
    $sources = @{}
    foreach ($line in (& tcpdump -n -r $File "udp and src port $Port and dst host $NewAddress" 2>$null)) {
        if ($line -match ' IP (\d+\.\d+\.\d+\.\d+)\.\d+ > ') { $sources[$Matches[1]] = 1 + $sources[$Matches[1]] }
    }
    $sources
}

$OutputDirectory = [IO.Path]::GetFullPath($OutputDirectory)
$null = New-Item -ItemType Directory -Force -Path $OutputDirectory, (Join-Path $OutputDirectory 'qlog-client'), (Join-Path $OutputDirectory 'qlog-server'), (Join-Path $OutputDirectory 'download')
$content = New-QuicServerContent -Size $DownloadSize -Name 'quic-lb-lab'
$keylog = Join-Path $OutputDirectory 'keylog.txt'

$netLab = $null
$report = $null
$watch = [Diagnostics.Stopwatch]::StartNew()
try {
    $netLab = New-NetLab -Template quic-lb -Name "${Prefix}quic-lb" -Prefix $Prefix -TunnelMode $TunnelMode
    $buildMs = $watch.Elapsed.TotalMilliseconds
    $lab = [pscustomobject]@{
        Client = $netLab.NamespaceOf('client'); Router = $netLab.NamespaceOf('router1'); Server = $netLab.NamespaceOf('server')
        Vip = '10.250.1.1'; Port = 8889
        ClientPath1 = '10.200.0.2'; RouterPath1 = '10.200.0.254'; ClientPath2 = '10.210.0.2'; RouterPath2 = '10.210.0.254'
        RouterServerNet = '10.220.0.254'; ServerReal = '10.220.0.2'
        TunnelMode = (Get-IpipTunnel -Namespace $netLab.NamespaceOf('router1') -Name ipip0).Mode
    }
    Write-Host ("Lab built in {0:N0} ms: {1} -> {2} (VIP {3}) -> ipip0 ({4}) -> {5}" -f $buildMs, $lab.Client, $lab.Router, $lab.Vip, $lab.TunnelMode, $lab.Server) -ForegroundColor Green

    if ($RateMbit -gt 0) {
        foreach ($dev in 'eth0', 'eth1') {
            $tc = Invoke-NetNs -Name $lab.Router -Command tc -ArgumentList 'qdisc', 'add', 'dev', $dev, 'root', 'tbf', 'rate', "${RateMbit}mbit", 'burst', '32kb', 'latency', '400ms'
            if ($tc.ExitCode -ne 0) { throw "tc tbf on $($lab.Router) ${dev}: $($tc.Error)" }
        }
    }
    if ($LossPercent -gt 0) {
        $rules = @(
            @('add', 'table', 'ip', 'quic_lab_loss'),
            @('add', 'chain', 'ip', 'quic_lab_loss', 'lossy', '{ type filter hook forward priority filter; policy accept; }'),
            @('add', 'rule', 'ip', 'quic_lab_loss', 'lossy', 'udp', 'dport', "$($lab.Port)", 'numgen', 'random', 'mod', '100', '<', "$LossPercent", 'drop'),
            @('add', 'rule', 'ip', 'quic_lab_loss', 'lossy', 'udp', 'sport', "$($lab.Port)", 'numgen', 'random', 'mod', '100', '<', "$LossPercent", 'drop')
        )
        foreach ($rule in $rules) {
            $nft = Invoke-NetNs -Name $lab.Router -Command nft -ArgumentList $rule
            if ($nft.ExitCode -ne 0) { throw "nft in $($lab.Router): $($nft.Error)" }
        }
    }
    if ($FaultyProbeSource) {
        # The origin's fault, on the wire: what the server sends to the client's new path leaves from the real IP.
        $rules = @(
            @('add', 'table', 'ip', 'quic_lab_fault'),
            @('add', 'chain', 'ip', 'quic_lab_fault', 'out', '{ type filter hook output priority raw; policy accept; }'),
            @('add', 'rule', 'ip', 'quic_lab_fault', 'out', 'ip', 'daddr', $lab.ClientPath2, 'udp', 'sport', "$($lab.Port)", 'notrack', 'ip', 'saddr', 'set', $lab.ServerReal)
        )
        foreach ($rule in $rules) {
            $nft = Invoke-NetNs -Name $lab.Server -Command nft -ArgumentList $rule
            if ($nft.ExitCode -ne 0) { throw "nft in $($lab.Server): $($nft.Error)" }
        }
        Write-Host "Faulty server: packets to $($lab.ClientPath2) leave from $($lab.ServerReal) instead of $($lab.Vip)." -ForegroundColor Yellow
    }

    $routerCapture = Start-NetNsCapture -Namespace $lab.Router -Path (Join-Path $OutputDirectory 'router1.pcap') -Force
    $clientCapture = Start-NetNsCapture -Namespace $lab.Client -Path (Join-Path $OutputDirectory 'client.pcap') -Force
    $server = Invoke-NetNs -Name $lab.Server -Command gtlsserver -ArgumentList '-q', '-d', $content.Root, "--max-gso-dgrams=$MaxGsoDatagrams", "--qlog-dir=$(Join-Path $OutputDirectory 'qlog-server')", $lab.Vip, "$($lab.Port)", $content.Key, $content.Cert -Background
    Wait-Listener -Namespace $lab.Server -Protocol udp -Port $lab.Port

    $client = Invoke-NetNs -Name $lab.Client -Command gtlsclient -ArgumentList @(
        '-q', '--exit-on-all-streams-close', "--download=$(Join-Path $OutputDirectory 'download')",
        "--qlog-dir=$(Join-Path $OutputDirectory 'qlog-client')", "--change-local-addr=$($MigrateAfterMs)ms", "--timeout=$($TimeoutSeconds)s",
        $lab.Vip, "$($lab.Port)", "https://$($lab.Vip):$($lab.Port)/$($content.FileName)") -Environment @{ SSLKEYLOGFILE = $keylog } -Background
    $started = [DateTime]::UtcNow
    # The 1-RTT secrets appear in the keylog when the handshake is done; the client moves $MigrateAfterMs later.
    Wait-Until { (Test-Path $keylog) -and (Select-String -Path $keylog -Pattern '^CLIENT_TRAFFIC_SECRET_0 ' -Quiet) } -Seconds 10 -What 'the QUIC handshake'
    Set-NetNsRoute -Namespace $lab.Client -Destination "$($lab.Vip)/32" -Gateway $lab.RouterPath2
    $routeChangedAt = ([DateTime]::UtcNow - $started).TotalMilliseconds
    Write-Host ("Handshake done; route to {0} replaced via {1} at {2:N0} ms, client moves to {3} {4} ms after the handshake." -f $lab.Vip, $lab.RouterPath2, $routeChangedAt, $lab.ClientPath2, $MigrateAfterMs)

    $deadline = $started.AddSeconds($TimeoutSeconds)
    while ($client.IsRunning -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
    $timedOut = $client.IsRunning
    $elapsed = ([DateTime]::UtcNow - $started).TotalSeconds
    $client, $server | Stop-NetNsProcess -Confirm:$false
    Start-Sleep -Milliseconds 200
    $captured = $routerCapture, $clientCapture | Stop-NetNsCapture
    $captured | ForEach-Object { Write-Verbose "$($_.Path): $($_.PacketsCaptured) packets, $($_.PacketsDropped) dropped by the kernel" }

    $downloaded = Join-Path $OutputDirectory "download/$($content.FileName)"
    $servedHash = (Get-FileHash -Algorithm SHA256 $content.File).Hash
    $downloadedHash = if (Test-Path $downloaded) { (Get-FileHash -Algorithm SHA256 $downloaded).Hash } else { $null }
    $downloadedSize = if (Test-Path $downloaded) { (Get-Item $downloaded).Length } else { 0 }
    $sources = Get-NewPathSources (Join-Path $OutputDirectory 'router1.pcap') $lab.ClientPath2 $lab.Port

    # The analyzer's reading of the migration, from router1's capture and the client's key log.
    $events = @(Watch-QuicProbe -LiteralPath (Join-Path $OutputDirectory 'router1.pcap') -KeyLogFile $keylog -Port $lab.Port `
        -QlogOutDirectory (Join-Path $OutputDirectory 'qlog-capture') -TimelinePath (Join-Path $OutputDirectory 'timeline.svg'))
    $events | ConvertTo-Json -Depth 4 | Set-Content (Join-Path $OutputDirectory 'events.json')

    $report = [pscustomobject]@{
        Scenario                = if ($FaultyProbeSource) { 'FaultyProbeSource' } else { 'CorrectServer' }
        TunnelMode              = "$($lab.TunnelMode)"
        DownloadCompleted       = (-not $timedOut) -and $downloadedHash -eq $servedHash
        ClientTimedOut          = $timedOut
        ExpectedBytes           = $DownloadSize
        DownloadedBytes         = $downloadedSize
        ServedSha256            = $servedHash
        DownloadedSha256        = $downloadedHash
        DownloadSeconds         = [Math]::Round($elapsed, 3)
        RouteChangedAtMs        = [Math]::Round($routeChangedAt)
        NewPathPacketsFromVip   = [int]$sources[$lab.Vip]
        NewPathPacketsFromRealIp = [int]$sources[$lab.ServerReal]
        PathValidations         = @($events | Where-Object KindName -eq 'PathValidated').Count
        Verdicts                = @($events | Where-Object IsVerdict | ForEach-Object KindName | Sort-Object -Unique)
        BuildMs                 = [Math]::Round($buildMs)
        TeardownMs              = $null
        OutputDirectory         = $OutputDirectory
    }
} finally {
    $watch.Restart()
    if ($netLab) { Remove-NetLab -Name $netLab.Name -Confirm:$false }
    $teardownMs = $watch.Elapsed.TotalMilliseconds
    Remove-Item -Recurse -Force $content.Root -ErrorAction SilentlyContinue
}

if ($report) {
    $report.TeardownMs = [Math]::Round($teardownMs)
    $report | ConvertTo-Json | Set-Content (Join-Path $OutputDirectory 'report.json')
    Write-Host ("Lab removed in {0:N0} ms. Output: {1}" -f $teardownMs, $OutputDirectory) -ForegroundColor Green
    $report
}
