<#
.SYNOPSIS
    Builders for the reference labs of shared/LAB.md, used by the examples and the tests.
.DESCRIPTION
    Lab 1 (ping flow migration): namespaces A (client), B (router), C and D (two locations of one abstract
    service). A-B fd00:ab::/64, B-C fc01::/64, B-D fc02::/64; A, C and D route by default via B, which forwards
    IPv6. With -IPv4 the same links also carry 10.201.1.0/24, 10.201.2.0/24 and 10.201.3.0/24.
    Lab 2 (QUIC migration behind an IPIP load balancer): namespaces client, router1 and server. Path 1
    10.200.0.0/24 (client eth1 .2, router1 eth0 .254), path 2 10.210.0.0/24 (client eth0 .2, router1 eth1 .254),
    server net 10.220.0.0/24 (router1 eth2 .254, server eth0 .2, the real IP). The VIP 10.250.1.1 lives on the
    server's loopback; router1 routes it into the IPIP tunnel ipip0 (10.220.0.254 -> 10.220.0.2) and the server
    answers directly (direct server return) by its default route via router1.
    The QUIC NAT lab (a NAT rebinding with real peers): client 10.230.0.2 -- nat (10.230.0.1 / 10.240.0.1, source
    NAT of the client to 10.240.0.1:<port>) -- server 10.240.0.2.
    Every name carries the prefix, so several labs can coexist; nothing touches the root namespace.
#>

function New-PingMigrationLab {
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([pscustomobject])]
    param(
        # Prefix of every namespace name, e.g. 'lab-' gives lab-A, lab-B, lab-C, lab-D.
        [string] $Prefix = '',
        # Also give every link an IPv4 subnet.
        [switch] $IPv4
    )
    $ErrorActionPreference = 'Stop'
    $lab = [pscustomobject]@{
        Prefix = $Prefix
        A = "${Prefix}A"; B = "${Prefix}B"; C = "${Prefix}C"; D = "${Prefix}D"
        VirtualAddress = 'fe00::1'; C6 = 'fc01::1'; D6 = 'fc02::2'
        VirtualAddress4 = '10.202.0.1'; C4 = '10.201.2.1'; D4 = '10.201.3.2'
    }
    if (-not $PSCmdlet.ShouldProcess("$($lab.A), $($lab.B), $($lab.C), $($lab.D)", 'Build the ping flow migration lab')) { return }
    try {
        New-NetNs -Name $lab.A, $lab.B, $lab.C, $lab.D | Out-Null
        Connect-NetNs -Name $lab.A -Peer $lab.B -Interface a-b -PeerInterface b-a | Out-Null
        Connect-NetNs -Name $lab.B -Peer $lab.C -Interface b-c -PeerInterface c-b | Out-Null
        Connect-NetNs -Name $lab.B -Peer $lab.D -Interface b-d -PeerInterface d-b | Out-Null
        $addresses = @(
            @($lab.A, 'a-b', 'fd00:ab::a/64', '10.201.1.1/24'),
            @($lab.B, 'b-a', 'fd00:ab::b/64', '10.201.1.254/24'),
            @($lab.B, 'b-c', 'fc01::fe/64', '10.201.2.254/24'),
            @($lab.B, 'b-d', 'fc02::fe/64', '10.201.3.254/24'),
            @($lab.C, 'c-b', 'fc01::1/64', '10.201.2.1/24'),
            @($lab.D, 'd-b', 'fc02::2/64', '10.201.3.2/24')
        )
        foreach ($a in $addresses) {
            $list = if ($IPv4) { $a[2], $a[3] } else { $a[2] }
            New-NetNsAddress -Namespace $a[0] -Interface $a[1] -Address $list | Out-Null
        }
        Enable-NetNsForwarding -Namespace $lab.B
        foreach ($r in @(@($lab.A, 'fd00:ab::b', '10.201.1.254'), @($lab.C, 'fc01::fe', '10.201.2.254'), @($lab.D, 'fc02::fe', '10.201.3.254'))) {
            New-NetNsRoute -Namespace $r[0] -Destination default -Gateway $r[1] | Out-Null
            if ($IPv4) { New-NetNsRoute -Namespace $r[0] -Destination default -Gateway $r[2] | Out-Null }
        }
    } catch {
        Remove-MigrationLab -Prefix $Prefix -Names $lab.A, $lab.B, $lab.C, $lab.D
        throw
    }
    $lab
}

function New-QuicLbLab {
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([pscustomobject])]
    param(
        # Prefix of every namespace name, e.g. 'q-' gives q-client, q-router1, q-server.
        [string] $Prefix = '',
        # How the IPIP tunnel is made: the kernel's ipip device where there is one (Auto), or the module's relay.
        [ValidateSet('Auto', 'Kernel', 'Userspace')]
        [string] $TunnelMode = 'Auto'
    )
    $ErrorActionPreference = 'Stop'
    $lab = [pscustomobject]@{
        Prefix = $Prefix
        Client = "${Prefix}client"; Router = "${Prefix}router1"; Server = "${Prefix}server"
        Vip = '10.250.1.1'; Port = 8889
        ClientPath1 = '10.200.0.2'; RouterPath1 = '10.200.0.254'
        ClientPath2 = '10.210.0.2'; RouterPath2 = '10.210.0.254'
        RouterServerNet = '10.220.0.254'; ServerReal = '10.220.0.2'
        TunnelMode = $null
    }
    $names = $lab.Client, $lab.Router, $lab.Server
    if (-not $PSCmdlet.ShouldProcess($names -join ', ', 'Build the QUIC load-balancer lab')) { return }
    try {
        New-NetNs -Name $names | Out-Null
        Connect-NetNs -Name $lab.Client -Peer $lab.Router -Interface eth1 -PeerInterface eth0 | Out-Null
        Connect-NetNs -Name $lab.Client -Peer $lab.Router -Interface eth0 -PeerInterface eth1 | Out-Null
        Connect-NetNs -Name $lab.Router -Peer $lab.Server -Interface eth2 -PeerInterface eth0 | Out-Null
        New-NetNsAddress -Namespace $lab.Client -Interface eth1 -Address "$($lab.ClientPath1)/24" | Out-Null
        New-NetNsAddress -Namespace $lab.Client -Interface eth0 -Address "$($lab.ClientPath2)/24" | Out-Null
        New-NetNsAddress -Namespace $lab.Router -Interface eth0 -Address "$($lab.RouterPath1)/24" | Out-Null
        New-NetNsAddress -Namespace $lab.Router -Interface eth1 -Address "$($lab.RouterPath2)/24" | Out-Null
        New-NetNsAddress -Namespace $lab.Router -Interface eth2 -Address "$($lab.RouterServerNet)/24" | Out-Null
        New-NetNsAddress -Namespace $lab.Server -Interface eth0 -Address "$($lab.ServerReal)/24" | Out-Null
        New-NetNsAddress -Namespace $lab.Server -Interface lo -Address "$($lab.Vip)/32" | Out-Null

        # The load balancer: the VIP goes into the tunnel to the real server.
        Enable-NetNsForwarding -Namespace $lab.Router -AddressFamily IPv4
        $tunnel = Set-IpipTunnel -Namespace $lab.Router -Name ipip0 -Local $lab.RouterServerNet -Remote $lab.ServerReal -Mode $TunnelMode -PassThru
        Set-IpipTunnel -Namespace $lab.Server -Name ipip0 -Local $lab.ServerReal -Remote $lab.RouterServerNet -Mode $tunnel.Mode
        $lab.TunnelMode = $tunnel.Mode
        New-NetNsRoute -Namespace $lab.Router -Destination "$($lab.Vip)/32" -Interface ipip0 | Out-Null

        # Direct server return: replies from the VIP leave by the server's default route, not the tunnel.
        New-NetNsRoute -Namespace $lab.Server -Destination default -Gateway $lab.RouterServerNet | Out-Null
        New-NetNsRoute -Namespace $lab.Client -Destination "$($lab.Vip)/32" -Gateway $lab.RouterPath1 | Out-Null

        # Traffic is asymmetric by design: the client's packets reach the server through ipip0, the answers come
        # back over eth2, and after the migration's route change the client's old address may arrive on path 2.
        # Strict reverse-path filtering would drop all of that, so it is off in router1 and the server.
        foreach ($ns in $lab.Router, $lab.Server) {
            Get-NetNsSysctl -Namespace $ns -Name 'net.ipv4.conf.*.rp_filter' | Set-NetNsSysctl -Value 0
        }
    } catch {
        Remove-MigrationLab -Names $names
        throw
    }
    $lab
}

function New-QuicNatLab {
    <#
    .SYNOPSIS
        A QUIC client behind a NAT: client -- nat -- server, the NAT mapping the client to 10.240.0.1:<NatPort>.
    .DESCRIPTION
        Namespaces <Prefix>client (10.230.0.2, default route via the NAT), <Prefix>nat (10.230.0.1 towards the client,
        10.240.0.1 towards the server, forwarding on) and <Prefix>server (10.240.0.2). The NAT's nftables table
        'quic_nat' rewrites the client's UDP source to 10.240.0.1:<NatPort>; Set-QuicNatPort moves the mapping to
        another port, which is a NAT rebinding as the server sees it. Removed with Remove-MigrationLab.
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([pscustomobject])]
    param(
        # Prefix of every namespace name.
        [string] $Prefix = '',
        # The source port the NAT maps the client to at first.
        [ValidateRange(1024, 65535)] [int] $NatPort = 20000
    )
    $ErrorActionPreference = 'Stop'
    $lab = [pscustomobject]@{
        Prefix = $Prefix
        Client = "${Prefix}client"; Nat = "${Prefix}nat"; Server = "${Prefix}server"
        ClientAddress = '10.230.0.2'; NatInside = '10.230.0.1'; NatOutside = '10.240.0.1'; ServerAddress = '10.240.0.2'
        Port = 4433; NatPort = $NatPort
    }
    $names = $lab.Client, $lab.Nat, $lab.Server
    if (-not $PSCmdlet.ShouldProcess($names -join ', ', 'Build the QUIC NAT lab')) { return }
    try {
        New-NetNs -Name $names | Out-Null
        Connect-NetNs -Name $lab.Client -Peer $lab.Nat -Interface eth0 -PeerInterface eth0 | Out-Null
        Connect-NetNs -Name $lab.Nat -Peer $lab.Server -Interface eth1 -PeerInterface eth0 | Out-Null
        New-NetNsAddress -Namespace $lab.Client -Interface eth0 -Address "$($lab.ClientAddress)/24" | Out-Null
        New-NetNsAddress -Namespace $lab.Nat -Interface eth0 -Address "$($lab.NatInside)/24" | Out-Null
        New-NetNsAddress -Namespace $lab.Nat -Interface eth1 -Address "$($lab.NatOutside)/24" | Out-Null
        New-NetNsAddress -Namespace $lab.Server -Interface eth0 -Address "$($lab.ServerAddress)/24" | Out-Null
        New-NetNsRoute -Namespace $lab.Client -Destination default -Gateway $lab.NatInside | Out-Null
        Enable-NetNsForwarding -Namespace $lab.Nat -AddressFamily IPv4
        Set-QuicNatPort -Lab $lab -Port $NatPort
    } catch {
        Remove-MigrationLab -Names $names
        throw
    }
    $lab
}

function Set-QuicNatPort {
    <#
    .SYNOPSIS
        Maps the NAT lab's client to 10.240.0.1:<Port> from now on, and forgets the old mapping (a NAT rebinding).
    .DESCRIPTION
        Replaces the NAT's nftables table in one transaction, then deletes the client's conntrack entries
        (Remove-ConntrackEntry) so that its next packet is mapped afresh. Packets the server still sends to the old
        mapping are dropped in the NAT, as by a NAT that has forgotten it.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [pscustomobject] $Lab,
        [Parameter(Mandatory)] [ValidateRange(1024, 65535)] [int] $Port
    )
    $ErrorActionPreference = 'Stop'
    $ruleset = @"
table ip quic_nat
delete table ip quic_nat
table ip quic_nat {
    chain post {
        type nat hook postrouting priority srcnat; policy accept;
        oifname "eth1" ip saddr $($Lab.ClientAddress) udp dport $($Lab.Port) snat to $($Lab.NatOutside):$Port
    }
    chain in {
        type filter hook input priority filter; policy accept;
        iifname "eth1" udp sport $($Lab.Port) drop
    }
}
"@
    $file = [IO.Path]::GetTempFileName()
    try {
        Set-Content -Path $file -Value $ruleset
        $nft = Invoke-NetNs -Name $Lab.Nat -Command nft -ArgumentList '-f', $file
        if ($nft.ExitCode -ne 0) { throw "nft in $($Lab.Nat): $($nft.StandardError)" }
    } finally {
        Remove-Item -Path $file -Force
    }
    Remove-ConntrackEntry -Namespace $Lab.Nat -Protocol udp -Source $Lab.ClientAddress -Confirm:$false
    $Lab.NatPort = $Port
}

function Assert-LabTool {
    <# .SYNOPSIS Throws, naming the Debian package, when one of the programs (name = package) is not installed. #>
    param([Parameter(Mandatory)] [hashtable] $Tool)
    foreach ($entry in $Tool.GetEnumerator()) {
        if (-not (Get-Command $entry.Key -ErrorAction SilentlyContinue)) {
            throw "$($entry.Key) is not installed: apt-get install $($entry.Value) (or ./build.ps1 -Task Bootstrap)."
        }
    }
}

function Wait-LabCondition {
    <# .SYNOPSIS Polls a condition every 20 ms; throws after -Seconds, naming what it waited for. #>
    param([Parameter(Mandatory)] [scriptblock] $Condition, [double] $Seconds = 10, [string] $What = 'a condition')
    $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
    while (-not (& $Condition)) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "Timed out after $Seconds s waiting for $What." }
        Start-Sleep -Milliseconds 20
    }
}

function Start-LabCapture {
    <# .SYNOPSIS Starts tcpdump -i any (Linux cooked) in a namespace, writing -File, and returns once it captures. #>
    param([Parameter(Mandatory)] [string] $Namespace, [Parameter(Mandatory)] [string] $File, [string] $Filter)
    $arguments = @('-i', 'any', '-n', '-U', '-s', '0', '-w', $File)
    if ($Filter) { $arguments += $Filter }
    $p = Invoke-NetNs -Name $Namespace -Command tcpdump -ArgumentList $arguments -Background
    Wait-LabCondition { (Test-Path $p.ErrorPath) -and (Select-String -Path $p.ErrorPath -Pattern 'listening on' -Quiet) } 10 "tcpdump in $Namespace"
    $p
}

function New-QuicServerContent {
    <#
    .SYNOPSIS
        A temporary document root holding a random file of -Size bytes, and a self-signed P-256 certificate and key
        for a QUIC server. Returns Root, File (path), FileName, Key, Cert; remove Root when done.
    #>
    param([Parameter(Mandatory)] [long] $Size, [string] $Name = 'quic-lab')
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

function Remove-MigrationLab {
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [string] $Prefix = '',
        # The namespaces to remove; with an empty prefix only these go.
        [string[]] $Names
    )
    $targets = if ($Names) { $Names } elseif ($Prefix) { (Get-NetNs -Name "$Prefix*" -ErrorAction SilentlyContinue).Name } else { @() }
    foreach ($name in $targets) {
        if ((Test-Path "/run/netns/$name") -and $PSCmdlet.ShouldProcess($name, 'Remove lab namespace')) {
            Remove-NetNs -Name $name -Confirm:$false -ErrorAction Continue
        }
    }
}

# Echo requests (IPv4 + IPv6) and UDP datagrams that have reached a namespace so far.
function Get-ArrivalCount {
    param([Parameter(Mandatory)] [string[]] $Namespace)
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

Export-ModuleMember -Function New-PingMigrationLab, New-QuicLbLab, New-QuicNatLab, Set-QuicNatPort, Remove-MigrationLab, Get-ArrivalCount,
    Assert-LabTool, Wait-LabCondition, Start-LabCapture, New-QuicServerContent
