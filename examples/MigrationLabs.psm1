<#
.SYNOPSIS
    Builders for the reference labs of shared/LAB.md, used by the examples and the tests.
.DESCRIPTION
    Lab 1 (ping flow migration): namespaces A (client), B (router), C and D (two locations of one abstract
    service). A-B fd00:ab::/64, B-C fc01::/64, B-D fc02::/64; A, C and D route by default via B, which forwards
    IPv6. With -IPv4 the same links also carry 10.201.1.0/24, 10.201.2.0/24 and 10.201.3.0/24.
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

Export-ModuleMember -Function New-PingMigrationLab, Remove-MigrationLab, Get-ArrivalCount
