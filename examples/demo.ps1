#!/usr/bin/env pwsh
<#
.SYNOPSIS
    A small lab: two hosts and a router in namespaces, shown and then removed.
.DESCRIPTION
    Builds hosts h1 and h2 joined through router r (IPv4 and IPv6), pings across, prints the lab as
    objects, and removes everything, also when something fails or Ctrl+C is pressed.
.EXAMPLE
    dotnet pwsh ./examples/demo.ps1
#>
[CmdletBinding()]
param(
    # The module to use; the built one by default.
    [string] $ModuleManifest = (Join-Path $PSScriptRoot '../out/MigrationTools/MigrationTools.psd1'),
    # Prefix of the namespaces this demo makes.
    [string] $Prefix = 'demo-'
)
$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest -Force
$h1 = "${Prefix}h1"; $h2 = "${Prefix}h2"; $r = "${Prefix}r"
$watch = [Diagnostics.Stopwatch]::StartNew()
try {
    New-NetNs -Name $h1, $h2, $r | Out-Null
    Connect-NetNs -Name $h1 -Peer $r -Interface eth0 -PeerInterface h1 | Out-Null
    Connect-NetNs -Name $h2 -Peer $r -Interface eth0 -PeerInterface h2 | Out-Null
    New-NetNsAddress -Namespace $h1 -Interface eth0 -Address 10.230.1.2/24, fd00:230:1::2/64 | Out-Null
    New-NetNsAddress -Namespace $h2 -Interface eth0 -Address 10.230.2.2/24, fd00:230:2::2/64 | Out-Null
    New-NetNsAddress -Namespace $r -Interface h1 -Address 10.230.1.254/24, fd00:230:1::fe/64 | Out-Null
    New-NetNsAddress -Namespace $r -Interface h2 -Address 10.230.2.254/24, fd00:230:2::fe/64 | Out-Null
    Enable-NetNsForwarding -Namespace $r
    foreach ($h in @(@{ Ns = $h1; V4 = '10.230.1.254'; V6 = 'fd00:230:1::fe' }, @{ Ns = $h2; V4 = '10.230.2.254'; V6 = 'fd00:230:2::fe' })) {
        New-NetNsRoute -Namespace $h.Ns -Destination default -Gateway $h.V4 | Out-Null
        New-NetNsRoute -Namespace $h.Ns -Destination default -Gateway $h.V6 | Out-Null
    }
    Write-Host "Lab built in $([int]$watch.Elapsed.TotalMilliseconds) ms." -ForegroundColor Green

    Get-NetNs "$Prefix*" | Format-Table | Out-Host
    Get-NetNsRoute -Namespace $h1 | Format-Table | Out-Host

    foreach ($target in '10.230.2.2', 'fd00:230:2::2') {
        $ping = Invoke-NetNs -Name $h1 -Command ping -ArgumentList '-c', '3', '-i', '0.2', '-W', '2', $target
        Write-Host "ping $target from ${h1}: $($ping.Output | Select-Object -Last 2 | Select-Object -First 1)"
        if ($ping.ExitCode -ne 0) { throw "ping $target failed: $($ping.Error)" }
    }
} finally {
    $watch.Restart()
    Get-NetNs "$Prefix*" -ErrorAction SilentlyContinue | Remove-NetNs -Confirm:$false
    Write-Host "Lab removed in $([int]$watch.Elapsed.TotalMilliseconds) ms." -ForegroundColor Green
}
