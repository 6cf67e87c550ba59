#Requires -Version 7.4
# The repository holds only what people wrote, and stands on its own.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Push-Location $RepoRoot
    $script:tracked = @(& git ls-files) | Where-Object { Test-Path -LiteralPath $_ -PathType Leaf }
    Pop-Location
    # Text files only: the files people read and write.
    $script:textFiles = $tracked | Where-Object { $_ -match '\.(cs|csproj|props|slnx|ps1|psm1|psd1|ps1xml|md|txt|json|yml|yaml|xml|hex)$|^\.ci/|^\.gitignore$|^LICENSE$' } |
        Where-Object { $_ -ne 'tests/Pester/Repository.Tests.ps1' }   # this file names the patterns it looks for
}

Describe 'The repository' -Tag Unit {
    It 'is a git checkout with files' {
        $tracked.Count | Should -BeGreaterThan 50
    }

    It 'refers to no file outside itself' {
        # The experiments and topologies are described in docs/; nothing may point readers at files that are not here.
        $outside = foreach ($file in $textFiles) {
            $hits = Select-String -LiteralPath (Join-Path $RepoRoot $file) -Pattern '\.\./shared|shared/LAB\.md|shared/origin|origin/[a-z-]+\.md|\bLAB\.md\b|/work/' -AllMatches
            foreach ($h in $hits) { "${file}:$($h.LineNumber): $($h.Line.Trim())" }
        }
        $outside | Should -BeNullOrEmpty
    }

    It 'tracks no build or package leftovers' {
        $tracked | Where-Object { $_ -match '(^|/)(bin|obj|out|TestResults|StrykerOutput|\.nuget|\.local|\.dotnet|NuGet|PSResourceGet)/' -or $_ -match '(^|/)NuGet\.Config$|\.nupkg$|\.trx$' } | Should -BeNullOrEmpty
    }

    It 'names no package registry host and no machine path' {
        $hits = foreach ($file in $textFiles) {
            Select-String -LiteralPath (Join-Path $RepoRoot $file) -CaseSensitive -Pattern 'api\.nuget\.org|registry\.npmjs\.org|deb\.debian\.org|/root/|/home/[a-z]' | ForEach-Object { "${file}:$($_.LineNumber)" }
        }
        $hits | Should -BeNullOrEmpty
    }

    It 'has nothing untracked and unignored after a build and this test run (outputs go under out/)' {
        Push-Location $RepoRoot
        try { $untracked = @(& git status --porcelain --untracked-files=all) | Where-Object { $_ -like '`?`? *' } } finally { Pop-Location }
        # Files people are writing right now (uncommitted work) are not leftovers; anything a build or test made is.
        $untracked | Where-Object { $_ -match '(^|/)(bin|obj|\.nuget|\.local|\.dotnet|NuGet|PSResourceGet|TestResults)/|\.(trx|nupkg|log)$' } | Should -BeNullOrEmpty
    }

    It 'keeps C# files small enough to read in one sitting' {
        $large = $tracked | Where-Object { $_ -like '*.cs' } | Where-Object { (Get-Content -LiteralPath (Join-Path $RepoRoot $_)).Count -gt 500 }
        $large | Should -BeNullOrEmpty
    }
}
