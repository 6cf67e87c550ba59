<#
.SYNOPSIS
    Steps the example experiments share: waiting for a condition, capturing in a namespace, QUIC server content,
    the NAT lab's rebinding, arrival counters and small statistics.
.DESCRIPTION
    The labs themselves come from the module (New-NetLab -Template ping-flow, quic-lb, quic-nat); this module holds
    only the experiments' own steps, so the example scripts stay short. Import it next to the module:
        Import-Module ./out/MigrationTools/MigrationTools.psd1
        Import-Module ./examples/Experiments.psm1
#>

function Assert-Tool {
    <#
    .SYNOPSIS
        Throws, naming the Debian package to install, when one of the programs is missing.
    .EXAMPLE
        Assert-Tool @{ gtlsserver = 'ngtcp2-server'; tcpdump = 'tcpdump' }
    #>
    [CmdletBinding()]
    param(
        # Program name = Debian package that provides it.
        [Parameter(Mandatory)] [hashtable] $Tool
    )
    foreach ($entry in $Tool.GetEnumerator()) {
        if (-not (Get-Command $entry.Key -CommandType Application -ErrorAction SilentlyContinue)) {
            throw "$($entry.Key) is not installed: apt-get install $($entry.Value) (or ./build.ps1 -Task Bootstrap)."
        }
    }
}

function Wait-Until {
    <#
    .SYNOPSIS
        Polls a condition every 20 ms until it is true; throws after -Seconds, naming what it waited for.
    .EXAMPLE
        Wait-Until { Test-Path ./keys.log } -Seconds 5 -What 'the key log'
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)] [scriptblock] $Condition,
        [double] $Seconds = 10,
        [string] $What = 'a condition'
    )
    $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
    while (-not (& $Condition)) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "Timed out after $Seconds s waiting for $What." }
        Start-Sleep -Milliseconds 20
    }
}

function Wait-Listener {
    <#
    .SYNOPSIS
        Waits until a socket listens on the port inside the namespace (ss from iproute2), so that no datagram or
        connection arrives before its listener; throws after -Seconds.
    .EXAMPLE
        Wait-Listener -Namespace C -Protocol udp -Port 5555
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $Namespace,
        [ValidateSet('udp', 'tcp')] [string] $Protocol = 'udp',
        [Parameter(Mandatory)] [int] $Port,
        [double] $Seconds = 10
    )
    $flag = if ($Protocol -eq 'udp') { '-Hunl' } else { '-Htnl' }
    Wait-Until { (Invoke-NetNs -Name $Namespace -Command ss -ArgumentList $flag, "sport = :$Port").Output } -Seconds $Seconds -What "a $Protocol listener on port $Port in $Namespace"
}

function New-QuicServerContent {
    <#
    .SYNOPSIS
        A temporary document root holding a random file of -Size bytes, and a self-signed P-256 certificate and
        key for a QUIC server. Returns Root, File, FileName, Key and Cert; remove Root when done.
    .EXAMPLE
        $content = New-QuicServerContent -Size 4MB; try { ... } finally { Remove-Item -Recurse $content.Root }
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [long] $Size,
        [string] $Name = 'quic-lab'
    )
    $root = Join-Path ([IO.Path]::GetTempPath()) ("$Name-" + [Guid]::NewGuid().ToString('N').Substring(0, 8))
    $null = New-Item -ItemType Directory -Path $root
    $content = [pscustomobject]@{ Root = $root; FileName = 'payload.bin'; File = (Join-Path $root 'payload.bin'); Key = (Join-Path $root 'key.pem'); Cert = (Join-Path $root 'cert.pem') }
    $bytes = [byte[]]::new($Size)
    [Random]::Shared.NextBytes($bytes)
    [IO.File]::WriteAllBytes($content.File, $bytes)
    & openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj "/CN=$Name" -keyout $content.Key -out $content.Cert 2>$null
    if ($LASTEXITCODE -ne 0) {
        Remove-Item -Recurse -Force $root
        throw 'openssl could not make the server certificate.'
    }
    $content
}

function Set-QuicNatPort {
    <#
    .SYNOPSIS
        In the quic-nat lab, maps the client to 10.240.0.1:<Port> from now on and forgets the old mapping: a NAT
        rebinding as the server sees it.
    .DESCRIPTION
        Replaces the NAT node's nftables table in one transaction, then deletes the client's conntrack entries so
        that its next packet is mapped afresh. Packets the server still sends to the old mapping are dropped in the
        NAT, as by a NAT that has forgotten it.
    .EXAMPLE
        Set-QuicNatPort -Namespace nat -Port 20001
    #>
    [CmdletBinding(SupportsShouldProcess)]
    param(
        # The lab's nat namespace.
        [Parameter(Mandatory)] [string] $Namespace,
        [Parameter(Mandatory)] [ValidateRange(1024, 65535)] [int] $Port,
        [string] $ClientAddress = '10.230.0.2',
        [string] $NatAddress = '10.240.0.1',
        [int] $ServerPort = 4433
    )
    $ruleset = @"
table ip quic_nat
delete table ip quic_nat
table ip quic_nat {
    chain post {
        type nat hook postrouting priority srcnat; policy accept;
        oifname "eth1" ip saddr $ClientAddress udp dport $ServerPort snat to ${NatAddress}:$Port
    }
    chain in {
        type filter hook input priority filter; policy accept;
        iifname "eth1" udp sport $ServerPort drop
    }
}
"@
    if (-not $PSCmdlet.ShouldProcess($Namespace, "Map $ClientAddress to ${NatAddress}:$Port")) { return }
    $nft = Invoke-NetNs -Name $Namespace -Command nft -ArgumentList '-f', '-' -StandardInput ($ruleset -split "`n")
    if ($nft.ExitCode -ne 0) { throw "nft in ${Namespace}: $($nft.Error)" }
    $null = Remove-ConntrackEntry -Namespace $Namespace -Protocol udp -Source $ClientAddress -Confirm:$false
}

function Get-ArrivalCount {
    <#
    .SYNOPSIS
        Echo requests (IPv4 and IPv6) and UDP datagrams that have reached each namespace so far, from its kernel
        counters: subtract two readings to count what arrived in between.
    .EXAMPLE
        $before = Get-ArrivalCount C, D; ...; $after = Get-ArrivalCount C, D
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0, ValueFromPipeline)] [string[]] $Namespace)
    process {
        foreach ($ns in $Namespace) {
            $c = @{}
            Get-NetNsCounter -Namespace $ns -Name IcmpInEchos, Icmp6InEchos, UdpInDatagrams, Udp6InDatagrams, UdpNoPorts, Udp6NoPorts | ForEach-Object { $c[$_.Name] = $_.Value }
            [pscustomobject]@{
                Namespace = $ns
                Echoes    = $c['IcmpInEchos'] + $c['Icmp6InEchos']
                Udp       = $c['UdpInDatagrams'] + $c['Udp6InDatagrams'] + $c['UdpNoPorts'] + $c['Udp6NoPorts']
            }
        }
    }
}

function Get-PingSummary {
    <#
    .SYNOPSIS
        Sent, received and error counts from ping's closing statistics line ("N packets transmitted, M received,
        +E errors, ...").
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [AllowEmptyString()] [string] $Text)
    $line = ($Text -split "`n" | Where-Object { $_ -match '^\d+ packets transmitted, \d+ received' } | Select-Object -Last 1)
    if (-not $line) { return [pscustomobject]@{ Sent = 0; Received = 0; Errors = 0 } }
    $null = $line -match '^(\d+) packets transmitted, (\d+) received(?:, \+(\d+) errors)?'
    [pscustomobject]@{ Sent = [int]$Matches[1]; Received = [int]$Matches[2]; Errors = [int]$(if ($Matches[3]) { $Matches[3] } else { 0 }) }
}

function ConvertTo-FlowTimelineSvg {
    <#
    .SYNOPSIS
        Writes an SVG of arrivals per second for each series over time, with the switch moments marked, from
        counter readings taken during a run.
    .EXAMPLE
        ConvertTo-FlowTimelineSvg -Sample $samples -Switch $switches -Series C, D -Path ./ping-flow.svg
    #>
    [CmdletBinding()]
    [OutputType([IO.FileInfo])]
    param(
        # Readings: objects with Seconds and one cumulative count property per series.
        [Parameter(Mandatory)] [object[]] $Sample,
        # Switches: objects with Seconds and To (the new target's name).
        [AllowEmptyCollection()] [object[]] $Switch = @(),
        # The property names of the series to draw.
        [Parameter(Mandatory)] [string[]] $Series,
        [string] $Title = 'Arrivals per location',
        [string] $Unit = 'echo requests',
        [Parameter(Mandatory)] [string] $Path
    )
    $readings = foreach ($s in $Sample) {
        $values = [Collections.Generic.Dictionary[string, long]]::new()
        foreach ($name in $Series) { $values[$name] = [long]$s.$name }
        [MigrationTools.Analysis.Charts.CounterSample]::new([double]$s.Seconds, $values)
    }
    $marks = foreach ($m in $Switch) { [MigrationTools.Analysis.Charts.TimelineMark]::new([double]$m.Seconds, "switch to $($m.To)") }
    $svg = [MigrationTools.Analysis.Charts.CounterTimeline]::Render($Title, [string[]]$Series, [MigrationTools.Analysis.Charts.CounterSample[]]@($readings), [MigrationTools.Analysis.Charts.TimelineMark[]]@($marks), $Unit)
    $full = [IO.Path]::GetFullPath($Path)
    [IO.File]::WriteAllText($full, $svg)
    Get-Item -LiteralPath $full
}

function Get-Median {
    <# .SYNOPSIS The median of some numbers (the lower middle one of an even count). #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [double[]] $Value)
    $sorted = @($Value | Sort-Object)
    $sorted[[int][Math]::Floor(($sorted.Count - 1) / 2)]
}

function Get-ProcessCpuSeconds {
    <#
    .SYNOPSIS
        The CPU seconds (user and system) a process has used so far, from /proc/PID/stat (fields 14 and 15, in
        USER_HZ ticks, 1/100 s on Linux); NaN when the process is gone.
    .EXAMPLE
        Get-ProcessCpuSeconds -ProcessId $tunnel.ProcessId
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [int] $ProcessId)
    $stat = Get-Content "/proc/$ProcessId/stat" -Raw -ErrorAction SilentlyContinue
    if (-not $stat) { return [double]::NaN }
    # The command name, in parentheses, may hold spaces: the fields are counted after its closing one.
    $fields = $stat.Substring($stat.LastIndexOf(')') + 2).Split(' ')
    ([double]$fields[11] + [double]$fields[12]) / 100
}

function Set-UserspaceTunnelPair {
    <#
    .SYNOPSIS
        Userspace IPIP tunnels named ipip0 at both ends of an underlay between two namespaces, each with its overlay
        address; any ipip0 already there is removed first. -NoOffloads starts both relays without TUN offloads;
        -KernelFastPath says which ends attach the kernel fast path (Both, None, or Peer only: the first end's relay
        then carries every packet itself). Returns the offloads the first end's relay uses.
    .EXAMPLE
        Set-UserspaceTunnelPair -Namespace a -Peer b -Local 10.220.0.1 -Remote 10.220.0.2 -Address 192.168.77.1/30 -PeerAddress 192.168.77.2/30
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $Namespace,
        [Parameter(Mandatory)] [string] $Peer,
        [Parameter(Mandatory)] [string] $Local,
        [Parameter(Mandatory)] [string] $Remote,
        [Parameter(Mandatory)] [string] $Address,
        [Parameter(Mandatory)] [string] $PeerAddress,
        [switch] $NoOffloads,
        [ValidateSet('Both', 'None', 'Peer')] [string] $KernelFastPath = 'Both'
    )
    Get-IpipTunnel -Namespace $Namespace, $Peer -Name ipip0 -ErrorAction SilentlyContinue | Remove-IpipTunnel -Confirm:$false
    $env:MIGRATIONTOOLS_IPIP_OFFLOAD = if ($NoOffloads) { 'off' } else { $null }
    try {
        $env:MIGRATIONTOOLS_IPIP_FASTPATH = if ($KernelFastPath -eq 'Both') { $null } else { 'off' }
        Set-IpipTunnel -Namespace $Namespace -Name ipip0 -Local $Local -Remote $Remote -Mode Userspace
        $env:MIGRATIONTOOLS_IPIP_FASTPATH = if ($KernelFastPath -eq 'None') { 'off' } else { $null }
        Set-IpipTunnel -Namespace $Peer -Name ipip0 -Local $Remote -Remote $Local -Mode Userspace
    } finally {
        Remove-Item env:MIGRATIONTOOLS_IPIP_OFFLOAD, env:MIGRATIONTOOLS_IPIP_FASTPATH -ErrorAction SilentlyContinue
    }

    New-NetNsAddress -Namespace $Namespace -Interface ipip0 -Address $Address | Out-Null
    New-NetNsAddress -Namespace $Peer -Interface ipip0 -Address $PeerAddress | Out-Null
    (Get-IpipTunnel -Namespace $Namespace -Name ipip0).Offloads
}

Export-ModuleMember -Function Assert-Tool, Wait-Until, Wait-Listener, New-QuicServerContent, Set-QuicNatPort, Get-ArrivalCount, Get-PingSummary, ConvertTo-FlowTimelineSvg, Get-Median, Get-ProcessCpuSeconds, Set-UserspaceTunnelPair
