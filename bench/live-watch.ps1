<#
.SYNOPSIS
    Benchmark: a QUIC download at the lab's full speed watched live by Watch-QuicProbe, against `tcpdump -w /dev/null`
    watching the same kind of download in the same run; the kernel's drops, the packets seen and the CPU of each.
.DESCRIPTION
    On the shipped quic-nat lab (client, NAT, server; veth links with no rate limit), gtlsserver (Debian's
    ngtcp2-server) serves a random file of -DownloadSize bytes and gtlsclient downloads it as fast as the lab
    carries it, -Runs times for each side:
      (a) baseline: `tcpdump -i any -n -w /dev/null udp port 4433` in the client's namespace during the download;
          its own closing counts give the packets captured and dropped by the kernel, and /proc its CPU time;
      (b) `Watch-QuicProbe -Namespace <client> -Port 4433 -Summary` during the download (its tcpdump child reads the
          packets and the analysis runs in this process); the summary's KernelDroppedPackets gives the drops, its
          Packets the datagrams analysed, and the CPU is the tcpdump child's (from /proc, read just before it ends)
          plus this process's own during the watch.
    The two count different things in "seen": tcpdump counts the frames it captured (ngtcp2 sends with GSO, so one
    frame carries up to 64 KB of datagrams), the watch the QUIC datagrams it analysed after splitting those frames.
    Goal (issue: speed at the limits): a live watch keeps up with a QUIC transfer at the lab's full speed with no
    kernel drops, and says how many there were when there are.
.EXAMPLE
    dotnet pwsh ./bench/live-watch.ps1
.EXAMPLE
    dotnet pwsh ./bench/live-watch.ps1 -DownloadSize 64MB -Runs 1
#>
[CmdletBinding()]
param(
    [ValidateRange(1MB, 4GB)] [long] $DownloadSize = 256MB,
    [ValidateRange(1, 20)] [int] $Runs = 2,
    [string] $Prefix = 'bench-lw-',
    [string] $ModuleManifest = (Join-Path $PSScriptRoot '../out/MigrationTools/MigrationTools.psd1')
)
$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest -Force
Import-Module (Join-Path $PSScriptRoot '../examples/Experiments.psm1') -Force
Assert-Tool @{ gtlsserver = 'ngtcp2-server'; gtlsclient = 'ngtcp2-client'; tcpdump = 'tcpdump'; openssl = 'openssl' }
if ((& id -u) -ne '0') { throw 'The benchmark makes namespaces: run it as root.' }

function Get-TcpdumpIn([string] $Namespace) {
    @(& ip netns pids $Namespace) | Where-Object { (Get-Content "/proc/$_/comm" -ErrorAction SilentlyContinue) -eq 'tcpdump' } | Select-Object -First 1
}

$content = New-QuicServerContent -Size $DownloadSize -Name 'bench-lw'
$download = Join-Path $content.Root 'download'
$netLab = $null
$rows = [Collections.Generic.List[object]]::new()
try {
    $netLab = New-NetLab -Template quic-nat -Name "${Prefix}quic-nat" -Prefix $Prefix
    $client = $netLab.NamespaceOf('client'); $serverNs = $netLab.NamespaceOf('server'); $nat = $netLab.NamespaceOf('nat')
    $script:natPort = 20000
    $server = Invoke-NetNs -Name $serverNs -Command gtlsserver -ArgumentList '-q', '-d', $content.Root, '10.240.0.2', '4433', $content.Key, $content.Cert -Background
    Wait-Listener -Namespace $serverNs -Protocol udp -Port 4433

    # One download at full speed; returns its seconds after checking that the whole file arrived.
    function Invoke-Download {
        # The NAT maps the client to one fixed port: each download gets a fresh one, as the last connection's
        # conntrack entry would otherwise hold the old port and the new handshake would never pass.
        $script:natPort++
        Set-QuicNatPort -Namespace $nat -Port $script:natPort
        Remove-Item -Recurse -Force $download -ErrorAction SilentlyContinue
        $null = New-Item -ItemType Directory -Path $download   # gtlsclient writes into it but does not make it
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $run = Invoke-NetNs -Name $client -Command gtlsclient -ArgumentList '-q', '--exit-on-all-streams-close', "--download=$download", '--timeout=60s', '10.240.0.2', '4433', "https://10.240.0.2:4433/$($content.FileName)"
        $seconds = $watch.Elapsed.TotalSeconds
        Write-Verbose ("download: {0:N2} s, exit {1}" -f $seconds, $run.ExitCode)
        $got = Get-Item (Join-Path $download $content.FileName) -ErrorAction SilentlyContinue
        if ($run.ExitCode -ne 0 -or -not $got -or $got.Length -ne $DownloadSize) { throw "the download failed (exit $($run.ExitCode), $($got.Length) of $DownloadSize bytes): $(@($run.Error) -join ' ')" }
        $seconds
    }

    # A download watched live by Watch-QuicProbe in a thread of this process; the watch ends at its timeout, after
    # the download. The row: the summary's datagrams and kernel drops, the CPU of the watch's tcpdump (from /proc,
    # just before it ends) and of this process during the watch.
    function Invoke-WatchedDownload([int] $Run, [int] $Timeout) {
        $job = Start-ThreadJob -ScriptBlock {
            param($module, $ns, $timeout)
            Import-Module $module
            $self = [Diagnostics.Process]::GetCurrentProcess()
            $before = $self.TotalProcessorTime
            $summary = @(Watch-QuicProbe -Namespace $ns -Port 4433 -Summary -TimeoutSeconds $timeout -WarningAction SilentlyContinue | Where-Object { $_ -is [MigrationTools.Analysis.Quic.QuicConnectionSummary] })
            $self.Refresh()
            [pscustomobject]@{ Summary = $summary; ProcessCpu = ($self.TotalProcessorTime - $before).TotalSeconds }
        } -ArgumentList (Get-Module MigrationTools).Path, $client, $Timeout
        Wait-Until { Get-TcpdumpIn $client } -Seconds 10 -What 'the watch''s tcpdump to start'
        $childPid = [int](Get-TcpdumpIn $client)
        Start-Sleep -Milliseconds 300
        $seconds = Invoke-Download
        $childCpu = Get-ProcessCpuSeconds -ProcessId $childPid
        $result = $job | Receive-Job -Wait -AutoRemoveJob
        $connection = $result.Summary | Sort-Object Packets -Descending | Select-Object -First 1
        if (-not $connection) { throw 'the live watch reported no connection' }
        [pscustomobject]@{
            Method = 'Watch-QuicProbe -Namespace (live)'; Run = $Run; Seconds = $seconds; Packets = $connection.Packets
            Dropped = $connection.KernelDroppedPackets; Cpu = $childCpu + $result.ProcessCpu; ChildCpu = $childCpu
        }
    }

    # Warm-up: certificates, page cache, first sockets, and the watch's code compiled once, as in a session that
    # has watched before.
    $null = Invoke-Download
    $null = Invoke-WatchedDownload -Run 0 -Timeout 8
    for ($r = 1; $r -le $Runs; $r++) {
        # (a) tcpdump -w /dev/null.
        $start = [Diagnostics.ProcessStartInfo]::new('ip')
        foreach ($a in 'netns', 'exec', $client, 'tcpdump', '-i', 'any', '-n', '-w', '/dev/null', 'udp port 4433') { $start.ArgumentList.Add($a) }
        $start.RedirectStandardError = $true
        $tcpdump = [Diagnostics.Process]::Start($start)
        $stderr = $tcpdump.StandardError.ReadToEndAsync()
        Wait-Until { Get-TcpdumpIn $client } -Seconds 10 -What 'tcpdump to start'
        Start-Sleep -Milliseconds 300
        $seconds = Invoke-Download
        $cpu = Get-ProcessCpuSeconds -ProcessId $tcpdump.Id
        & kill -INT $tcpdump.Id
        $tcpdump.WaitForExit(10000) | Out-Null
        $text = $stderr.GetAwaiter().GetResult()
        $captured = if ($text -match '(\d+) packets? captured') { [long]$Matches[1] } else { -1 }
        $dropped = if ($text -match '(\d+) packets? dropped by kernel') { [long]$Matches[1] } else { -1 }
        $rows.Add([pscustomobject]@{ Method = 'tcpdump -w /dev/null'; Run = $r; Seconds = $seconds; Packets = $captured; Dropped = $dropped; Cpu = $cpu })

        # (b) Watch-QuicProbe live.
        $rows.Add((Invoke-WatchedDownload -Run $r -Timeout ([int][math]::Ceiling($seconds * 2 + 4))))
    }
    Stop-NetNsProcess -InputObject $server -Confirm:$false

    ''
    'Live watch benchmark ({0} cores, kernel {1}): a {2:N0} MB QUIC download (ngtcp2, quic-nat lab, no rate limit), {3} run(s) each' -f [Environment]::ProcessorCount, (uname -r), ($DownloadSize / 1MB), $Runs
    '{0,-36} {1,4} {2,9} {3,10} {4,10} {5,9} {6,12}' -f 'method', 'run', 'seconds', 'Mbit/s', 'seen', 'dropped', 'CPU s'
    foreach ($row in $rows) {
        '{0,-36} {1,4} {2,9:N2} {3,10:N0} {4,10:N0} {5,9} {6,12}' -f $row.Method, $row.Run, $row.Seconds, ($DownloadSize * 8 / 1e6 / $row.Seconds), $row.Packets, $row.Dropped,
            $(if ($row.ChildCpu) { '{0:N2} ({1:N2} tcpdump)' -f $row.Cpu, $row.ChildCpu } else { '{0:N2}' -f $row.Cpu })
    }
    $watchDrops = ($rows | Where-Object Method -like 'Watch*' | Measure-Object Dropped -Sum).Sum
    'goal: a live watch at full speed with no kernel drops: {0} ({1} dropped over {2} run(s))' -f $(if ($watchDrops -eq 0) { 'met' } else { 'NOT met' }), $watchDrops, $Runs
} finally {
    if ($netLab) { Remove-NetLab -Name $netLab.Name -Confirm:$false }
    Remove-Item -Recurse -Force $content.Root -ErrorAction SilentlyContinue
}
