#Requires -Version 7.4
# Every example in the cmdlets' help runs as written: HelpExamples.Sandbox.ps1 runs them in a sandbox of their own (a
# private mount and PID namespace with fresh /run and /tmp), after building what each cmdlet's help assumes, and an
# example passes when it raised no error. The examples are read from the built help, so a new one is run too.
BeforeDiscovery {
    $manifest = if ($env:MIGRATIONTOOLS_MODULE) { $env:MIGRATIONTOOLS_MODULE } else { Join-Path $PSScriptRoot '../../out/MigrationTools/MigrationTools.psd1' }
    Import-Module $manifest -Force
    $script:examples = foreach ($command in Get-Command -Module MigrationTools -CommandType Cmdlet | Sort-Object Name) {
        $index = 0
        foreach ($example in (Get-Help $command.Name -Full).examples.example) {
            $index++
            @{ Command = $command.Name; Index = $index; Code = ($example.code | Out-String).Trim() }
        }
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:resultFile = Join-Path $RepoRoot "out/help-examples-$PID.json"
    $null = New-Item -ItemType Directory -Force -Path (Split-Path $resultFile)
    $sandbox = Join-Path $PSScriptRoot 'HelpExamples.Sandbox.ps1'
    $pwsh = [Environment]::ProcessPath
    $pwshDll = Join-Path $PSHOME 'pwsh.dll'
    # sh stays PID 1 of the new PID namespace (it reaps what the examples leave), and when it ends every process in
    # the sandbox ends with it; the mounts vanish with the mount namespace.
    $inner = 'mount -t tmpfs -o mode=0755 sandbox-run /run && mount -t tmpfs -o mode=1777 sandbox-tmp /tmp && "$0" "$@"'
    $script:log = & unshare --mount --propagation private --pid --fork --mount-proc sh -c $inner `
        $pwsh $pwshDll -NoProfile -NonInteractive -File $sandbox -ModuleManifest $ModuleManifest -ResultFile $resultFile -RepoRoot $RepoRoot 2>&1 | Out-String
    $script:results = @{}
    if (Test-Path $resultFile) {
        foreach ($r in Get-Content -Raw $resultFile | ConvertFrom-Json) { $results["$($r.Command)#$($r.Index)"] = $r }
        Remove-Item $resultFile
    }
}

Describe 'Help examples' -Tag RequireRoot, Integration {
    It '<Command> example <Index> runs as written' -ForEach $examples {
        $result = $results["$Command#$Index"]
        $result | Should -Not -BeNullOrEmpty -Because "the sandbox ran every example; its output was:`n$log"
        $result.Code | Should -Be $Code
        if ($result.Skipped) { Set-ItResult -Skipped -Because $result.Skipped; return }
        $result.Error | Should -BeNullOrEmpty -Because "`n$Code`nwrote:`n$($result.Output)"
    }

    It 'leaves nothing on the machine: no namespace with an example''s name' {
        $names = @((Get-ChildItem /run/netns -ErrorAction SilentlyContinue).Name)
        foreach ($n in 'A', 'B', 'C', 'D', 'client', 'router1', 'server', 'q1-client', 'lab-A', 'lab-client') {
            $names | Should -Not -Contain $n
        }
    }
}
