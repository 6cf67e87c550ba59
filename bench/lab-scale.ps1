<#
.SYNOPSIS
    Builds and removes a star lab of many namespaces three ways in one run: a bash loop of `ip` commands (the
    baseline), the module's cmdlets in a warm session, and New-NetLab from a lab file; prints the times and ratios.
.DESCRIPTION
    The star: a hub namespace and -Nodes leaves, one veth pair from the hub to each leaf, an IPv4 /30 and an IPv6
    /64 on each end (IPv6 without DAD, as the module adds it on veth), and a default route in each leaf towards the
    hub. The three ways build exactly this, in fresh namespaces named bench-ls-*; each is removed the same way it
    was built (ip netns del in a loop; Remove-NetNs; Remove-NetLab). Every build is checked afterwards with iproute2
    (every leaf has its addresses and route) so that no side is timed doing less. The cmdlets run in this session
    after a warm-up build of a few nodes (the shell loop has nothing to warm). Then New-NetLab alone at 10, 100 and
    -LargeNodes (1,000 by default) nodes, each on one thread and on the default number of threads, with time per node
    and the process's peak memory, to show how time grows.
    Goals: the cmdlets build the 100-node star at least 2x faster than the shell loop and remove it no slower than
    `ip netns del` in a loop (issue: rtnetlink); a 1,000-node lab is built in 3 s and removed in 1.5 s (issue: speed
    at the limits).
.EXAMPLE
    dotnet pwsh ./bench/lab-scale.ps1
.EXAMPLE
    dotnet pwsh ./bench/lab-scale.ps1 -Nodes 100 -LargeNodes 0
#>
[CmdletBinding()]
param(
    [ValidateRange(1, 4000)] [int] $Nodes = 100,
    # Nodes of the large New-NetLab run (0: skip it).
    [ValidateRange(0, 4000)] [int] $LargeNodes = 1000,
    [string] $ModuleManifest = (Join-Path $PSScriptRoot '../out/MigrationTools/MigrationTools.psd1')
)
$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest -Force
if ((& id -u) -ne '0') { throw 'The benchmark makes namespaces: run it as root.' }
$work = Join-Path ([IO.Path]::GetTempPath()) ('bench-ls-' + [Guid]::NewGuid().ToString('N').Substring(0, 6))
$null = New-Item -ItemType Directory -Path $work

function Get-V4([int] $i, [int] $end) { "10.$(100 + [math]::Floor($i / 16000)).$([math]::Floor(($i % 16000) / 64)).$((($i % 64) * 4) + $end)" }
function Get-V6([int] $i, [int] $end) { 'fd10:{0:x}::{1}' -f $i, $end }

function Write-StarScript([string] $Prefix, [int] $Count) {
    $lines = [Collections.Generic.List[string]]::new()
    $lines.Add('set -e')
    $lines.Add("ip netns add ${Prefix}hub")
    for ($i = 1; $i -le $Count; $i++) {
        $leaf = "${Prefix}n$i"
        $lines.Add("ip netns add $leaf")
        $lines.Add("ip -n ${Prefix}hub link add name h$i type veth peer name eth0 netns $leaf")
        $lines.Add("ip -n ${Prefix}hub link set h$i up")
        $lines.Add("ip -n $leaf link set eth0 up")
        $lines.Add("ip -n ${Prefix}hub addr add $(Get-V4 $i 1)/30 dev h$i")
        $lines.Add("ip -n ${Prefix}hub addr add $(Get-V6 $i 1)/64 dev h$i nodad")
        $lines.Add("ip -n $leaf addr add $(Get-V4 $i 2)/30 dev eth0")
        $lines.Add("ip -n $leaf addr add $(Get-V6 $i 2)/64 dev eth0 nodad")
        $lines.Add("ip -n $leaf route add default via $(Get-V4 $i 1)")
    }
    $file = Join-Path $work "star-$Prefix.sh"
    Set-Content -Path $file -Value $lines
    $file
}

function Write-StarLab([string] $Count) {
    $nodes = [Text.StringBuilder]::new()
    $links = [Text.StringBuilder]::new()
    for ($i = 1; $i -le $Count; $i++) {
        $null = $nodes.AppendLine("    n$i = @{ Routes = @( @{ Destination = 'default'; Gateway = '$(Get-V4 $i 1)' } ) }")
        $null = $links.AppendLine("    @{ Endpoints = 'hub:h$i', 'n${i}:eth0'; Addresses = @('$(Get-V4 $i 1)/30', '$(Get-V6 $i 1)/64'), @('$(Get-V4 $i 2)/30', '$(Get-V6 $i 2)/64') }")
    }
    $file = Join-Path $work "star-$Count.psd1"
    Set-Content -Path $file -Value "@{`n  Name = 'star'`n  Nodes = @{`n    hub = @{}`n$nodes  }`n  Links = @(`n$links  )`n}"
    $file
}

function Build-WithCmdlets([string] $Prefix, [int] $Count) {
    New-NetNs -Name "${Prefix}hub" | Out-Null
    for ($i = 1; $i -le $Count; $i++) {
        $leaf = "${Prefix}n$i"
        New-NetNs -Name $leaf | Out-Null
        Connect-NetNs -Name "${Prefix}hub" -Peer $leaf -Interface "h$i" -PeerInterface eth0 | Out-Null
        New-NetNsAddress -Namespace "${Prefix}hub" -Interface "h$i" -Address "$(Get-V4 $i 1)/30", "$(Get-V6 $i 1)/64" | Out-Null
        New-NetNsAddress -Namespace $leaf -Interface eth0 -Address "$(Get-V4 $i 2)/30", "$(Get-V6 $i 2)/64" | Out-Null
        New-NetNsRoute -Namespace $leaf -Destination default -Gateway (Get-V4 $i 1) | Out-Null
    }
}

# The oracle for every way: iproute2 sees each leaf's two addresses and default route.
function Assert-Star([string] $Prefix, [int] $Count) {
    foreach ($i in 1, [math]::Ceiling($Count / 2), $Count) {
        $leaf = "${Prefix}n$i"
        $addresses = (& ip -n $leaf -o addr show dev eth0) -join "`n"
        if ($addresses -notmatch [regex]::Escape("$(Get-V4 $i 2)/30") -or $addresses -notmatch [regex]::Escape("$(Get-V6 $i 2)/64")) { throw "$leaf lacks its addresses: $addresses" }
        if ((& ip -n $leaf route show default) -notmatch [regex]::Escape("via $(Get-V4 $i 1)")) { throw "$leaf lacks its default route" }
    }
    $made = @(& ip netns list | Where-Object { $_ -like "$Prefix*" }).Count
    if ($made -ne $Count + 1) { throw "$made namespaces with prefix $Prefix, expected $($Count + 1)" }
}

function Remove-WithIp([string] $Prefix) {
    $names = @(& ip netns list | ForEach-Object { ($_ -split ' ')[0] } | Where-Object { $_ -like "$Prefix*" })
    $file = Join-Path $work "remove-$Prefix.sh"
    Set-Content -Path $file -Value ($names | ForEach-Object { "ip netns del $_" })
    $file
}

function Measure-Seconds([scriptblock] $Work) { $w = [Diagnostics.Stopwatch]::StartNew(); & $Work; $w.Elapsed.TotalSeconds }

$results = [ordered]@{}
try {
    # Warm-up of the cmdlets (JIT, first sockets): a few nodes built and removed.
    Build-WithCmdlets 'bench-ls-w-' 3
    Get-NetNs 'bench-ls-w-*' | Remove-NetNs -Confirm:$false

    $script = Write-StarScript 'bench-ls-sh-' $Nodes
    $results.ShellBuild = Measure-Seconds { & bash $script; if ($LASTEXITCODE) { throw 'the ip loop failed' } }
    Assert-Star 'bench-ls-sh-' $Nodes
    $remove = Remove-WithIp 'bench-ls-sh-'
    $results.ShellRemove = Measure-Seconds { & bash $remove }

    $results.CmdletBuild = Measure-Seconds { Build-WithCmdlets 'bench-ls-cm-' $Nodes }
    Assert-Star 'bench-ls-cm-' $Nodes
    $results.CmdletRemove = Measure-Seconds { Get-NetNs 'bench-ls-cm-*' | Remove-NetNs -Confirm:$false }

    $lab = Write-StarLab $Nodes
    $results.LabBuild = Measure-Seconds { New-NetLab -Path $lab -Name bench-ls-lab -Prefix 'bench-ls-lab-' | Out-Null }
    Assert-Star 'bench-ls-lab-' $Nodes
    $results.LabRemove = Measure-Seconds { Remove-NetLab -Name bench-ls-lab -Confirm:$false }

    '{0}-node star (hub + {0} leaves, {0} veth pairs, IPv4 and IPv6 on each end, a default route per leaf), this machine:' -f $Nodes
    '  {0,-34} build {1,7:N2} s   remove {2,6:N2} s' -f 'bash loop of ip commands', $results.ShellBuild, $results.ShellRemove
    '  {0,-34} build {1,7:N2} s   remove {2,6:N2} s   ({3:N1}x faster build, {4:N1}x remove)' -f 'cmdlets, warm session', $results.CmdletBuild, $results.CmdletRemove, ($results.ShellBuild / $results.CmdletBuild), ($results.ShellRemove / $results.CmdletRemove)
    '  {0,-34} build {1,7:N2} s   remove {2,6:N2} s   ({3:N1}x faster build, {4:N1}x remove)' -f 'New-NetLab / Remove-NetLab', $results.LabBuild, $results.LabRemove, ($results.ShellBuild / $results.LabBuild), ($results.ShellRemove / $results.LabRemove)
    '  goal: build >= 2x faster than the loop: {0}; remove no slower than ip netns del: {1}' -f
        $(if ($results.ShellBuild / $results.CmdletBuild -ge 2) { 'met' } else { 'NOT met' }), $(if ($results.CmdletRemove -le $results.ShellRemove) { 'met' } else { 'NOT met' })

    if ($LargeNodes -gt 0) {
        # Growth: New-NetLab at 10, 100 and -LargeNodes nodes, on one thread (MIGRATIONTOOLS_LAB_THREADS=1) and on
        # the default (one per core), the same lab files, in this run. Peak working set of this process after each.
        '{0,-7} {1,-10} {2,9} {3,11} {4,10} {5,14}' -f 'nodes', 'threads', 'build s', 'ms/node', 'remove s', 'peak WS MB'
        $sizes = @(10, 100, $LargeNodes) | Sort-Object -Unique
        foreach ($size in $sizes) {
            $file = Write-StarLab $size
            foreach ($threads in '1', '') {
                $env:MIGRATIONTOOLS_LAB_THREADS = $threads
                [GC]::Collect()
                $build = Measure-Seconds { New-NetLab -Path $file -Name bench-ls-big -Prefix 'bench-ls-big-' | Out-Null }
                Assert-Star 'bench-ls-big-' $size
                $peak = [Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64
                $removeLarge = Measure-Seconds { Remove-NetLab -Name bench-ls-big -Confirm:$false }
                $label = if ($threads) { $threads } else { "default ($([Math]::Clamp([Environment]::ProcessorCount, 1, 4)))" }
                '{0,-7} {1,-10} {2,9:N2} {3,11:N2} {4,10:N2} {5,14:N0}' -f $size, $label, $build, ($build * 1000 / $size), $removeLarge, ($peak / 1MB)
                if ($size -eq $LargeNodes -and -not $threads) { $results.LargeBuild = $build; $results.LargeRemove = $removeLarge }
            }
        }
        $env:MIGRATIONTOOLS_LAB_THREADS = $null
        '  goal (issue: speed at the limits): a {0}-node lab built in 3 s: {1}; removed in 1.5 s: {2}' -f $LargeNodes,
            $(if ($results.LargeBuild -le 3) { 'met' } else { 'NOT met' }), $(if ($results.LargeRemove -le 1.5) { 'met' } else { 'NOT met' })
    }
} finally {
    Get-NetLab -Name 'bench-ls-*' -ErrorAction SilentlyContinue | Remove-NetLab -Confirm:$false -ErrorAction SilentlyContinue
    Get-NetNs -Name 'bench-ls-*' -ErrorAction SilentlyContinue | Remove-NetNs -Confirm:$false -ErrorAction SilentlyContinue
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
    $env:MIGRATIONTOOLS_LAB_THREADS = $null
}
