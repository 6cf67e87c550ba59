#Requires -Version 7.4
# The .nupkg made by `build.ps1 -Task Package` installs with Install-PSResource into a clean module path.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:repo = Join-Path $RepoRoot 'out/repo'
    $script:pkgHome = Join-Path ([IO.Path]::GetTempPath()) ("mt-pkg-" + [Guid]::NewGuid().ToString('N').Substring(0, 8))
}

AfterAll {
    if (Test-Path $pkgHome) { Remove-Item $pkgHome -Recurse -Force }
}

Describe 'Package' -Tag Package {
    It 'has a nupkg in the local repository' {
        Get-ChildItem $repo -Filter 'MigrationTools.*.nupkg' | Should -Not -BeNullOrEmpty -Because 'build.ps1 -Task Package makes it'
    }

    It 'installs with Install-PSResource into a clean module path and imports' {
        $script = @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name MigrationToolsTest -Uri '$repo' -Trusted -Force
Install-PSResource -Name MigrationTools -Repository MigrationToolsTest -Scope CurrentUser -TrustRepository -Quiet
Import-Module MigrationTools
`$m = Get-Module MigrationTools
[pscustomobject]@{
    Base = `$m.ModuleBase
    Version = `$m.Version.ToString()
    Cmdlets = (Get-Command -Module MigrationTools).Count
    Synopsis = (Get-Help New-NetNs).Synopsis
} | ConvertTo-Json -Compress
"@
        # PSResourceGet installs CurrentUser modules under $HOME, so a fresh HOME is a clean module path.
        # dotnet itself keeps finding its tools through DOTNET_CLI_HOME and NUGET_PACKAGES.
        $saved = @{}
        foreach ($v in 'HOME', 'DOTNET_CLI_HOME', 'NUGET_PACKAGES', 'PSModulePath') { $saved[$v] = [Environment]::GetEnvironmentVariable($v) }
        try {
            $null = New-Item -ItemType Directory -Force -Path $pkgHome
            $env:NUGET_PACKAGES = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $env:HOME '.nuget/packages' }
            $env:DOTNET_CLI_HOME = if ($env:DOTNET_CLI_HOME) { $env:DOTNET_CLI_HOME } else { $env:HOME }
            $env:HOME = $pkgHome
            $env:PSModulePath = ''
            Push-Location $RepoRoot
            $json = & dotnet pwsh -NoProfile -NonInteractive -Command $script
            $LASTEXITCODE | Should -Be 0
        } finally {
            Pop-Location
            foreach ($v in $saved.Keys) {
                # Remove rather than set to "": PowerShell would pass $null to .NET as an empty string.
                if ($null -eq $saved[$v]) { Remove-Item "env:$v" -ErrorAction SilentlyContinue } else { Set-Item "env:$v" $saved[$v] }
            }
        }
        $info = ($json | Select-Object -Last 1) | ConvertFrom-Json
        $info.Base | Should -BeLike "$pkgHome*"
        $info.Cmdlets | Should -Be (Get-Command -Module MigrationTools).Count
        $info.Synopsis | Should -Not -BeNullOrEmpty
    }
}
