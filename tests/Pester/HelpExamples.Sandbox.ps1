#Requires -Version 7.4
<#
.SYNOPSIS
    Runs every example of the module's help as written, inside a sandbox, and writes one result per example as JSON.
.DESCRIPTION
    Started by HelpExamples.Tests.ps1 under `unshare --mount --pid --fork --mount-proc` with fresh tmpfs mounts on
    /run and /tmp: the examples' own names (A, B, client, router1, q1-*, lab-*) then live in a namespace directory
    and a state directory of their own, invisible to the machine, and every process they start ends with this one.
    It refuses to run anywhere else.

    Each cmdlet's examples run in order in one scope (a later example may use an earlier one's variables, as the help
    shows them), in a fresh working directory, after the setup below has built what the help says they assume.
    Before each cmdlet the sandbox is emptied: every lab and namespace in it is removed.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $ResultFile,
    [Parameter(Mandatory)] [string] $RepoRoot
)
$ErrorActionPreference = 'Stop'

# The sandbox's own mounts, or nothing at all: this script removes every namespace it can see.
$mounts = Get-Content /proc/self/mountinfo | ForEach-Object { $f = $_ -split ' '; "$($f[4]) $($f[-3])" }
foreach ($dir in '/run', '/tmp') {
    if ("$dir tmpfs" -notin $mounts) { throw "Not in the help-example sandbox: $dir is not a private tmpfs." }
}
Import-Module $ModuleManifest -Force
$hasNetem = $(& unshare -n sh -c 'ip link set lo up && tc qdisc add dev lo root netem delay 1ms' *> $null; $LASTEXITCODE -eq 0)

# What the help assumes before each cmdlet's examples, in the help's own words where it has them.
function New-PingLab([string] $Prefix = '') { New-NetLab -Template ping-flow -Prefix $Prefix | Out-Null }
function New-QuicLab([string] $Prefix = '') { New-NetLab -Template quic-lb -Prefix $Prefix | Out-Null }
function Send-Ping([string] $Namespace, [string] $To) { Invoke-NetNs -Name $Namespace -Command ping -ArgumentList '-c', '1', '-W', '1', $To | Out-Null }
# ./impls/my-quic.psd1: the shipped ngtcp2 file under the name the help gives a user's own implementation.
function New-OwnImplementation {
    $null = New-Item -ItemType Directory -Force -Path ./impls
    (Get-Content -Raw (Join-Path (Split-Path (Get-Module MigrationTools).Path) 'quic/ngtcp2.psd1')) -replace "Name\s*=\s*'ngtcp2'", "Name = 'my-quic'" | Set-Content ./impls/my-quic.psd1
}
$setups = @{
    'Connect-NetNs'              = { New-NetNs -Name A, B | Out-Null }
    'Disable-NetNsForwarding'    = { New-PingLab }
    'Enable-NetNsForwarding'     = { New-PingLab }
    'Export-NetLab'              = { New-PingLab 'lab-'; New-QuicLab 'q1-' }
    'Get-ConntrackEntry'         = { New-PingLab; Send-Ping A fe00::1 }
    'Get-FlowMapping'            = { New-PingLab; New-PingLab 'lab-' }
    'Get-IpipTunnel'             = { New-QuicLab }
    'Get-NetLab'                 = { New-PingLab; Set-NetNsLink -Namespace A -Name a-b -State Down }
    'Get-NetNs'                  = { New-PingLab 'lab-'; New-QuicLab 'q1-' }
    'Get-NetNsAddress'           = { New-PingLab }
    'Get-NetNsCounter'           = { New-PingLab; Send-Ping A fe00::1 }
    'Get-NetNsLink'              = { New-PingLab; New-PingLab 'lab-' }
    'Get-NetNsLinkImpairment'    = { New-PingLab; Set-NetNsLinkImpairment -Namespace A -Name a-b -LossPercent 5 | Out-Null }
    'Get-NetNsProcess'           = { New-PingLab 'lab-'; Invoke-NetNs -Name lab-A -Command ping -ArgumentList 'fe00::1' -Background | Out-Null }
    'Get-NetNsRoute'             = { New-QuicLab }
    'Get-QuicImplementation'     = { New-OwnImplementation }
    'Get-NetNsSysctl'            = { New-QuicLab }
    'Invoke-NetNs'               = { New-PingLab; New-QuicLab }
    'New-FlowMapping'            = { New-PingLab; Remove-FlowMapping -Namespace A -VirtualAddress fe00::1 }
    'New-NetLab'                 = {
        # The lab file of about_MigrationTools_Labs, "A COMPLETE EXAMPLE", saved as the help's ./diamond.psd1.
        $about = (Get-Help about_MigrationTools_Labs | Out-String) -split "`n"
        $start = [array]::FindIndex($about, [Predicate[string]] { $args[0] -match 'A COMPLETE EXAMPLE' })
        $end = [array]::FindIndex($about, [Predicate[string]] { $args[0] -match '^\s*KEYS\s*$' })
        if ($start -lt 0 -or $end -lt $start) { throw 'about_MigrationTools_Labs has no complete example.' }
        Set-Content -Path ./diamond.psd1 -Value $about[($start + 1)..($end - 1)]
    }
    'New-NetNs'                  = { }
    'New-NetNsAddress'           = {
        New-PingLab
        Remove-NetNsAddress -Namespace A -Interface a-b -Address fd00:ab::a
        New-NetNs -Name client, router1 | Out-Null
        Connect-NetNs -Name client -Peer router1 -Interface eth0 -PeerInterface eth1 | Out-Null
    }
    'New-NetNsRoute'             = {
        New-PingLab; New-QuicLab
        Remove-NetNsRoute -Namespace A -Destination default -Gateway fd00:ab::b
        Remove-NetNsRoute -Namespace client -Destination 10.250.1.1/32
    }
    'Remove-ConntrackEntry'      = { New-PingLab; Send-Ping A fe00::1 }
    'Remove-FlowMapping'         = { New-PingLab }
    'Remove-IpipTunnel'          = { New-QuicLab }
    'Remove-NetLab'              = { New-QuicLab 'q1-'; New-PingLab }
    'Remove-NetNs'               = { New-PingLab; New-PingLab 'lab-' }
    'Remove-NetNsAddress'        = { New-PingLab }
    'Remove-NetNsLink'           = { New-PingLab }
    'Remove-NetNsLinkImpairment' = { New-PingLab; Set-NetNsLinkImpairment -Namespace A -Name a-b -LossPercent 5 | Out-Null }
    'Remove-NetNsRoute'          = { New-PingLab; New-QuicLab }
    'Repair-NetLab'              = { New-QuicLab 'q1-'; Set-NetNsLink -Namespace q1-client -Name eth1 -State Down }
    'Set-IpipTunnel'             = { New-QuicLab; Get-IpipTunnel | Remove-IpipTunnel }
    'Set-NetNsLink'              = { New-PingLab }
    'Set-NetNsLinkImpairment'    = @{ Setup = { New-PingLab }; Skip = if (-not $hasNetem) { 'the kernel has no sch_netem (the example sets a delay)' } }
    'Set-NetNsRoute'             = { New-QuicLab }
    'Set-NetNsSysctl'            = { New-QuicLab }
    'Show-NetLab'                = { New-QuicLab 'q1-' }
    'Start-NetNsCapture'         = { New-QuicLab }
    'Stop-NetNsCapture'          = {
        New-QuicLab
        $capture = Start-NetNsCapture -Namespace router1 -Path ./capture.pcapng
        Start-NetNsCapture -Namespace router1 -Interface eth2 -Path ./eth2.pcap | Out-Null
    }
    'Stop-NetNsProcess'          = { New-PingLab; Invoke-NetNs -Name C -Command ncat -ArgumentList '-u', '-l', 'fc01::1', '5555' -Background | Out-Null }
    'Switch-FlowTarget'          = { New-PingLab; Invoke-NetNs -Name A -Command ping -ArgumentList 'fe00::1' -Background | Out-Null }
    'Test-NetLab'                = { New-QuicLab 'q1-' }
    'Test-QuicMigration'         = { New-OwnImplementation }
    'Watch-QuicProbe'            = {
        # A real capture and key log: the QUIC experiment's own example, with a short download.
        $run = Join-Path (Get-Location) 'run'
        & (Join-Path $RepoRoot 'examples/quic-lb-lab.ps1') -OutputDirectory $run -DownloadSize 2MB -MigrateAfterMs 200 6>$null | Out-Null
        Copy-Item "$run/router1.pcap" ./router1.pcap
        Copy-Item "$run/client.pcap" ./client.pcap
        Copy-Item "$run/keylog.txt" ./keylog.txt
        Copy-Item "$run/keylog.txt" ./keys.log
        New-QuicLab
    }
}

function Clear-Sandbox {
    Get-NetNsProcess -ErrorAction SilentlyContinue | Where-Object IsRunning | Stop-NetNsProcess -ErrorAction SilentlyContinue
    Remove-NetLab -All -Force -ErrorAction SilentlyContinue
    Get-NetNs | Remove-NetNs -Confirm:$false -ErrorAction SilentlyContinue
}

$results = [System.Collections.Generic.List[object]]::new()
$commands = Get-Command -Module MigrationTools -CommandType Cmdlet | Sort-Object Name
foreach ($command in $commands) {
    $examples = @((Get-Help $command.Name -Full).examples.example)
    if (-not $examples) { continue }
    $entry = $setups[$command.Name]
    $setup = if ($entry -is [hashtable]) { $entry.Setup } else { $entry }
    $skip = if ($entry -is [hashtable]) { $entry.Skip } else { $null }
    Clear-Sandbox
    $work = Join-Path '/tmp/examples' $command.Name
    $null = New-Item -ItemType Directory -Force -Path $work
    Push-Location $work
    try {
        # One scope per cmdlet: the setup's variables and each example's are there for the next example.
        $groupResults = & {
            $ErrorActionPreference = 'Stop'
            $ConfirmPreference = 'High'
            $setupError = $null
            if ($null -eq $setup) { $setupError = "no setup for $($command.Name) in HelpExamples.Sandbox.ps1" }
            elseif (-not $skip) { try { . $setup } catch { $setupError = "setup failed: $_" } }
            $index = 0
            foreach ($example in $examples) {
                $index++
                $code = ($example.code | Out-String).Trim()
                $result = [ordered]@{ Command = $command.Name; Index = $index; Code = $code; Error = $null; Skipped = $skip; Output = '' }
                if (-not $skip) {
                    if ($setupError) { $result.Error = $setupError }
                    else {
                        try {
                            $result.Output = . ([scriptblock]::Create($code)) 2>&1 3>&1 | Out-String -Width 200
                        } catch {
                            $result.Error = "$($_.FullyQualifiedErrorId): $_"
                        }
                    }
                }
                [pscustomobject]$result
            }
        }
        $groupResults | ForEach-Object { $results.Add($_) }
    } finally {
        Pop-Location
    }
}
Clear-Sandbox
$results | ConvertTo-Json -Depth 3 | Set-Content -Path $ResultFile
