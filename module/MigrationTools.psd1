@{
    RootModule           = 'MigrationTools.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '6f1f9c1e-2a47-4c55-9d6e-3b1a8f4e2c71'
    Author               = 'MigrationTools contributors'
    CompanyName          = 'MigrationTools'
    Copyright            = '(c) MigrationTools contributors. MIT License.'
    Description          = 'Linux network namespaces, veth links, addresses, routes, flow switching and QUIC path diagnostics for flow-migration labs, as PowerShell objects. Linux only; changing state needs root.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    # The engine's assemblies are loaded with the module, so scripts can name their public types
    # ([MigrationTools.Analysis.Charts.CounterTimeline], for one) before any cmdlet has used them.
    RequiredAssemblies   = @('MigrationTools.Core.dll', 'MigrationTools.Analysis.dll', 'MigrationTools.Engine.dll')
    # Should -BeReachable and -HaveNoQuicVerdict, added when Pester is loaded.
    NestedModules        = @('MigrationTools.Pester.psm1')
    FormatsToProcess     = @('MigrationTools.Format.ps1xml')
    CmdletsToExport      = @(
        'New-NetNs'
        'Get-NetNs'
        'Remove-NetNs'
        'Invoke-NetNs'
        'Get-NetNsProcess'
        'Stop-NetNsProcess'
        'Connect-NetNs'
        'Get-NetNsLink'
        'Set-NetNsLink'
        'Remove-NetNsLink'
        'New-NetNsAddress'
        'Get-NetNsAddress'
        'Remove-NetNsAddress'
        'New-NetNsRoute'
        'Set-NetNsRoute'
        'Get-NetNsRoute'
        'Remove-NetNsRoute'
        'Enable-NetNsForwarding'
        'Disable-NetNsForwarding'
        'Get-NetNsCounter'
        'Get-NetNsSysctl'
        'Set-NetNsSysctl'
        'New-FlowMapping'
        'Get-FlowMapping'
        'Remove-FlowMapping'
        'Switch-FlowTarget'
        'Get-ConntrackEntry'
        'Remove-ConntrackEntry'
        'Set-IpipTunnel'
        'Get-IpipTunnel'
        'Remove-IpipTunnel'
        'Watch-QuicProbe'
        'Set-NetNsLinkImpairment'
        'Get-NetNsLinkImpairment'
        'Remove-NetNsLinkImpairment'
        'Start-NetNsCapture'
        'Stop-NetNsCapture'
        'New-NetLab'
        'Get-NetLab'
        'Remove-NetLab'
        'Repair-NetLab'
        'Show-NetLab'
        'Test-NetLab'
        'Export-NetLab'
        'Get-QuicImplementation'
        'Test-QuicMigration'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('Linux', 'netns', 'network', 'namespace', 'migration', 'QUIC', 'conntrack', 'nftables', 'IPIP')
        }
    }
}
