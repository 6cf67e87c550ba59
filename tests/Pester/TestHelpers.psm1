<#
.SYNOPSIS
    What the Pester tests share: unique namespace prefixes, cleanup that works even when the module is what broke,
    error records from a script block, process checks, and a child PowerShell session to kill.
#>

function New-TestPrefix {
    <# .SYNOPSIS Every namespace a test makes starts with this: `mtt-` and a random part, so runs never collide. #>
    'mtt-' + [Guid]::NewGuid().ToString('N').Substring(0, 6) + '-'
}

function Remove-TestNamespace {
    <#
    .SYNOPSIS
        Removes every lab and namespace with the prefix: through the module first, then with iproute2 and kill, so
        that cleanup works even when the module itself is what broke.
    #>
    param([Parameter(Mandatory)] [string] $Prefix)
    Get-NetLab -ErrorAction SilentlyContinue | Where-Object { $_.Prefix -like "$Prefix*" -or $_.Name -like "$Prefix*" } | Remove-NetLab -Confirm:$false -ErrorAction SilentlyContinue
    Get-NetNs -Name "$Prefix*" -ErrorAction SilentlyContinue | Remove-NetNs -Confirm:$false -ErrorAction SilentlyContinue
    $left = @(& ip netns list | ForEach-Object { ($_ -split ' ')[0] } | Where-Object { $_ -like "$Prefix*" })
    if ($left -and $env:MIGRATIONTOOLS_CLEANUP_LOG) {
        # The module failed to remove these: record it, so the last test file fails on it (zz.NoLeftovers).
        Add-Content -Path $env:MIGRATIONTOOLS_CLEANUP_LOG -Value ($left | ForEach-Object { "$_ was left by the module's own removal" })
    }
    foreach ($name in $left) {
        & ip netns pids $name | ForEach-Object { & kill -9 $_ 2>$null }
        & ip netns delete $name 2>$null
    }
}

function Get-ErrorRecord {
    <#
    .SYNOPSIS
        Runs a script block and returns the first ErrorRecord it raised, terminating or not, or $null. The block runs
        in the caller's scope (its variables), and non-terminating errors are caught as well as terminating ones.
    #>
    param([Parameter(Mandatory)] [scriptblock] $Script)
    try {
        $output = & $Script 2>&1
        return @($output | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }) | Select-Object -First 1
    } catch {
        return $_
    }
}

function Test-KernelIpip {
    <# .SYNOPSIS True when this kernel can make an ipip device: asked with iproute2 in a throwaway network namespace (unshare -n), not by the module. #>
    if (-not (Test-IsRoot)) { return $false }
    & unshare -n ip link add ipprobe type ipip local 192.0.2.1 remote 192.0.2.2 *> $null
    $LASTEXITCODE -eq 0
}

function Test-IsRoot { <# .SYNOPSIS True when running as root. #> (& id -u) -eq '0' }

function Test-ProcessAlive {
    <# .SYNOPSIS True while a process exists and is not a zombie. #>
    param([Parameter(Mandatory)] [int] $ProcessId)
    $stat = Get-Content -Raw "/proc/$ProcessId/stat" -ErrorAction SilentlyContinue
    if (-not $stat) { return $false }
    $state = $stat.Substring($stat.LastIndexOf(')') + 2, 1)
    return $state -notin 'Z', 'X'
}

function Start-ChildSession {
    <#
    .SYNOPSIS
        Starts `dotnet pwsh` running -Script (with the module imported) in a process of its own, and returns the
        process: a session a test can kill with SIGKILL. Its output goes to -OutputPath (and .err).
    #>
    param(
        [Parameter(Mandatory)] [string] $ModuleManifest,
        [Parameter(Mandatory)] [string] $Script,
        [Parameter(Mandatory)] [string] $OutputPath
    )
    $command = "`$ErrorActionPreference = 'Stop'; Import-Module '$ModuleManifest'; $Script"
    $repo = Split-Path (Split-Path $PSScriptRoot)
    # The dotnet host runs this session's own pwsh.dll directly: one process (`dotnet pwsh` would start a tool
    # shim that starts pwsh, and killing the shim would leave the session running).
    Start-Process -FilePath ([Environment]::ProcessPath) -ArgumentList (Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-NonInteractive', '-Command', $command -WorkingDirectory $repo `
        -RedirectStandardOutput $OutputPath -RedirectStandardError "$OutputPath.err" -PassThru
}

function Stop-ProcessTree {
    <# .SYNOPSIS Sends SIGKILL to a process (not its children: what it started must die by itself). #>
    param([Parameter(Mandatory)] [int] $ProcessId)
    & kill -KILL $ProcessId 2>$null
}

function New-TestQuicLbLab {
    <#
    .SYNOPSIS
        Builds the shipped quic-lb lab under a prefix and returns its namespaces and addresses by role (remove it
        with Remove-NetLab -Name $lab.Name).
    #>
    param([Parameter(Mandatory)] [string] $Prefix, [string] $TunnelMode = 'Auto')
    $netLab = New-NetLab -Template quic-lb -Name "${Prefix}quic-lb" -Prefix $Prefix -TunnelMode $TunnelMode
    [pscustomobject]@{
        Name = $netLab.Name
        Client = $netLab.NamespaceOf('client'); Router = $netLab.NamespaceOf('router1'); Server = $netLab.NamespaceOf('server')
        Vip = '10.250.1.1'; Port = 8889
        ClientPath1 = '10.200.0.2'; RouterPath1 = '10.200.0.254'; ClientPath2 = '10.210.0.2'; RouterPath2 = '10.210.0.254'
        RouterServerNet = '10.220.0.254'; ServerReal = '10.220.0.2'
        TunnelMode = (Get-IpipTunnel -Namespace $netLab.NamespaceOf('router1') -Name ipip0).Mode
    }
}

function New-TestQuicNatLab {
    <# .SYNOPSIS Builds the shipped quic-nat lab under a prefix and returns its namespaces and addresses by role. #>
    param([Parameter(Mandatory)] [string] $Prefix)
    $netLab = New-NetLab -Template quic-nat -Name "${Prefix}quic-nat" -Prefix $Prefix
    [pscustomobject]@{
        Name = $netLab.Name
        Client = $netLab.NamespaceOf('client'); Nat = $netLab.NamespaceOf('nat'); Server = $netLab.NamespaceOf('server')
        ClientAddress = '10.230.0.2'; NatOutside = '10.240.0.1'; ServerAddress = '10.240.0.2'; Port = 4433; NatPort = 20000
    }
}

function Get-QlogPathFrame {
    <#
    .SYNOPSIS
        The PATH_CHALLENGE and PATH_RESPONSE frames that ngtcp2's own qlogs (JSON-SEQ) record as sent, read here
        with ConvertFrom-Json: an oracle independent of the module's qlog reader. One object per frame sent:
        Kind (PathChallenge or PathResponse), Data (hex), Vantage (client or server).
    #>
    param([Parameter(Mandatory)] [string[]] $Path)
    foreach ($file in Get-ChildItem -Path $Path -File) {
        $records = ([IO.File]::ReadAllText($file.FullName) -split [char]0x1e) | Where-Object { $_.Trim() }
        $vantage = $null
        foreach ($record in $records) {
            # A peer stopped by a signal can leave its last record cut short.
            try { $item = $record | ConvertFrom-Json } catch { continue }
            if ($item.trace) { $vantage = $item.trace.vantage_point.type; continue }
            if ($item.name -ne 'transport:packet_sent') { continue }
            foreach ($frame in $item.data.frames | Where-Object { $_.frame_type -in 'path_challenge', 'path_response' }) {
                [pscustomobject]@{ Kind = if ($frame.frame_type -eq 'path_challenge') { 'PathChallenge' } else { 'PathResponse' }; Data = $frame.data; Vantage = $vantage }
            }
        }
    }
}

function Start-TestCapture {
    <#
    .SYNOPSIS
        Starts tcpdump in a namespace in the background (text output, line-buffered) and returns once it says it is
        listening, so that no packet sent after this returns can be missed. Stop it with Stop-NetNsProcess.
    #>
    param(
        [Parameter(Mandatory)] [string] $Namespace,
        [Parameter(Mandatory)] [string] $Interface,
        [Parameter(Mandatory)] [string] $Filter,
        [int] $Count = 1,
        [switch] $Detailed
    )
    $arguments = @('-Z', 'root', '--immediate-mode', '-n', '-l') + $(if ($Detailed) { '-v' }) + @('-c', $Count, '-i', $Interface, '--', $Filter)
    $capture = Invoke-NetNs -Name $Namespace -Command tcpdump -ArgumentList $arguments -Background
    $deadline = [DateTime]::UtcNow.AddSeconds(15)
    while ((Get-Content -Raw $capture.ErrorPath -ErrorAction SilentlyContinue) -notmatch 'listening on') {
        if ([DateTime]::UtcNow -gt $deadline -or -not $capture.IsRunning) {
            $capture | Stop-NetNsProcess -Confirm:$false -ErrorAction SilentlyContinue
            throw "tcpdump in $Namespace did not start listening on ${Interface}: $(Get-Content -Raw $capture.ErrorPath -ErrorAction SilentlyContinue)"
        }
        Start-Sleep -Milliseconds 50
    }
    $capture
}

Export-ModuleMember -Function Get-QlogPathFrame, Test-KernelIpip, New-TestQuicLbLab, New-TestQuicNatLab, New-TestPrefix, Remove-TestNamespace, Get-ErrorRecord, Test-IsRoot, Test-ProcessAlive, Start-ChildSession, Stop-ProcessTree, Start-TestCapture
