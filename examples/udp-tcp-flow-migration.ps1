#!/usr/bin/env pwsh
<#
.SYNOPSIS
    UDP moves with a switched flow mapping; TCP is cut (shared/origin/ping-flow-migration.md, Notes).
.DESCRIPTION
    Builds lab 1 of shared/LAB.md, maps fe00::1 in A to fc01::1 (C) and fc02::2 (D), and runs `ncat -u -l` on
    port 5555 in C and in D. A sends numbered UDP datagrams to fe00::1:5555 from one socket while the mapping is
    switched; the summary shows which datagrams landed in C and which in D, and that none was lost.
    Then the same with TCP (port 5556): the client's connection is reset at the first switch, as the origin
    observed, because D knows nothing of the connection that C accepted.
    The lab is removed on exit.
.EXAMPLE
    ./examples/udp-tcp-flow-migration.ps1 -Datagrams 40 -Swaps 3
#>
[CmdletBinding()]
param(
    # UDP datagrams to send (one every 50 ms).
    [ValidateRange(1, 100000)] [int] $Datagrams = 40,
    # Switches during the UDP stream.
    [ValidateRange(1, 1000)] [int] $Swaps = 3,
    [string] $Prefix = 'utm-',
    [string] $ModuleManifest = (Join-Path $PSScriptRoot '../out/MigrationTools/MigrationTools.psd1')
)
$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest -Force
Import-Module (Join-Path $PSScriptRoot 'MigrationLabs.psm1') -Force

function Wait-Until([scriptblock] $Condition, [double] $Seconds = 10) {
    $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
    while (-not (& $Condition)) {
        if ([DateTime]::UtcNow -gt $deadline) { return $false }
        Start-Sleep -Milliseconds 50
    }
    $true
}

# True once a socket is bound to the port in the namespace (ss from iproute2), so no datagram beats its listener.
function Wait-Listener([string] $Namespace, [string] $Protocol, [int] $Port) {
    $flag = if ($Protocol -eq 'udp') { '-Hunl' } else { '-Htnl' }
    if (-not (Wait-Until { (Invoke-NetNs -Name $Namespace -Command ss -ArgumentList $flag, "sport = :$Port").Output } 10)) {
        throw "No $Protocol listener on port $Port in $Namespace."
    }
}

$lab = New-PingMigrationLab -Prefix $Prefix
try {
    New-FlowMapping -Namespace $lab.A -VirtualAddress $lab.VirtualAddress -Target $lab.C6, $lab.D6 | Out-Null

    # --- UDP: one client socket, datagrams land where the mapping points.
    $sinkC = Invoke-NetNs -Name $lab.C -Command ncat -ArgumentList '-u', '-l', $lab.C6, '5555' -Background
    $sinkD = Invoke-NetNs -Name $lab.D -Command ncat -ArgumentList '-u', '-l', $lab.D6, '5555' -Background
    Wait-Listener $lab.C udp 5555
    Wait-Listener $lab.D udp 5555
    # The traffic generator is the experiment's own: a shell loop piped into ncat, run inside A.
    $sender = "i=1; while [ `$i -le $Datagrams ]; do echo datagram-`$i; i=`$((i+1)); sleep 0.05; done | ncat -u $($lab.VirtualAddress) 5555"
    $client = Invoke-NetNs -Name $lab.A -Command sh -ArgumentList '-c', $sender -Background
    $spacing = $Datagrams * 0.05 / ($Swaps + 1)
    $switches = for ($i = 0; $i -lt $Swaps; $i++) {
        Start-Sleep -Seconds $spacing
        Switch-FlowTarget -Namespace $lab.A -PassThru
    }
    $null = Wait-Until { -not $client.IsRunning } 30
    Start-Sleep -Milliseconds 300
    $inC = @(Get-Content $sinkC.OutputPath | Where-Object { $_ -like 'datagram-*' })
    $inD = @(Get-Content $sinkD.OutputPath | Where-Object { $_ -like 'datagram-*' })
    $sinkC, $sinkD | Stop-NetNsProcess -Confirm:$false

    # --- TCP: the connection C accepted cannot move to D.
    Switch-FlowTarget -Namespace $lab.A -Target $lab.C6
    $tcpC = Invoke-NetNs -Name $lab.C -Command ncat -ArgumentList '-l', '-k', $lab.C6, '5556' -Background
    $tcpD = Invoke-NetNs -Name $lab.D -Command ncat -ArgumentList '-l', '-k', $lab.D6, '5556' -Background
    Wait-Listener $lab.C tcp 5556
    Wait-Listener $lab.D tcp 5556
    $tcpSender = "i=1; while [ `$i -le 40 ]; do echo segment-`$i || exit 3; i=`$((i+1)); sleep 0.05; done | ncat $($lab.VirtualAddress) 5556"
    $tcpClient = Invoke-NetNs -Name $lab.A -Command sh -ArgumentList '-c', $tcpSender -Background
    Start-Sleep -Milliseconds 500
    Switch-FlowTarget -Namespace $lab.A | Out-Null
    $null = Wait-Until { -not $tcpClient.IsRunning } 10
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
    $summary
    Write-Host ("UDP: {0} sent, {1} in C, {2} in D, {3} lost over {4} switches. TCP: {5} segments reached C before the switch; client: {6}" -f
        $summary.UdpSent, $summary.UdpInC, $summary.UdpInD, $summary.UdpLost, $summary.Switches, $summary.TcpSegmentsInC, $(if ($tcpError) { $tcpError } else { 'no error' })) -ForegroundColor Green
} finally {
    Remove-MigrationLab -Names $lab.A, $lab.B, $lab.C, $lab.D
}
