#Requires -Version 7.4
# Exports that rebuild: every shipped lab and 20 generated ones are built, exported, removed, built again from the
# export under the same prefix, and compared through iproute2, tc and nft (not the module) before and after.
BeforeDiscovery {
    $shipped = Get-ChildItem (Join-Path $PSScriptRoot '../../module/labs') -Filter *.psd1 | ForEach-Object { @{ Case = "shipped $($_.BaseName)"; Template = $_.BaseName; Seed = 0 } }
    $generated = 1..20 | ForEach-Object { @{ Case = "generated #$_"; Template = $null; Seed = $_ } }
    $script:cases = @($shipped) + @($generated)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:prefix = New-TestPrefix
    $script:files = Join-Path ([IO.Path]::GetTempPath()) "${prefix}export"
    $null = New-Item -ItemType Directory -Force -Path $files

    # A random lab: 2 to 5 nodes joined as a tree of veth links, each link its own IPv4 /24 and IPv6 /64, some with a
    # rate; inner nodes forward, leaves route by default through their parent; the root maps a virtual address to
    # its children's addresses.
    function script:New-RandomLabFile([int] $Seed, [string] $Path) {
        $random = [Random]::new($Seed)
        $count = $random.Next(2, 6)
        $nodes = 0..($count - 1) | ForEach-Object { "n$_" }
        $links = @(); $routes = @{}; $forward = @{}; $children = @()
        for ($i = 1; $i -lt $count; $i++) {
            $parent = $random.Next(0, $i)
            $k = $Seed * 8 + $i
            $rate = if ($random.Next(0, 3) -eq 0) { "; RateMbit = $($random.Next(5, 200))" } else { '' }
            $links += "@{ Endpoints = 'n${parent}:c$i', 'n${i}:up'; Addresses = @('10.77.$k.1/24', 'fd77:${k}::1/64'), @('10.77.$k.2/24', 'fd77:${k}::2/64')$rate }"
            $routes["n$i"] = "@( @{ Destination = 'default'; Gateway = '10.77.$k.1' }, @{ Destination = 'default'; Gateway = 'fd77:${k}::1' } )"
            $forward["n$parent"] = $true
            if ($parent -eq 0) { $children += "10.77.$k.2" }
        }
        $nodeLines = foreach ($n in $nodes) {
            $parts = @()
            if ($forward[$n]) { $parts += 'Forwarding = $true' }
            if ($routes[$n]) { $parts += "Routes = $($routes[$n])" }
            "        $n = @{ $($parts -join '; ') }"
        }
        $mapping = if ($children.Count -ge 1) { "    FlowMappings = @( @{ Node = 'n0'; VirtualAddress = '10.99.$Seed.1'; Target = $(($children | ForEach-Object { "'$_'" }) -join ', ') } )" } else { '' }
        Set-Content -Path $Path -Value "@{`n    Name = 'gen$Seed'`n    Nodes = @{`n$($nodeLines -join "`n")`n    }`n    Links = @(`n        $($links -join "`n        ")`n    )`n$mapping`n}"
    }

    # What the kernel holds for a set of namespaces, read with the system's own tools.
    function script:Get-KernelPicture([string[]] $Namespaces) {
        foreach ($ns in $Namespaces | Sort-Object) {
            "== $ns"
            & ip -n $ns -br link | ForEach-Object { ($_ -replace '@\S+', '' -replace '\s+[0-9a-f:]{17}\s+', ' ').Trim() } | Sort-Object
            & ip -n $ns -br addr | ForEach-Object { ($_ -replace '@\S+', '' -replace '\s*fe80::\S+', '').Trim() } | Sort-Object
            & ip -n $ns route show | Sort-Object
            & ip -n $ns -6 route show | Where-Object { $_ -notmatch '^fe80|^multicast' } | Sort-Object
            & ip netns exec $ns cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv6/conf/all/forwarding
            & ip -n $ns -br link | ForEach-Object { ($_ -split '\s+')[0] -replace '@.*' } | Where-Object { $_ -ne 'lo' } | Sort-Object | ForEach-Object {
                & tc -n $ns qdisc show dev $_ root | ForEach-Object { "$_" -replace 'qdisc (\S+) \S+ ', 'qdisc $1 ' -replace ' burst.*' } }
            (& ip netns exec $ns nft list ruleset) -join "`n" -replace '(?s)table ip6? migrationtools \{.*?\n\}', '' -replace 'counter packets \d+ bytes \d+', 'counter'
        }
    }
}

AfterAll {
    Remove-TestNamespace $prefix
    Remove-Item -Recurse -Force $files -ErrorAction SilentlyContinue
}

Describe 'Export-NetLab round trip' -Tag RequireRoot, Integration {
    It '<Case>: build, export, remove, build the export, and the kernel holds the same lab' -ForEach $cases {
        $labPrefix = "${prefix}r$Seed$(if ($Template) { $Template.Substring(5, 1) })-"
        $source = if ($Template) { $null } else { Join-Path $files "gen$Seed.psd1" }
        if ($source) { New-RandomLabFile -Seed $Seed -Path $source }
        $first = if ($Template) { New-NetLab -Template $Template -Prefix $labPrefix -Name "${labPrefix}a" -TunnelMode Userspace } else { New-NetLab -Path $source -Prefix $labPrefix -Name "${labPrefix}a" }
        $export = Join-Path $files "$($labPrefix)export.psd1"
        try {
            $namespaces = @($first.Namespaces.Values)
            $before = Get-KernelPicture $namespaces
            $mappings = @($namespaces | ForEach-Object { Get-FlowMapping -Namespace $_ } | ForEach-Object { "$($_.Namespace) $($_.VirtualAddress) $($_.Targets -join ',')" })
            Export-NetLab -Namespace $namespaces -Prefix $labPrefix -Path $export -WarningVariable warned -WarningAction SilentlyContinue | Out-Null
            $warned | Should -BeNullOrEmpty -Because 'everything these labs hold has a lab key'
            # An existing file is not replaced without -Force.
            (Get-ErrorRecord ([scriptblock]::Create("Export-NetLab -Namespace $($namespaces -join ',') -Prefix '$labPrefix' -Path '$export'"))).FullyQualifiedErrorId | Should -BeLike 'OutFileExists,*'
        } finally {
            Remove-NetLab -Name $first.Name -Confirm:$false
        }
        $second = New-NetLab -Path $export -Prefix $labPrefix -Name "${labPrefix}b" -TunnelMode Userspace
        try {
            $after = Get-KernelPicture @($second.Namespaces.Values)
            ($after -join "`n") | Should -Be ($before -join "`n")
            @($second.Namespaces.Values | ForEach-Object { Get-FlowMapping -Namespace $_ } | ForEach-Object { "$($_.Namespace) $($_.VirtualAddress) $($_.Targets -join ',')" }) | Should -Be $mappings
            (Get-NetLab -Name $second.Name).Status | Should -Be 'Complete'
        } finally {
            Remove-NetLab -Name $second.Name -Confirm:$false
        }
    }
}

Describe 'What an export cannot express' -Tag RequireRoot, Integration {
    It 'is named in a warning each, and the file written still builds' {
        $x = "${prefix}wx"; $y = "${prefix}wy"; $outside = "${prefix}wo"
        New-NetNs -Name $x, $y, $outside | Out-Null
        Connect-NetNs -Name $x -Peer $y -Interface xy -PeerInterface yx | Out-Null
        Connect-NetNs -Name $x -Peer $outside -Interface xo -PeerInterface ox | Out-Null
        New-NetNsAddress -Namespace $x -Interface xy -Address 10.78.1.1/24 | Out-Null
        New-NetNsAddress -Namespace $y -Interface yx -Address 10.78.1.2/24 | Out-Null
        New-NetNsAddress -Namespace $x -Interface xo -Address 10.78.2.1/24 | Out-Null
        # A route through the link to the namespace left out, and a qdisc no lab key describes (iproute2 makes both).
        & ip -n $x route add 10.78.9.0/24 via 10.78.2.2
        & tc -n $y qdisc add dev yx root pfifo limit 100
        $file = Join-Path $files 'partial.psd1'
        Export-NetLab -Namespace $x, $y -Prefix "${prefix}w" -Path $file -WarningVariable warned -WarningAction SilentlyContinue | Out-Null
        $text = $warned -join "`n"
        $text | Should -BeLike "*$x/xo leads to a namespace outside the export*"
        $text | Should -BeLike '*10.78.9.0/24*left out*'
        $text | Should -BeLike "*pfifo qdisc on $y/yx*"
        $copy = New-NetLab -Path $file -Prefix "${prefix}wc-" -Name "${prefix}wcopy"
        try {
            $copy.Status | Should -Be 'Complete'
            (& ip -n "${prefix}wc-x" -br addr show dev xy) -join ' ' | Should -Match '10\.78\.1\.1/24'
        } finally {
            Remove-NetLab -Name $copy.Name -Confirm:$false
        }
    }
}
