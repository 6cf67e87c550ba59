#Requires -Version 7.4
# Meta-tests: every exported cmdlet follows the module's conventions.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:cmdlets = Get-Command -Module MigrationTools -CommandType Cmdlet | ForEach-Object { @{ Name = $_.Name } }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:stateChangingVerbs = 'New', 'Remove', 'Set', 'Connect', 'Disconnect', 'Enable', 'Disable', 'Stop', 'Start', 'Switch', 'Invoke', 'Add', 'Clear', 'Reset', 'Restart'
    $script:common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
}

Describe 'Module manifest' -Tag Unit {
    It 'exports exactly the cmdlets the assembly defines' {
        $manifest = Import-PowerShellDataFile $ModuleManifest
        $defined = [MigrationTools.MigrationToolsCmdlet].Assembly.GetExportedTypes() |
            Where-Object { -not $_.IsAbstract -and $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
            ForEach-Object { $a = $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]; "$($a.VerbName)-$($a.NounName)" }
        @($manifest.CmdletsToExport | Sort-Object) | Should -Be @($defined | Sort-Object)
        $manifest.FunctionsToExport | Should -BeNullOrEmpty
        $manifest.PowerShellVersion | Should -Be '7.4'
    }

    It 'has the default views for its output types' {
        $types = 'NetNamespace', 'NetInterface', 'VethPair', 'NetAddress', 'NetRoute', 'NetNsProcess', 'NetNsCommandResult', 'IpipTunnel', 'QuicProbeEvent', 'QuicConnectionSummary',
            'NetLab', 'NetLabTemplate', 'LabReachability', 'FlowMapping', 'ConntrackEntry', 'NetNsCounter', 'NetNsSysctlSetting'
        $formatted = (Get-FormatData -TypeName 'MigrationTools.*').TypeNames
        foreach ($t in $types) { $formatted | Where-Object { $_ -like "*.$t" } | Should -Not -BeNullOrEmpty -Because "$t needs a default view" }
    }

    It 'names in its views only types that exist' {
        [xml] $format = Get-Content (Join-Path (Split-Path $ModuleManifest) 'MigrationTools.Format.ps1xml') -Raw
        foreach ($name in $format.SelectNodes('//TypeName').InnerText) {
            ($name -as [type]) | Should -Not -BeNullOrEmpty -Because "the view for $name must select a real type"
        }
    }

    It 'lets a fresh session name the public types of every engine assembly before any cmdlet ran' {
        # A fresh process: this one has long loaded every assembly through the cmdlets.
        $script = "Import-Module '$ModuleManifest'; " +
            "[MigrationTools.Core.Errors.ErrorIds]::NetNsNotFound; [MigrationTools.Analysis.Charts.CounterTimeline].Name; [MigrationTools.Engine.Namespaces.NetNamespace].Name"
        $out = & ([Environment]::ProcessPath) (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $script 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($out | Out-String)
        $out | Should -Be @('NetNsNotFound', 'CounterTimeline', 'NetNamespace')
    }
}

Describe 'Cmdlet <Name>' -Tag Unit -ForEach $cmdlets {
    BeforeAll {
        $cmd = Get-Command $Name
        $help = Get-Help $Name -Full
    }

    It 'uses an approved verb' {
        (Get-Verb).Verb | Should -Contain $cmd.Verb
    }

    It 'asks ShouldProcess before it changes state (-WhatIf, -Confirm)' {
        if ($cmd.Verb -in $stateChangingVerbs) {
            $cmd.Parameters.Keys | Should -Contain 'WhatIf'
            $cmd.Parameters.Keys | Should -Contain 'Confirm'
            # Declaring SupportsShouldProcess is not enough: the cmdlet's source must ask before acting.
            $text = ''
            for ($type = $cmd.ImplementingType; $type -and $type.Name -ne 'MigrationToolsCmdlet'; $type = $type.BaseType) {
                $source = Get-ChildItem (Join-Path $RepoRoot 'src/MigrationTools/Commands') -Filter "$($type.Name).cs"
                $source | Should -Not -BeNullOrEmpty -Because "$($type.Name) lives in a file of its name"
                $text += Get-Content -Raw $source.FullName
            }
            $text | Should -Match 'ShouldProcess\('
        }
    }

    It 'documents its inputs, outputs and related commands' {
        $help.inputTypes.inputType | Should -Not -BeNullOrEmpty
        $help.returnValues.returnValue | Should -Not -BeNullOrEmpty
        $links = @($help.relatedLinks.navigationLink.linkText)
        $links | Should -Contain 'about_MigrationTools'
        $links.Count | Should -BeGreaterThan 1
    }

    It 'declares its output type' {
        $cmd.OutputType | Should -Not -BeNullOrEmpty
    }

    It 'has a synopsis and a description' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -BeLike "*$Name *[<CommonParameters>]*"
        ($help.description | Out-String).Trim() | Should -Not -BeNullOrEmpty
    }

    It 'has at least one example' {
        @($help.examples.example).Count | Should -BeGreaterThan 0
        $help.examples.example[0].code | Should -Not -BeNullOrEmpty
    }

    It 'documents every parameter' {
        foreach ($p in $cmd.Parameters.Keys | Where-Object { $_ -notin $common }) {
            $text = (Get-Help $Name -Parameter $p).description | Out-String
            $text.Trim() | Should -Not -BeNullOrEmpty -Because "-$p of $Name needs a description"
        }
    }

    It 'has completers for namespace and interface parameters' {
        # Connect-NetNs names new interfaces: there is nothing to complete for them.
        $interfaces = if ($cmd.Name -eq 'Connect-NetNs') { @() } else { 'Interface', 'PeerInterface' }
        foreach ($p in $cmd.Parameters.Values | Where-Object { $_.Name -in @('Namespace', 'Peer') + $interfaces -or ($_.Name -eq 'Name' -and $cmd.Noun -in 'NetNs', 'NetNsLink' -and $cmd.Verb -ne 'New') }) {
            $p.Attributes.Where({ $_ -is [System.Management.Automation.ArgumentCompleterAttribute] }) | Should -Not -BeNullOrEmpty -Because "-$($p.Name) of $Name should complete"
        }
    }
}

Describe 'Runtime contexts' -Tag RequireRoot {
    # The analysis needs neither root nor namespaces: an ordinary user reads a capture with Watch-QuicProbe -Path.
    # The oracle is the kernel's own credential check: the child runs with uid/gid 65534 and no capabilities.
    BeforeAll {
        $script:sandbox = Join-Path ([System.IO.Path]::GetTempPath()) "mt-nonroot-$PID"
        $null = New-Item -ItemType Directory -Force -Path (Join-Path $sandbox 'home')
        # PowerShell as the tool restored it lives under root's home, which others cannot read: a readable copy.
        $pwshDll = (Get-Process -Id $PID).CommandLine -split ' ' | Where-Object { $_ -like '*pwsh.dll' } | Select-Object -First 1
        if (-not $pwshDll) { $pwshDll = Join-Path $PSHOME 'pwsh.dll' }
        Copy-Item (Split-Path $pwshDll) (Join-Path $sandbox 'pwsh') -Recurse
        Copy-Item (Split-Path $ModuleManifest) (Join-Path $sandbox 'module') -Recurse
        # One IPv4/UDP datagram to port 4433 whose payload starts like a QUIC Initial: enough for the reader to analyse.
        [byte[]] $payload = @(0xc3, 0, 0, 0, 1, 8) + (, 0 * 8) + @(0) + (, 0 * 40)
        $udpLength = 8 + $payload.Length
        [byte[]] $udp = @(0xc3, 0x50, 0x11, 0x51, ($udpLength -shr 8), ($udpLength -band 0xff), 0, 0) + $payload
        $ipLength = 20 + $udp.Length
        [byte[]] $ip = @(0x45, 0, ($ipLength -shr 8), ($ipLength -band 0xff), 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2) + $udp
        $stream = [System.IO.MemoryStream]::new()
        $writer = [System.IO.BinaryWriter]::new($stream)
        $writer.Write([uint32]2712847316); $writer.Write([uint16]2); $writer.Write([uint16]4); $writer.Write([int32]0); $writer.Write([uint32]0); $writer.Write([uint32]65535); $writer.Write([uint32]101)
        $writer.Write([uint32]1); $writer.Write([uint32]0); $writer.Write([uint32]$ip.Length); $writer.Write([uint32]$ip.Length); $writer.Write($ip)
        $writer.Flush()
        $script:capture = Join-Path $sandbox 'one.pcap'
        [System.IO.File]::WriteAllBytes($capture, $stream.ToArray())
        & chmod -R a+rX $sandbox
        & chown 65534:65534 (Join-Path $sandbox 'home')
    }
    AfterAll { Remove-Item $sandbox -Recurse -Force -ErrorAction SilentlyContinue }

    It 'Watch-QuicProbe -Path reads a capture as an ordinary user' {
        $script = "Import-Module '$sandbox/module/MigrationTools.psd1'; 'uid=' + (& id -u); " +
            "Watch-QuicProbe -Path '$capture' -ErrorAction Stop -Verbose 4>&1 | ForEach-Object { 'verbose=' + `$_ }"
        $out = & setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all env "HOME=$sandbox/home" "DOTNET_CLI_HOME=$sandbox/home" `
            dotnet "$sandbox/pwsh/pwsh.dll" -NoProfile -NonInteractive -Command $script 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($out | Out-String)
        $out | Should -Contain 'uid=65534'
        # The count is the oracle's: the capture holds one frame and one UDP datagram.
        ($out | Where-Object { $_ -like 'verbose=1 frames, 1 UDP datagrams*' }) | Should -Not -BeNullOrEmpty -Because ($out | Out-String)
    }
}
