<#
.SYNOPSIS
    A QUIC NAT rebinding with real peers: the NAT in front of the client changes its port mid-download.
.DESCRIPTION
    Builds the shipped quic-nat lab (client -- nat -- server, see docs/topologies.md), then:
      1. starts gtlsserver (Debian's ngtcp2-server) on 10.240.0.2:4433 serving a random file of -DownloadSize
         bytes, and captures with tcpdump -i any in the server and client namespaces;
      2. starts gtlsclient downloading the file, writing SSLKEYLOGFILE and both peers' qlogs;
      3. -RebindAfterMs after the handshake, moves the NAT's mapping from 10.240.0.1:20000 to 10.240.0.1:20001 and
         deletes the client's conntrack entry (Set-QuicNatPort). The client knows nothing of it: it keeps its
         address and connection ID. The server sees the connection arrive from a new address and, per RFC 9000
         section 9, must validate the new path (PATH_CHALLENGE) before trusting it;
      4. reports whether the download completed (sizes and SHA-256) and which client ports the server saw.
    gtlsclient's own --nat-rebinding is not used: in ngtcp2 0.12.1 (Debian 12) the client switches to a new socket
    but never sends from it, so the connection idles out with nothing on the wire to diagnose. A real NAT moves the
    port under an unaware client, which is what a NAT rebinding is.
    The output folder holds server.pcap and client.pcap (Linux cooked), keylog.txt, qlog-client/, qlog-server/,
    the download and report.json. Everything the lab made is removed on exit, also on Ctrl+C or failure.
.EXAMPLE
    ./examples/quic-nat-rebinding.ps1 -OutputDirectory ./out/nat
    Watch-QuicProbe -Path ./out/nat/server.pcap -KeyLogFile ./out/nat/keylog.txt
.OUTPUTS
    The report object (also written to report.json).
.LINK
    Watch-QuicProbe
.LINK
    New-NetLab
#>
[CmdletBinding()]
param(
    # Where the captures, keylog, qlogs and report go.
    [string] $OutputDirectory = (Join-Path (Get-Location) ('quic-nat-rebinding-' + (Get-Date -Format 'yyyyMMdd-HHmmss'))),
    # Size of the file the client downloads, in bytes.
    [ValidateRange(1024, 1073741824)] [long] $DownloadSize = 2MB,
    # Rate of the NAT's link towards the client in Mbit/s (0: unshaped), so that the download spans the rebinding.
    [ValidateRange(0, 100000)] [int] $RateMbit = 16,
    # Milliseconds after the handshake at which the NAT rebinds the client.
    [ValidateRange(0, 60000)] [int] $RebindAfterMs = 300,
    # Seconds the captures go on after the download, so that timeouts (3 x PTO) show in them.
    [ValidateRange(0, 60)] [double] $LingerSeconds = 0,
    # Longest wait for the download, in seconds.
    [ValidateRange(1, 3600)] [int] $TimeoutSeconds = 30,
    # Prefix of the lab's namespace names.
    [string] $Prefix = 'qnat-',
    # The module to use; the built one by default.
    [string] $ModuleManifest = (Join-Path $PSScriptRoot '../out/MigrationTools/MigrationTools.psd1')
)
$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest -Force
Import-Module (Join-Path $PSScriptRoot 'Experiments.psm1') -Force

Assert-Tool @{ gtlsserver = 'ngtcp2-server'; gtlsclient = 'ngtcp2-client'; tcpdump = 'tcpdump'; openssl = 'openssl'; nft = 'nftables'; conntrack = 'conntrack' }

$OutputDirectory = [IO.Path]::GetFullPath($OutputDirectory)
$null = New-Item -ItemType Directory -Force -Path $OutputDirectory, (Join-Path $OutputDirectory 'qlog-client'), (Join-Path $OutputDirectory 'qlog-server'), (Join-Path $OutputDirectory 'download')
$content = New-QuicServerContent -Size $DownloadSize -Name 'quic-nat-lab'
$keylog = Join-Path $OutputDirectory 'keylog.txt'
$serverPcap = Join-Path $OutputDirectory 'server.pcap'

$netLab = $null
$report = $null
try {
    $netLab = New-NetLab -Template quic-nat -Name "${Prefix}quic-nat" -Prefix $Prefix
    $lab = [pscustomobject]@{
        Client = $netLab.NamespaceOf('client'); Nat = $netLab.NamespaceOf('nat'); Server = $netLab.NamespaceOf('server')
        ClientAddress = '10.230.0.2'; NatOutside = '10.240.0.1'; ServerAddress = '10.240.0.2'; Port = 4433; NatPort = 20000
    }
    Write-Host ("Lab built: {0} ({1}) -> {2} (source NAT to {3}:{4}) -> {5} ({6})" -f $lab.Client, $lab.ClientAddress, $lab.Nat, $lab.NatOutside, $lab.NatPort, $lab.Server, $lab.ServerAddress) -ForegroundColor Green
    if ($RateMbit -gt 0) {
        $tc = Invoke-NetNs -Name $lab.Nat -Command tc -ArgumentList 'qdisc', 'add', 'dev', 'eth0', 'root', 'tbf', 'rate', "${RateMbit}mbit", 'burst', '32kb', 'latency', '400ms'
        if ($tc.ExitCode -ne 0) { throw "tc tbf on $($lab.Nat) eth0: $($tc.Error)" }
    }

    $serverCapture = Start-NetNsCapture -Namespace $lab.Server -Path $serverPcap -Filter udp -Force
    $clientCapture = Start-NetNsCapture -Namespace $lab.Client -Path (Join-Path $OutputDirectory 'client.pcap') -Filter udp -Force
    $server = Invoke-NetNs -Name $lab.Server -Command gtlsserver -ArgumentList '-q', '-d', $content.Root, "--qlog-dir=$(Join-Path $OutputDirectory 'qlog-server')", $lab.ServerAddress, "$($lab.Port)", $content.Key, $content.Cert -Background
    Wait-Listener -Namespace $lab.Server -Protocol udp -Port $lab.Port

    $client = Invoke-NetNs -Name $lab.Client -Command gtlsclient -ArgumentList @(
        '-q', '--exit-on-all-streams-close', "--download=$(Join-Path $OutputDirectory 'download')",
        "--qlog-dir=$(Join-Path $OutputDirectory 'qlog-client')", "--timeout=$($TimeoutSeconds)s",
        $lab.ServerAddress, "$($lab.Port)", "https://$($lab.ServerAddress):$($lab.Port)/$($content.FileName)") -Environment @{ SSLKEYLOGFILE = $keylog } -Background
    $started = [DateTime]::UtcNow
    Wait-Until { (Test-Path $keylog) -and (Select-String -Path $keylog -Pattern '^CLIENT_TRAFFIC_SECRET_0 ' -Quiet) } -Seconds 10 -What 'the QUIC handshake'
    Start-Sleep -Milliseconds $RebindAfterMs
    $lab.NatPort++
    Set-QuicNatPort -Namespace $lab.Nat -Port $lab.NatPort
    $reboundAt = ([DateTime]::UtcNow - $started).TotalMilliseconds
    Write-Host ("NAT rebinding at {0:N0} ms: the client is now {1}:{2} to the server." -f $reboundAt, $lab.NatOutside, $lab.NatPort)

    $deadline = $started.AddSeconds($TimeoutSeconds)
    while ($client.IsRunning -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
    $timedOut = $client.IsRunning
    $elapsed = ([DateTime]::UtcNow - $started).TotalSeconds
    if ($LingerSeconds -gt 0) { Start-Sleep -Milliseconds ([int]($LingerSeconds * 1000)) }
    $client, $server | Stop-NetNsProcess -Confirm:$false
    Start-Sleep -Milliseconds 200
    $captured = $serverCapture, $clientCapture | Stop-NetNsCapture
    $captured | ForEach-Object { Write-Verbose "$($_.Path): $($_.PacketsCaptured) packets, $($_.PacketsDropped) dropped by the kernel" }

    $ports = @{}
    foreach ($line in (& tcpdump -n -r $serverPcap "udp and dst port $($lab.Port)" 2>$null)) {
        if ($line -match " IP $([regex]::Escape($lab.NatOutside))\.(\d+) > ") { $ports[$Matches[1]] = 1 + $ports[$Matches[1]] }
    }
    $downloaded = Join-Path $OutputDirectory "download/$($content.FileName)"
    $servedHash = (Get-FileHash -Algorithm SHA256 $content.File).Hash
    $downloadedHash = if (Test-Path $downloaded) { (Get-FileHash -Algorithm SHA256 $downloaded).Hash } else { $null }
    $report = [pscustomobject]@{
        Scenario          = 'NatRebinding'
        DownloadCompleted = (-not $timedOut) -and $downloadedHash -eq $servedHash
        ClientTimedOut    = $timedOut
        ExpectedBytes     = $DownloadSize
        DownloadedBytes   = if (Test-Path $downloaded) { (Get-Item $downloaded).Length } else { 0 }
        ServedSha256      = $servedHash
        DownloadedSha256  = $downloadedHash
        DownloadSeconds   = [Math]::Round($elapsed, 3)
        ReboundAtMs       = [Math]::Round($reboundAt)
        PacketsFromPort   = [pscustomobject]@{ Before = [int]$ports["$($lab.NatPort - 1)"]; After = [int]$ports["$($lab.NatPort)"] }
        OutputDirectory   = $OutputDirectory
    }
} finally {
    if ($netLab) { Remove-NetLab -Name $netLab.Name -Confirm:$false }
    Remove-Item -Recurse -Force $content.Root -ErrorAction SilentlyContinue
}

if ($report) {
    $report | ConvertTo-Json | Set-Content (Join-Path $OutputDirectory 'report.json')
    Write-Host "Lab removed. Output: $OutputDirectory" -ForegroundColor Green
    $report
}
