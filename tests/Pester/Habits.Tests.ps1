#Requires -Version 7.4
# What a PowerShell user tries in the first hour: pipelines from objects and from names, arrays and wildcards,
# NetTCPIP parameter names, errors for programs that cannot start, progress and verbose output, help, completion,
# readable exports, and the demo.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:prefix = New-TestPrefix
    $script:x = "${prefix}x"
    $script:y = "${prefix}y"
    New-NetNs -Name $x, $y | Out-Null
    Connect-NetNs -Name $x -Peer $y -Interface xy -PeerInterface yx | Out-Null
    Connect-NetNs -Name $x -Peer $y -Interface xz -PeerInterface zx | Out-Null
    New-NetNsAddress -Namespace $x -Interface xy -Address 10.253.1.1/24 | Out-Null
    New-NetNsAddress -Namespace $x -Interface xz -Address 10.253.2.1/24 | Out-Null
    New-NetNsAddress -Namespace $y -Interface yx -Address 10.253.1.2/24 | Out-Null

    function script:Complete([string] $Line) { (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText }
}

AfterAll {
    Remove-TestNamespace $prefix
}

Describe 'Pipelines' -Tag RequireRoot, Integration {
    It 'a namespace object pipes into <Command>' -ForEach @(
        @{ Command = 'Get-NetNsLink' }, @{ Command = 'Get-NetNsAddress' }, @{ Command = 'Get-NetNsRoute' }, @{ Command = 'Get-NetNsCounter' },
        @{ Command = 'Get-FlowMapping' }, @{ Command = 'Get-ConntrackEntry' }, @{ Command = 'Get-IpipTunnel' }, @{ Command = 'Get-NetNsProcess' }
    ) {
        $ns = Get-NetNs -Name $x
        $out = @($ns | & $Command)
        $out | ForEach-Object { $_.Namespace | Should -Be $x }
        if ($Command -in 'Get-NetNsLink', 'Get-NetNsAddress', 'Get-NetNsRoute', 'Get-NetNsCounter') { $out.Count | Should -BeGreaterThan 0 }
    }

    It 'a namespace object pipes into Get-NetNsSysctl' {
        (Get-NetNs -Name $x | Get-NetNsSysctl -Name net.ipv4.ip_forward).Namespace | Should -Be $x
    }

    It 'names pipe in as strings' {
        $links = @($x, $y | Get-NetNsLink)
        ($links.Namespace | Sort-Object -Unique) | Should -Be @($x, $y | Sort-Object)
    }

    It 'a link pipes into Get-NetNsAddress and keeps its interface' {
        $addresses = @(Get-NetNsLink -Namespace $x -Name xy | Get-NetNsAddress -AddressFamily IPv4)
        $addresses.Count | Should -Be 1
        $addresses[0].Interface | Should -Be 'xy'
        $addresses[0].Address.ToString() | Should -Be '10.253.1.1'
    }

    It 'a link pipes into Get-NetNsRoute and keeps its interface' {
        $routes = @(Get-NetNsLink -Namespace $x -Name xz | Get-NetNsRoute -AddressFamily IPv4)
        $routes.Destination | Should -Be '10.253.2.0/24'
    }

    It 'a namespace object piped to Watch-QuicProbe watches that namespace (its Path is not a file)' {
        $err = $null
        $events = Get-NetNs -Name $x | Watch-QuicProbe -TimeoutSeconds 1 -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -BeNullOrEmpty
        $events | Should -BeNullOrEmpty
    }

    It 'an address object pipes into Remove-NetNsAddress with its prefix length' {
        New-NetNsAddress -Namespace $x -Interface xz -Address 10.253.9.9/28 | Out-Null
        Get-NetNsAddress -Namespace $x -Interface xz | Where-Object { "$($_.Address)" -eq '10.253.9.9' } | Remove-NetNsAddress -Confirm:$false
        (& ip -n $x -o -4 addr show dev xz) -join "`n" | Should -Not -Match '10\.253\.9\.9'
    }
}

Describe 'Arrays and wildcards for -Namespace' -Tag RequireRoot, Integration {
    It 'takes several names' {
        (Get-NetNsRoute -Namespace $x, $y -AddressFamily IPv4).Namespace | Sort-Object -Unique | Should -Be @($x, $y | Sort-Object)
    }

    It 'takes wildcards' {
        (Get-NetNsLink -Namespace "$prefix*" -Name lo).Namespace | Sort-Object | Should -Be @($x, $y | Sort-Object)
    }

    It 'reports a missing name and still lists the others' {
        $err = $null
        $out = Get-NetNsLink -Namespace $x, "${prefix}missing" -Name lo -ErrorVariable err -ErrorAction SilentlyContinue
        $out.Namespace | Should -Be $x
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'NetNsNotFound,*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'lists every namespace when omitted' {
        (Get-NetNsLink -Name lo).Namespace | Should -Contain $y
    }
}

Describe 'NetTCPIP parameter names' -Tag RequireRoot, Integration {
    It '-InterfaceAlias, -IPAddress and -PrefixLength add an address' {
        New-NetNsAddress -Namespace $y -InterfaceAlias zx -IPAddress 10.253.2.2 -PrefixLength 24 | Out-Null
        (& ip -n $y -o -4 addr show dev zx) -join "`n" | Should -Match 'inet 10\.253\.2\.2/24'
    }

    It '-DestinationPrefix, -NextHop and -RouteMetric add a route' {
        New-NetNsRoute -Namespace $y -DestinationPrefix 10.99.0.0/16 -NextHop 10.253.1.1 -RouteMetric 77 | Out-Null
        (& ip -n $y route show 10.99.0.0/16) | Should -Match 'via 10\.253\.1\.1 dev yx metric 77'
    }

    It '-PrefixLength that contradicts the address is an error' {
        $e = Get-ErrorRecord { New-NetNsAddress -Namespace $y -Interface zx -IPAddress 10.253.2.3/24 -PrefixLength 16 }
        $e.FullyQualifiedErrorId | Should -BeLike 'PrefixLengthConflict,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
}

Describe 'Programs that cannot start, progress and verbose output' -Tag RequireRoot, Integration {
    It 'Invoke-NetNs with a missing program is an ObjectNotFound error, not an exit code' {
        $e = Get-ErrorRecord { Invoke-NetNs -Name $x -Command no-such-program-mt }
        $e.FullyQualifiedErrorId | Should -BeLike 'ProgramNotFound,*'
        $e.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'New-NetLab writes progress records' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$ModuleManifest'; `$ProgressPreference = 'Continue'; New-NetLab -Template quic-nat -Name '${prefix}progress' -Prefix '${prefix}p-' | Out-Null; Remove-NetLab -Name '${prefix}progress' -Confirm:`$false")
            $null = $ps.Invoke()
            $ps.Streams.Error | Should -BeNullOrEmpty
            $activities = $ps.Streams.Progress | ForEach-Object Activity | Sort-Object -Unique
            $activities | Should -Contain "Building lab ${prefix}progress"
            ($ps.Streams.Progress | Where-Object RecordType -eq 'Completed') | Should -Not -BeNullOrEmpty
        } finally { $ps.Dispose() }
    }

    It '-Verbose says what a state-changing cmdlet changed' {
        $messages = Set-NetNsSysctl -Namespace $x -Name net.ipv4.conf.xy.rp_filter -Value 2 -Verbose 4>&1
        ($messages | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" |
            Should -Match "Set net\.ipv4\.conf\.xy\.rp_filter = 2 in '$([regex]::Escape($x))' \(was \d\)"
    }

    It 'Remove-ConntrackEntry -PassThru returns the entries it removed' {
        New-FlowMapping -Namespace $x -VirtualAddress 10.99.9.9 -Target 10.253.1.2 | Out-Null
        # The virtual address needs a route before the NAT rewrites it.
        New-NetNsRoute -Namespace $x -Destination 10.99.9.9 -Interface xy | Out-Null
        try {
            Invoke-NetNs -Name $x -Command ping -ArgumentList '-c', '2', '-i', '0.1', '-W', '1', '10.99.9.9' | Out-Null
            $removed = @(Remove-ConntrackEntry -Namespace $x -Destination 10.99.9.9 -PassThru -Confirm:$false)
            $removed.Count | Should -BeGreaterThan 0
            $removed[0] | Should -BeOfType ([MigrationTools.Engine.Conntrack.ConntrackEntry])
            "$($removed[0].Destination)" | Should -Be '10.99.9.9'
            Get-ConntrackEntry -Namespace $x -Destination 10.99.9.9 | Should -BeNullOrEmpty
        } finally { Remove-FlowMapping -Namespace $x -VirtualAddress 10.99.9.9 -Confirm:$false }
    }
}

Describe 'Names that match nothing' -Tag RequireRoot, Integration {
    It 'a counter name with a typo is CounterNotFound with what was meant, not an empty answer' {
        $e = Get-ErrorRecord ([scriptblock]::Create("Get-NetNsCounter -Namespace '$x' -Name Icmp6InEcho"))
        $e.FullyQualifiedErrorId | Should -BeLike 'CounterNotFound,*'
        $e.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        "$e" | Should -BeLike '*Did you mean Icmp6InEchos*'
        # A wildcard that matches nothing is still an empty answer, not an error.
        @(Get-NetNsCounter -Namespace $x -Name 'NoSuchCounter*' -ErrorAction Stop).Count | Should -Be 0
    }
}

Describe 'Tab completion' -Tag RequireRoot, Integration {
    It 'completes the addresses on an interface' {
        Complete "Remove-NetNsAddress -Namespace $x -Interface xy -Address " | Should -Contain '10.253.1.1/24'
    }
    It 'completes route destinations' {
        Complete "Remove-NetNsRoute -Namespace $y -Destination 10.99" | Should -Contain '10.99.0.0/16'
    }
    It 'completes sysctl keys' {
        Complete "Get-NetNsSysctl -Namespace $x -Name net.ipv4.ip_f" | Should -Contain 'net.ipv4.ip_forward'
    }
    It 'completes counter names' {
        Complete "Get-NetNsCounter -Namespace $x -Name Icmp6InE" | Should -Contain 'Icmp6InEchos'
    }
    It 'completes interface names of the namespace given' {
        Complete "Get-NetNsLink -Namespace $x -Name x" | Should -Be @('xy', 'xz')
    }
    It 'completes lab templates' {
        Complete 'New-NetLab -Template quic' | Should -Be @('quic-lb', 'quic-migration', 'quic-nat')
    }
}

Describe 'Help' -Tag Unit {
    It 'has the about_MigrationTools topic' {
        $about = Get-Help about_MigrationTools | Out-String
        $about | Should -Match 'STATE UNDER /run'
        $about | Should -Match 'CAPTURES AND KEYS'
    }

    It 'has the lab file topic, with a complete example that is a valid lab file' {
        $text = Get-Help about_MigrationTools_Labs | Out-String
        $text | Should -Match 'A COMPLETE EXAMPLE'
        $start = $text.IndexOf('    @{')
        $end = $text.IndexOf("`n  KEYS")
        $file = Join-Path ([IO.Path]::GetTempPath()) "mtt-about-$([Guid]::NewGuid().ToString('N')).psd1"
        try {
            Set-Content -Path $file -Value $text.Substring($start, $end - $start)
            $lab = Show-NetLab -Path $file
            $lab | Should -Match 'h1'
            $lab | Should -Match 'r2'
        } finally { Remove-Item $file -ErrorAction SilentlyContinue }
    }

    It 'has a README whose lab file example is a valid lab file' {
        $readme = Get-Content -Raw (Join-Path $RepoRoot 'README.md')
        $match = [regex]::Match($readme, '(?s)```powershell\r?\n(@\{\r?\n  Name  = .*?\r?\n\})\r?\n```')
        $match.Success | Should -BeTrue
        $file = Join-Path ([IO.Path]::GetTempPath()) "mtt-readme-$([Guid]::NewGuid().ToString('N')).psd1"
        try {
            Set-Content -Path $file -Value $match.Groups[1].Value
            $drawing = Show-NetLab -Path $file | Out-String
            foreach ($node in 'h1', 'r1', 'h2') { $drawing | Should -Match $node }
        } finally { Remove-Item $file -ErrorAction SilentlyContinue }
    }

    It 'shows the comment-based help of <Script>' -ForEach @(
        Get-ChildItem (Join-Path $PSScriptRoot '../../examples') -Filter *.ps1 | ForEach-Object { @{ Script = $_.Name; Path = $_.FullName } }
    ) {
        $help = Get-Help $Path -Full
        $help.Synopsis | Should -Not -BeLike "*$Script*"
        ($help.description | Out-String).Trim() | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterThan 0
    }
}

Describe 'Default views' -Tag Unit {
    It 'name every column that shows a property by that property, so what a user sees is what Select-Object and Where-Object take' {
        [xml] $format = Get-Content -Raw (Join-Path (Split-Path $ModuleManifest) 'MigrationTools.Format.ps1xml')
        $mismatches = foreach ($view in $format.Configuration.ViewDefinitions.View) {
            $table = $view.TableControl
            if (-not $table) { continue }
            $labels = @($table.TableHeaders.TableColumnHeader | ForEach-Object Label)
            $items = @($table.TableRowEntries.TableRowEntry.TableColumnItems.TableColumnItem)
            for ($i = 0; $i -lt $items.Count; $i++) {
                if ($items[$i].PropertyName -and $labels[$i] -and $labels[$i] -ne $items[$i].PropertyName) { "$($view.Name): $($labels[$i]) shows $($items[$i].PropertyName)" }
            }
        }
        $mismatches | Should -BeNullOrEmpty
    }
}

Describe 'Readable exports' -Tag Unit {
    It 'events carry their kind as a name in JSON and CSV' {
        $event = [MigrationTools.Analysis.Quic.QuicProbeEvent]@{ Kind = [MigrationTools.Analysis.Quic.QuicProbeEventKind]::SourceAddressMismatch; Connection = 'c1' }
        ($event | ConvertTo-Json | ConvertFrom-Json).KindName | Should -Be 'SourceAddressMismatch'
        ($event | ConvertTo-Csv | ConvertFrom-Csv).KindName | Should -Be 'SourceAddressMismatch'
    }
}

Describe 'The demo' -Tag RequireRoot, Integration {
    It 'runs both experiments and prints the verdicts a newcomer needs' {
        $out = Join-Path ([IO.Path]::GetTempPath()) "${prefix}demo"
        try {
            $text = & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $RepoRoot 'examples/demo.ps1') -ModuleManifest $ModuleManifest -OutputDirectory $out 2>&1 | Out-String
            $LASTEXITCODE | Should -Be 0
            $text | Should -Match 'Ping flow: +\d+ echo requests sent, \d+ answered, 0 lost; [1-9]\d* reached C and [1-9]\d* reached D'
            $text | Should -Match 'QUIC, ngtcp2, correct: +Passed; download complete; verdicts: none\.'
            $text | Should -Match 'QUIC, ngtcp2, faulty: +Failed; download stalled; verdicts: .*SourceAddressMismatch'
            $text | Should -Match 'QUIC, ngtcp2, faulty: .*UnansweredChallenge'
            $text | Should -Match 'QUIC, quic-go, correct: +Failed; .*\. \S'
            Test-Path (Join-Path $out 'ping-flow.svg') | Should -BeTrue
        } finally {
            Remove-Item -Recurse -Force $out -ErrorAction SilentlyContinue
        }
    }
}
