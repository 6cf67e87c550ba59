<#
.SYNOPSIS
    A lab across three hosts against the same lab on one host, in one run: build and remove times of 3 x N nodes,
    and the round-trip time and TCP throughput of a link between hosts (VXLAN) against a plain veth.
.DESCRIPTION
    The hosts are simulated as the tests simulate them (tests/Pester/SimulatedHosts.psm1): three network namespaces
    with their own /run and sshd with the PowerShell subsystem, on an underlay bridge; the module is on their module
    path (no copy is timed). The lab: on each host a router and N-1 leaves (a star), the routers in a chain across
    the hosts (r1-r2 and r2-r3 cross hosts). The baseline is the same lab file without Hosts, built on this machine.
    Both builds are checked with Test-NetLab -From r1 before they are timed out of (a build that does less would
    lose its pings). Then, in the lab across hosts: ping -c 200 -i 0.005 and iperf3 (-t 5) from r1 to r2 over the
    VXLAN link, and from r1 to one of its own leaves over a veth, each run on r1's host.
.EXAMPLE
    dotnet pwsh ./bench/multi-host.ps1
.EXAMPLE
    dotnet pwsh ./bench/multi-host.ps1 -NodesPerHost 20 -Seconds 2
#>
[CmdletBinding()]
param(
    [ValidateRange(2, 255)] [int] $NodesPerHost = 100,
    # Seconds of each iperf3 run.
    [ValidateRange(1, 60)] [int] $Seconds = 5,
    [string] $ModuleManifest = (Join-Path $PSScriptRoot '../out/MigrationTools/MigrationTools.psd1')
)
$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest -Force
Import-Module (Join-Path $PSScriptRoot '../tests/Pester/SimulatedHosts.psm1') -Force
if ((& id -u) -ne '0') { throw 'The benchmark makes namespaces: run it as root.' }
$tag = 'bmh' + [Guid]::NewGuid().ToString('N').Substring(0, 4)
$sim = New-SimulatedHost -Prefix "$tag-" -Count 3 -ModulePath (Split-Path (Split-Path (Resolve-Path $ModuleManifest)))

function Write-Lab([string] $Path, [bool] $AcrossHosts) {
    $nodes = [Collections.Generic.List[string]]::new()
    $links = [Collections.Generic.List[string]]::new()
    # The routers in a chain: r1 and r3 reach the other stars through r2, r2 through r1 and r3.
    $routes = @{
        1 = "@{ Destination = '10.0.0.0/8'; Gateway = '10.250.0.2' }"
        2 = "@{ Destination = '10.1.0.0/16'; Gateway = '10.250.0.1' }, @{ Destination = '10.3.0.0/16'; Gateway = '10.250.1.2' }"
        3 = "@{ Destination = '10.0.0.0/8'; Gateway = '10.250.1.1' }"
    }
    for ($h = 1; $h -le 3; $h++) {
        $hostKey = if ($AcrossHosts) { "; Host = 'h$h'" } else { '' }
        $nodes.Add("        r$h = @{ Forwarding = `$true$hostKey; Routes = @( $($routes[$h]) ) }")
        for ($i = 1; $i -lt $NodesPerHost; $i++) {
            $nodes.Add("        'l$h-$i' = @{ Routes = @( @{ Destination = 'default'; Gateway = '10.$h.$i.1' } )$hostKey }")
            $links.Add("        @{ Endpoints = 'r${h}:l$i', 'l$h-${i}:eth0'; Addresses = '10.$h.$i.1/24', '10.$h.$i.2/24' }")
        }
    }
    $links.Add("        @{ Endpoints = 'r1:r2', 'r2:r1'; Addresses = '10.250.0.1/24', '10.250.0.2/24' }")
    $links.Add("        @{ Endpoints = 'r2:r3', 'r3:r2'; Addresses = '10.250.1.1/24', '10.250.1.2/24' }")
    $hosts = if ($AcrossHosts) { '    ' + (Format-SimulatedHosts $sim) }
    Set-Content -Path $Path -Value "@{`n$hosts`n    Nodes = @{`n$($nodes -join "`n")`n    }`n    Links = @(`n$($links -join "`n")`n    )`n}"
}

$results = [ordered]@{}
try {
    $oneFile = Join-Path $sim.Folder 'one-host.psd1'
    $acrossFile = Join-Path $sim.Folder 'across.psd1'
    Write-Lab $oneFile $false
    Write-Lab $acrossFile $true
    $total = 3 * $NodesPerHost

    # Warm: a session to each host, and the module loaded there (what a user's second lab finds).
    $warm = Join-Path $sim.Folder 'warm.psd1'
    Set-Content $warm ((Get-Content -Raw $acrossFile) -replace '(?s)Nodes = @\{.*', "Nodes = @{ w1 = @{ Host = 'h1' }; w2 = @{ Host = 'h2' }; w3 = @{ Host = 'h3' } }`n}")
    $null = New-NetLab -Path $warm -Name "$tag-warm" -Prefix "$tag-w-"
    Remove-NetLab -Name "$tag-warm" -Confirm:$false

    $watch = [Diagnostics.Stopwatch]::StartNew()
    $null = New-NetLab -Path $oneFile -Name "$tag-one" -Prefix "$tag-o-"
    $results.OneHostBuildSeconds = $watch.Elapsed.TotalSeconds
    $failed = @(Test-NetLab -Name "$tag-one" -From r1 | Where-Object { -not $_.Reachable })
    if ($failed) { throw "The one-host lab misses $($failed.Count) pairs." }
    $watch.Restart()
    Remove-NetLab -Name "$tag-one" -Confirm:$false
    $results.OneHostRemoveSeconds = $watch.Elapsed.TotalSeconds

    $watch.Restart()
    $null = New-NetLab -Path $acrossFile -Name "$tag-x" -Prefix "$tag-x-"
    $results.AcrossHostsBuildSeconds = $watch.Elapsed.TotalSeconds
    $failed = @(Test-NetLab -Name "$tag-x" -From r1 | Where-Object { -not $_.Reachable })
    if ($failed) { throw "The lab across hosts misses $($failed.Count) pairs." }

    $session = New-SimulatedHostSession $sim h1
    $remote = Invoke-Command -Session $session -ArgumentList "$tag-x-r1", '10.250.0.2', '10.1.1.2', "$tag-x-r2", "$tag-x-l1-1", $Seconds -ScriptBlock {
        param($r1, $vxlanPeer, $vethPeer, $r2, $leaf, $seconds)
        function Rtt($peer) { $text = & ip netns exec $r1 ping -q -c 200 -i 0.005 -n $peer | Out-String; [double]([regex]::Match($text, '= [0-9.]+/([0-9.]+)/').Groups[1].Value) }
        function Throughput($peer) {
            $json = & ip netns exec $r1 iperf3 -c $peer -t $seconds -J | Out-String | ConvertFrom-Json
            [math]::Round($json.end.sum_received.bits_per_second / 1e9, 2)
        }
        # iperf3 -D: the server leaves the session's standard output (the remoting channel) alone.
        & ip netns exec $leaf iperf3 -s -1 -D
        Start-Sleep -Milliseconds 300
        $vethGbit = Throughput $vethPeer
        @{ VxlanRttMs = Rtt $vxlanPeer; VethRttMs = Rtt $vethPeer; VethGbit = $vethGbit }
    }
    # The VXLAN peer r2 is on h2: its iperf3 server runs there.
    $server = New-SimulatedHostSession $sim h2
    Invoke-Command -Session $server -ArgumentList "$tag-x-r2" -ScriptBlock { param($ns) & ip netns exec $ns iperf3 -s -1 -D }
    Start-Sleep -Milliseconds 300
    $vxlanGbit = Invoke-Command -Session $session -ArgumentList "$tag-x-r1", $Seconds -ScriptBlock {
        param($r1, $seconds)
        $json = & ip netns exec $r1 iperf3 -c 10.250.0.2 -t $seconds -J | Out-String | ConvertFrom-Json
        [math]::Round($json.end.sum_received.bits_per_second / 1e9, 2)
    }
    $results.VxlanRttMs = $remote.VxlanRttMs
    $results.VethRttMs = $remote.VethRttMs
    $results.VxlanGbit = $vxlanGbit
    $results.VethGbit = $remote.VethGbit

    $watch.Restart()
    Remove-NetLab -Name "$tag-x" -Confirm:$false
    $results.AcrossHostsRemoveSeconds = $watch.Elapsed.TotalSeconds

    $summary = [pscustomobject]@{
        Nodes                    = $total
        OneHostBuildSeconds      = [math]::Round($results.OneHostBuildSeconds, 2)
        AcrossHostsBuildSeconds  = [math]::Round($results.AcrossHostsBuildSeconds, 2)
        OneHostRemoveSeconds     = [math]::Round($results.OneHostRemoveSeconds, 2)
        AcrossHostsRemoveSeconds = [math]::Round($results.AcrossHostsRemoveSeconds, 2)
        VethRttMs                = $results.VethRttMs
        VxlanRttMs               = $results.VxlanRttMs
        VethGbit                 = $results.VethGbit
        VxlanGbit                = $results.VxlanGbit
    }
    $summary
    Write-Host ("{0} nodes: built in {1} s on one host, {2} s across three; removed in {3} s and {4} s. RTT veth {5} ms, VXLAN {6} ms; TCP veth {7} Gbit/s, VXLAN {8} Gbit/s." -f
        $summary.Nodes, $summary.OneHostBuildSeconds, $summary.AcrossHostsBuildSeconds, $summary.OneHostRemoveSeconds, $summary.AcrossHostsRemoveSeconds,
        $summary.VethRttMs, $summary.VxlanRttMs, $summary.VethGbit, $summary.VxlanGbit)
}
finally {
    foreach ($name in "$tag-one", "$tag-x", "$tag-warm") { if (Get-NetLab -Name $name -ErrorAction SilentlyContinue) { Remove-NetLab -Name $name -Confirm:$false -ErrorAction SilentlyContinue } }
    Remove-SimulatedHost $sim
}
