# Simulated hosts for the tests of labs across hosts. A host is a network namespace with a private mount namespace
# (fresh tmpfs on /run, so its /run/netns and /run/migrationtools are its own) in which Debian's sshd runs with the
# PowerShell subsystem (this PowerShell, started by a small wrapper with the host's own HOME and module path). The
# hosts share an underlay: a bridge in a namespace of its own, 10.199.0.0/24. The tests reach them from a controller
# namespace on the same underlay (10.199.0.1) through an SSH ProxyCommand, so nothing is added to the root namespace.
# Keys are made per run. Remove-SimulatedHost ends every process of the hosts and removes everything.

function New-SimulatedHost {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $Prefix,
        [int] $Count = 3,
        # A folder that holds a MigrationTools module folder, put on each host's module path (none: hosts start without the module).
        [string] $ModulePath,
        [string] $Subnet = '10.199.0'
    )
    $folder = Join-Path ([IO.Path]::GetTempPath()) "${Prefix}hosts"
    $partial = [pscustomobject]@{ Folder = $folder; Hosts = [Collections.Generic.List[object]]::new(); Controller = "${Prefix}ctl"; Underlay = "${Prefix}ul" }
    try {
        New-SimulatedHostCore -Prefix $Prefix -Count $Count -ModulePath $ModulePath -Subnet $Subnet -Folder $folder -Partial $partial
    }
    catch {
        Remove-SimulatedHost $partial
        throw
    }
}

function New-SimulatedHostCore([string] $Prefix, [int] $Count, [string] $ModulePath, [string] $Subnet, [string] $Folder, $Partial) {
    $folder = $Folder
    $null = New-Item -ItemType Directory -Force -Path $folder
    $key = Join-Path $folder 'client_key'
    & ssh-keygen -q -t ed25519 -N '' -f $key -C "$Prefix"
    & ssh-keygen -q -t ed25519 -N '' -f (Join-Path $folder 'host_key') -C "$Prefix"
    Copy-Item "$key.pub" (Join-Path $folder 'authorized_keys')

    $underlay = "${Prefix}ul"
    $controller = "${Prefix}ctl"
    Invoke-Checked ip netns add $underlay
    Invoke-Checked ip -n $underlay link add ul type bridge
    Invoke-Checked ip -n $underlay link set ul up
    Add-UnderlayPort -Underlay $underlay -Namespace $controller -Port ctl -Address "$Subnet.1/24"

    $pwsh = [Environment]::ProcessPath
    $pwshDll = Join-Path $PSHOME 'pwsh.dll'
    $hosts = foreach ($i in 1..$Count) {
        $name = "h$i"
        $ns = "$Prefix$name"
        $address = "$Subnet.$(10 + $i)"
        $hostFolder = Join-Path $folder $name
        $null = New-Item -ItemType Directory -Force -Path (Join-Path $hostFolder 'home'), (Join-Path $hostFolder 'Modules')
        $Partial.Hosts.Add([pscustomobject]@{ Name = $name; Namespace = $ns; Address = $address })
        Add-UnderlayPort -Underlay $underlay -Namespace $ns -Port $name -Address "$address/24"
        $modules = @((Join-Path $hostFolder 'Modules')) + @(if ($ModulePath) { $ModulePath })
        $wrapper = Join-Path $hostFolder 'powershell-subsystem'
        Set-Content -Path $wrapper -Value "#!/bin/sh`nexec env HOME='$hostFolder/home' PSModulePath='$($modules -join ':')' '$pwsh' '$pwshDll' -sshs -NoLogo -NoProfile"
        & chmod 755 $wrapper
        $config = Join-Path $hostFolder 'sshd_config'
        Set-Content -Path $config -Value @"
ListenAddress $address
Port 22
HostKey $folder/host_key
PidFile none
AuthorizedKeysFile $folder/authorized_keys
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
Subsystem powershell $wrapper
"@
        $process = Start-HostDaemon -Namespace $ns -Folder $hostFolder
        $made = [pscustomobject]@{ Name = $name; Namespace = $ns; Address = $address; Folder = $hostFolder; Process = $process; Modules = Join-Path $hostFolder 'Modules'; Home = Join-Path $hostFolder 'home' }
        $Partial.Hosts[$Partial.Hosts.Count - 1] = $made
        $made
    }

    foreach ($h in $hosts) { Wait-HostDaemon $h }

    $options = @{
        ProxyCommand = "nsenter --net=/run/netns/$controller ncat %h %p"
        StrictHostKeyChecking = 'no'
        UserKnownHostsFile = '/dev/null'
        LogLevel = 'ERROR'
    }
    [pscustomobject]@{
        Prefix = $Prefix
        Folder = $folder
        KeyFilePath = $key
        Controller = $controller
        Underlay = $underlay
        Hosts = @($hosts)
        # What a lab file's Hosts section says for these hosts.
        LabHosts = & {
            $table = @{}
            foreach ($h in $hosts) { $table[$h.Name] = @{ HostName = $h.Address; UserName = 'root'; KeyFilePath = $key; Options = $options.Clone() } }
            $table
        }
    }
}

function Start-HostDaemon([string] $Namespace, [string] $Folder) {
    $config = Join-Path $Folder 'sshd_config'
    $log = Join-Path $Folder 'sshd.log'
    # A fresh tmpfs on /run: the host's /run/netns and /run/migrationtools are its own, and go with its last process.
    $start = "mount -t tmpfs tmpfs /run && mkdir -p /run/sshd /run/netns /run/migrationtools && exec /usr/sbin/sshd -D -e -f '$config' >'$log' 2>&1"
    $info = [Diagnostics.ProcessStartInfo]::new('nsenter')
    foreach ($a in "--net=/run/netns/$Namespace", 'unshare', '--mount', '--propagation', 'private', 'sh', '-c', $start) { $info.ArgumentList.Add($a) }
    [Diagnostics.Process]::Start($info)
}

function Wait-HostDaemon($h) {
    $deadline = [DateTime]::UtcNow.AddSeconds(10)
    while (-not ((& ip netns exec $h.Namespace ss -ltn 2>$null) -match "$([regex]::Escape($h.Address)):22")) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "sshd of $($h.Name) did not start: $(Get-Content (Join-Path $h.Folder 'sshd.log') -Raw -ErrorAction SilentlyContinue)" }
        Start-Sleep -Milliseconds 50
    }
}

# Starts a stopped host's sshd again (a fresh /run: whatever the host had there before is gone, as after a reboot).
function Start-SimulatedHost([Parameter(Mandatory)] $Simulation, [Parameter(Mandatory)] [string] $Name) {
    $h = $Simulation.Hosts | Where-Object Name -eq $Name
    $h.Process = Start-HostDaemon -Namespace $h.Namespace -Folder $h.Folder
    Wait-HostDaemon $h
}

function Add-UnderlayPort([string] $Underlay, [string] $Namespace, [string] $Port, [string] $Address) {
    Invoke-Checked ip netns add $Namespace
    Invoke-Checked ip -n $Underlay link add $Port type veth peer name ul0 netns $Namespace
    Invoke-Checked ip -n $Underlay link set $Port master ul up
    Invoke-Checked ip -n $Namespace addr add $Address dev ul0
    Invoke-Checked ip -n $Namespace link set ul0 up
    Invoke-Checked ip -n $Namespace link set lo up
}

function Invoke-Checked {
    $file, $arguments = $args
    $output = & $file @arguments 2>&1
    if ($LASTEXITCODE -ne 0) { throw "$file $($arguments -join ' ') failed: $output" }
}

# The Hosts section of a lab file for these hosts (-AddressOnly: each host's underlay address alone, for New-NetLab -Session).
function Format-SimulatedHosts([Parameter(Mandatory)] $Simulation, [string[]] $Name = @($Simulation.LabHosts.Keys | Sort-Object), [switch] $AddressOnly) {
    $lines = foreach ($n in $Name) {
        $h = $Simulation.LabHosts[$n]
        if ($AddressOnly) { "$n = @{ Address = '$($h.HostName)' }"; continue }
        $options = ($h.Options.GetEnumerator() | Sort-Object Key | ForEach-Object { "$($_.Key) = '$($_.Value)'" }) -join '; '
        "$n = @{ HostName = '$($h.HostName)'; UserName = 'root'; KeyFilePath = '$($h.KeyFilePath)'; Options = @{ $options } }"
    }
    "Hosts = @{ $($lines -join '; ') }"
}

# Opens a session to a simulated host as a user would (New-PSSession over SSH).
function New-SimulatedHostSession([Parameter(Mandatory)] $Simulation, [Parameter(Mandatory)] [string] $Name) {
    $h = $Simulation.LabHosts[$Name]
    New-PSSession -HostName $h.HostName -UserName root -KeyFilePath $h.KeyFilePath -SSHTransport -Options $h.Options -ErrorAction Stop
}

# Stops a host's sshd (and everything of its), leaving its namespace: the host is then unreachable.
function Stop-SimulatedHost([Parameter(Mandatory)] $Simulation, [Parameter(Mandatory)] [string] $Name) {
    $h = $Simulation.Hosts | Where-Object Name -eq $Name
    Stop-HostProcesses $h
}

function Stop-HostProcesses($h) {
    $pids = @(& ip netns pids $h.Namespace 2>$null)
    # The lab namespaces the host made live in its own mount namespace: their processes go first.
    foreach ($p in $pids) {
        $inner = @(& nsenter --mount=/proc/$p/ns/mnt sh -c 'for n in $(ls /run/netns 2>/dev/null); do ip netns pids "$n"; done' 2>$null)
        foreach ($q in $inner) { & kill -9 $q 2>$null }
        break
    }
    foreach ($p in @(& ip netns pids $h.Namespace 2>$null)) { & kill -9 $p 2>$null }
    if ($h.Process) { $h.Process.WaitForExit(5000) | Out-Null }
}

function Remove-SimulatedHost([Parameter(Mandatory)] $Simulation) {
    Get-PSSession | Where-Object { $_.ComputerName -in $Simulation.Hosts.Address } | Remove-PSSession -ErrorAction SilentlyContinue
    foreach ($h in $Simulation.Hosts) { Stop-HostProcesses $h }
    foreach ($ns in @($Simulation.Hosts.Namespace) + $Simulation.Controller + $Simulation.Underlay) { & ip netns delete $ns 2>$null }
    Remove-Item -Recurse -Force $Simulation.Folder -ErrorAction SilentlyContinue
}

Export-ModuleMember -Function New-SimulatedHost, Format-SimulatedHosts, New-SimulatedHostSession, Stop-SimulatedHost, Start-SimulatedHost, Remove-SimulatedHost
