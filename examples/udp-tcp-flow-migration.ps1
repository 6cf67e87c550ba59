<#
.SYNOPSIS
    A UDP flow moves with a switched flow mapping; a TCP connection is cut.
.DESCRIPTION
    Builds the shipped ping-flow lab (A maps fe00::1 to fc01::1 in C or fc02::2 in D) and runs `ncat -u -l` on
    port 5555 in C and in D. A sends numbered UDP datagrams to fe00::1 port 5555 from one socket (ncat reading its
    standard input, one line every 50 ms) while the mapping is switched; the summary shows which datagrams landed
    in C and which in D, and that none was lost.
    Then the same with TCP (port 5556): the client's connection is reset at the first switch, because D knows
    nothing of the connection that C accepted, as expected for a connection-oriented protocol.
    The lab is removed on exit, also on Ctrl+C or failure.
.EXAMPLE
    ./examples/udp-tcp-flow-migration.ps1 -Datagrams 40 -Swaps 3
.OUTPUTS
    A summary object.
.LINK
    Switch-FlowTarget
.LINK
    Invoke-NetNs
#>
[CmdletBinding()]
param(
    # UDP datagrams to send (one every 50 ms).
    [ValidateRange(1, 100000)] [int] $Datagrams = 40,
    # Switches during the UDP stream.
    [ValidateRange(1, 1000)] [int] $Swaps = 3,
    # Prefix of the lab's namespace names.
    [string] $Prefix = 'utm-',
    # The module to use; the built one by default.
    [string] $ModuleManifest = (Join-Path $PSScriptRoot '../out/MigrationTools/MigrationTools.psd1')
)
$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest -Force
Import-Module (Join-Path $PSScriptRoot 'Experiments.psm1') -Force
Assert-Tool @{ ncat = 'ncat'; ss = 'iproute2' }

$virtual = 'fe00::1'; $inCAddress = 'fc01::1'; $inDAddress = 'fc02::2'
$lab = New-NetLab -Template ping-flow -Name "${Prefix}ping-flow" -Prefix $Prefix
try {
    $a = $lab.NamespaceOf('A'); $c = $lab.NamespaceOf('C'); $d = $lab.NamespaceOf('D')

    # --- UDP: one client socket, datagrams land where the mapping points.
    $sinkC = Invoke-NetNs -Name $c -Command ncat -ArgumentList '-u', '-l', $inCAddress, '5555' -Background
    $sinkD = Invoke-NetNs -Name $d -Command ncat -ArgumentList '-u', '-l', $inDAddress, '5555' -Background
    Wait-Listener -Namespace $c -Protocol udp -Port 5555
    Wait-Listener -Namespace $d -Protocol udp -Port 5555
    $lines = 1..$Datagrams | ForEach-Object { "datagram-$_" }
    $client = Invoke-NetNs -Name $a -Command ncat -ArgumentList '-u', $virtual, '5555' -StandardInput $lines -InputIntervalMilliseconds 50 -Background
    $spacing = $Datagrams * 0.05 / ($Swaps + 1)
    $switches = for ($i = 0; $i -lt $Swaps; $i++) {
        Start-Sleep -Seconds $spacing
        Switch-FlowTarget -Namespace $a -PassThru
    }
    Wait-Until { -not $client.IsRunning } -Seconds 30 -What 'the UDP sender'
    Start-Sleep -Milliseconds 300
    $inC = @(Get-Content $sinkC.OutputPath | Where-Object { $_ -like 'datagram-*' })
    $inD = @(Get-Content $sinkD.OutputPath | Where-Object { $_ -like 'datagram-*' })
    $sinkC, $sinkD | Stop-NetNsProcess -Confirm:$false

    # --- TCP: the connection C accepted cannot move to D.
    Switch-FlowTarget -Namespace $a -Target $inCAddress
    $tcpC = Invoke-NetNs -Name $c -Command ncat -ArgumentList '-l', '-k', $inCAddress, '5556' -Background
    $tcpD = Invoke-NetNs -Name $d -Command ncat -ArgumentList '-l', '-k', $inDAddress, '5556' -Background
    Wait-Listener -Namespace $c -Protocol tcp -Port 5556
    Wait-Listener -Namespace $d -Protocol tcp -Port 5556
    $segments = 1..40 | ForEach-Object { "segment-$_" }
    $tcpClient = Invoke-NetNs -Name $a -Command ncat -ArgumentList $virtual, '5556' -StandardInput $segments -InputIntervalMilliseconds 50 -Background
    # Switch once the connection carries data to C (not after a fixed wait, which a slow start can outlast).
    Wait-Until { @(Get-Content $tcpC.OutputPath -ErrorAction SilentlyContinue | Where-Object { $_ -like 'segment-*' }).Count -ge 3 } -Seconds 10 -What 'the first TCP segments at C'
    Switch-FlowTarget -Namespace $a | Out-Null
    Wait-Until { -not $tcpClient.IsRunning } -Seconds 10 -What 'the TCP client'
    $tcpError = (Get-Content -Raw $tcpClient.ErrorPath) -replace '\s+$', ''
    $tcpInC = @(Get-Content $tcpC.OutputPath | Where-Object { $_ -like 'segment-*' }).Count
    $tcpInD = @(Get-Content $tcpD.OutputPath | Where-Object { $_ -like 'segment-*' }).Count
    $tcpC, $tcpD | Stop-NetNsProcess -Confirm:$false

    $summary = [pscustomobject]@{
        UdpSent          = $Datagrams
        UdpInC           = $inC.Count
        UdpInD           = $inD.Count
        UdpLost          = $Datagrams - $inC.Count - $inD.Count
        Switches         = @($switches).Count
        FirstInD         = $inD | Select-Object -First 1
        TcpSegmentsInC   = $tcpInC
        TcpSegmentsInD   = $tcpInD
        TcpClientRunning = $tcpClient.IsRunning
        TcpClientError   = $tcpError
    }
    # What the experiment shows, checked: datagrams reached both places and none was lost; the TCP connection
    # reached C, never D, and ended with an error once its packets were sent to D.
    $problems = @(
        if ($summary.UdpInC -eq 0 -or ($Swaps -gt 0 -and $summary.UdpInD -eq 0)) { "UDP datagrams did not reach both C and D ($($summary.UdpInC) in C, $($summary.UdpInD) in D)" }
        if ($summary.TcpSegmentsInC -eq 0) { 'no TCP segment reached C before the switch' }
        if ($summary.TcpSegmentsInD -gt 0) { "$($summary.TcpSegmentsInD) TCP segments reached D: the connection moved, which TCP cannot do" }
        if (-not $tcpError -and -not $summary.TcpClientRunning) { 'the TCP client ended without an error although its connection could not move' })
    $summary
    if ($problems) { Write-Warning ("The experiment did not show what it claims: " + ($problems -join '; ') + '.') }
    Write-Host ("UDP: {0} sent, {1} in C, {2} in D, {3} lost over {4} switches. TCP: {5} segments reached C before the switch; client: {6}" -f
        $summary.UdpSent, $summary.UdpInC, $summary.UdpInD, $summary.UdpLost, $summary.Switches, $summary.TcpSegmentsInC, $(if ($tcpError) { $tcpError } else { 'no error' })) -ForegroundColor Green
} finally {
    Remove-NetLab -Name $lab.Name -Confirm:$false
}
