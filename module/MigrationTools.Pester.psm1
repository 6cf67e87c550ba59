# Should operators for people testing their own labs with Pester 5. They are added when this module is imported in
# a session where Pester is loaded (import Pester first, as Invoke-Pester does); without Pester nothing happens.
#   Test-NetLab -Name lab | Should -BeReachable
#   Watch-QuicProbe -Path capture.pcap | Should -HaveNoQuicVerdict

function Test-MigrationToolsReachable {
    <#
    .SYNOPSIS
        Should -BeReachable: every pair of Test-NetLab results is reachable (-Not: none is).
    #>
    param($ActualValue, [switch] $Negate, [string] $Because)
    $pairs = @($ActualValue | Where-Object { $null -ne $_ -and $_.PSObject.Properties['Reachable'] })
    $because = if ($Because) { " because $Because" } else { '' }
    if ($pairs.Count -eq 0) {
        return [pscustomobject]@{ Succeeded = $false; FailureMessage = "Expected Test-NetLab results$because, but got none." }
    }
    $failed = @(if ($Negate) { $pairs | Where-Object Reachable } else { $pairs | Where-Object { -not $_.Reachable } })
    $describe = { param($p) "$($p.From) -> $($p.To) $($p.Address)" }
    $message = if ($failed.Count -eq 0) { $null }
        elseif ($Negate) { "Expected no pair to be reachable$because, but $($failed.Count) of $($pairs.Count) are: $(($failed | ForEach-Object { & $describe $_ }) -join '; ')." }
        else { "Expected every pair to be reachable$because, but $($failed.Count) of $($pairs.Count) are not: $(($failed | ForEach-Object { & $describe $_ }) -join '; ')." }
    [pscustomobject]@{ Succeeded = $failed.Count -eq 0; FailureMessage = $message }
}

function Test-MigrationToolsNoQuicVerdict {
    <#
    .SYNOPSIS
        Should -HaveNoQuicVerdict: no Watch-QuicProbe event (or result carrying Verdicts) is a verdict (-Not: at
        least one is).
    #>
    param($ActualValue, [switch] $Negate, [string] $Because)
    $items = @($ActualValue | Where-Object { $null -ne $_ })
    $verdicts = @(foreach ($item in $items) {
            if ($item.PSObject.Properties['IsVerdict']) { if ($item.IsVerdict) { $item } }
            elseif ($item.PSObject.Properties['Verdicts']) { @($item.Verdicts) | Where-Object { $null -ne $_ } }
        })
    $because = if ($Because) { " because $Because" } else { '' }
    $describe = { param($v) if ($v.PSObject.Properties['KindName']) { "$($v.KindName) ($($v.Sender) $($v.Source) -> $($v.Destination)) at $($v.Time)" } else { "$v" } }
    if ($Negate) {
        return [pscustomobject]@{ Succeeded = $verdicts.Count -gt 0; FailureMessage = "Expected a QUIC verdict$because, but there was none in $($items.Count) item(s)." }
    }
    [pscustomobject]@{
        Succeeded      = $verdicts.Count -eq 0
        FailureMessage = "Expected no QUIC verdict$because, but found $($verdicts.Count): $(($verdicts | Select-Object -First 5 | ForEach-Object { & $describe $_ }) -join '; ')$(if ($verdicts.Count -gt 5) { '; ...' })."
    }
}

if (Get-Command -Name Add-ShouldOperator -ErrorAction Ignore) {
    foreach ($operator in @(
            @{ Name = 'BeReachable'; Test = ${function:Test-MigrationToolsReachable} }
            @{ Name = 'HaveNoQuicVerdict'; Test = ${function:Test-MigrationToolsNoQuicVerdict} })) {
        try {
            Add-ShouldOperator -Name $operator.Name -Test $operator.Test -SupportsArrayInput -ErrorAction Stop
        } catch {
            Write-Verbose "Should -$($operator.Name) is already there: $_"
        }
    }
}

Export-ModuleMember -Function @()
