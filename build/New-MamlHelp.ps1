<#
.SYNOPSIS
    Writes the module's MAML help from the cmdlets' XML documentation comments.
.DESCRIPTION
    The C# XML doc comments are the one source of help text: the class <summary> is the synopsis, <remarks>
    the description, each <example> an example (<code> and <para>), each parameter property's <summary> the
    parameter's description. Syntax, types, positions and pipeline input come from the loaded cmdlets.
    Runs in its own pwsh process because it imports the module it documents.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $XmlDocFile,
    [Parameter(Mandatory)] [string] $OutputFile
)
$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest -Force
$doc = [xml](Get-Content -Raw $XmlDocFile)
$members = @{}
foreach ($m in $doc.doc.members.member) { $members[$m.name] = $m }

function ConvertTo-Paragraphs([string] $text) {
    if ([string]::IsNullOrWhiteSpace($text)) { return @() }
    $lines = $text -split "`n" | ForEach-Object { $_.Trim() }
    $paras = [System.Collections.Generic.List[string]]::new()
    $current = [System.Collections.Generic.List[string]]::new()
    foreach ($line in $lines) {
        if ($line -eq '') {
            if ($current.Count) { $paras.Add($current -join ' '); $current.Clear() }
        } else { $current.Add($line) }
    }
    if ($current.Count) { $paras.Add($current -join ' ') }
    return $paras
}
# The XML adapter gives text-only elements as strings and others as XmlElements.
function Get-NodeText($node) { if ($null -eq $node) { '' } elseif ($node -is [string]) { $node } else { $node.InnerText } }

$common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
$stdDescriptions = @{
    WhatIf  = 'Shows what would happen if the cmdlet runs. The cmdlet is not run and nothing is changed.'
    Confirm = 'Prompts you for confirmation before running the cmdlet.'
}

$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
$null = New-Item -ItemType Directory -Force -Path (Split-Path $OutputFile)
$w = [System.Xml.XmlWriter]::Create($OutputFile, $settings)
$maml = 'http://schemas.microsoft.com/maml/2004/10'
$command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$dev = 'http://schemas.microsoft.com/maml/dev/2004/10'
function Write-Paras([string[]] $paras) {
    foreach ($p in $paras) { $w.WriteElementString('para', $maml, $p) }
}
function Write-Description([string[]] $paras) {
    $w.WriteStartElement('description', $maml); Write-Paras $paras; $w.WriteEndElement()
}
function Write-Type([string] $name) {
    $w.WriteStartElement('type', $dev); $w.WriteElementString('name', $maml, $name); $w.WriteEndElement()
}
function Get-ParameterDescription($cmdInfo, $name) {
    if ($stdDescriptions.ContainsKey($name)) { return @($stdDescriptions[$name]) }
    $property = $cmdInfo.ImplementingType.GetProperty($name)
    $key = "P:$($property.DeclaringType.FullName).$name"
    return ConvertTo-Paragraphs (Get-NodeText $members[$key].summary)
}
function Get-TypeDescription([type] $type) {
    $doc = $members["T:$($type.FullName)"]
    if ($doc) { ConvertTo-Paragraphs (Get-NodeText $doc.summary) } else { @() }
}
# What each cmdlet writes, to find which cmdlets' objects pipe into which (by property name).
$allCommands = @(Get-Command -Module MigrationTools -CommandType Cmdlet | Sort-Object Name)
$producers = foreach ($c in $allCommands) {
    foreach ($t in $c.OutputType | Where-Object { $_.Type -and $_.Type -ne [void] }) { [pscustomobject]@{ Command = $c.Name; Type = $t.Type } }
}
function Get-PipelineInput($cmd) {
    $byValue = [System.Collections.Generic.List[object]]::new()
    $sets = foreach ($set in $cmd.ParameterSets) {
        $byName = @($set.Parameters | Where-Object ValueFromPipelineByPropertyName)
        foreach ($p in $set.Parameters | Where-Object ValueFromPipeline) { $byValue.Add($p) }
        if ($byName) { , $byName }
    }
    foreach ($p in $byValue | Sort-Object Name -Unique) {
        [pscustomobject]@{ Type = $p.ParameterType.FullName; Text = "You can pipe values for -$($p.Name) to this cmdlet." }
    }
    $from = foreach ($byName in $sets) {
        $required = @($byName | Where-Object IsMandatory)
        if (-not $required) { $required = $byName }
        foreach ($producer in $producers) {
            $properties = $producer.Type.GetProperties().Name
            $bound = @($required | Where-Object { $n = @($_.Name) + $_.Aliases; @($n | Where-Object { $_ -in $properties }).Count -gt 0 })
            if ($bound.Count -eq $required.Count -and $producer.Command -ne $cmd.Name) {
                [pscustomobject]@{ Command = $producer.Command; Type = $producer.Type.FullName; Properties = ($bound.Name | Sort-Object) -join ', ' }
            }
        }
    }
    foreach ($group in $from | Sort-Object Type, Command -Unique | Group-Object Type) {
        [pscustomobject]@{
            Type = $group.Name
            Text = "Objects from $(($group.Group.Command | Sort-Object -Unique) -join ', '): their properties bind to the parameters of the same name ($(($group.Group.Properties | Sort-Object -Unique) -join '; '))."
        }
    }
}
function Get-RelatedCommands($cmd) {
    $family = if ($cmd.Noun -like 'NetNs*') { 'NetNs*' } elseif ($cmd.Noun -like '*Lab') { '*Lab' } elseif ($cmd.Noun -like 'Quic*') { 'Quic*' } else { $cmd.Noun }
    $related = @($allCommands | Where-Object { $_.Noun -like $family -and $_.Name -ne $cmd.Name } | ForEach-Object Name)
    $related += @((Get-PipelineInput $cmd).Text | Select-String -Pattern '\b[A-Z][a-z]+-[A-Za-z]+' -AllMatches | ForEach-Object { $_.Matches.Value })
    $related | Where-Object { $_ -ne $cmd.Name } | Sort-Object -Unique
}
function Get-PipelineText($attr) {
    $kinds = @()
    if ($attr.ValueFromPipeline) { $kinds += 'ByValue' }
    if ($attr.ValueFromPipelineByPropertyName) { $kinds += 'ByPropertyName' }
    if ($kinds) { "True ($($kinds -join ', '))" } else { 'False' }
}

$w.WriteStartDocument()
$w.WriteStartElement('helpItems', 'http://msh')
$w.WriteAttributeString('schema', 'maml')
foreach ($cmd in Get-Command -Module MigrationTools -CommandType Cmdlet | Sort-Object Name) {
    $typeDoc = $members["T:$($cmd.ImplementingType.FullName)"]
    if ($null -eq $typeDoc) { throw "No XML documentation for $($cmd.ImplementingType.FullName)" }
    $w.WriteStartElement('command', 'command', $command)
    $w.WriteAttributeString('xmlns', 'maml', $null, $maml)
    $w.WriteAttributeString('xmlns', 'dev', $null, $dev)
    $w.WriteStartElement('details', $command)
    $w.WriteElementString('name', $command, $cmd.Name)
    $w.WriteElementString('verb', $command, $cmd.Verb)
    $w.WriteElementString('noun', $command, $cmd.Noun)
    Write-Description (ConvertTo-Paragraphs (Get-NodeText $typeDoc.summary))
    $w.WriteEndElement()
    Write-Description (ConvertTo-Paragraphs (Get-NodeText $typeDoc.remarks))

    $w.WriteStartElement('syntax', $command)
    foreach ($set in $cmd.ParameterSets) {
        $w.WriteStartElement('syntaxItem', $command)
        $w.WriteElementString('name', $maml, $cmd.Name)
        foreach ($p in $set.Parameters | Where-Object { $_.Name -notin $common -or $_.Name -in 'WhatIf', 'Confirm' }) {
            $w.WriteStartElement('parameter', $command)
            $w.WriteAttributeString('required', "$($p.IsMandatory)".ToLower())
            $w.WriteAttributeString('position', $(if ($p.Position -ge 0) { "$($p.Position)" } else { 'named' }))
            $w.WriteElementString('name', $maml, $p.Name)
            if ($p.ParameterType -ne [System.Management.Automation.SwitchParameter]) {
                $w.WriteStartElement('parameterValue', $command)
                $w.WriteAttributeString('required', 'true')
                $w.WriteString($p.ParameterType.Name)
                $w.WriteEndElement()
            }
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('parameters', $command)
    foreach ($p in $cmd.Parameters.Values | Where-Object { $_.Name -notin $common -or $_.Name -in 'WhatIf', 'Confirm' } | Sort-Object Name) {
        $attr = $p.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] } | Select-Object -First 1
        $w.WriteStartElement('parameter', $command)
        $w.WriteAttributeString('required', "$([bool]$attr.Mandatory)".ToLower())
        $w.WriteAttributeString('globbing', "$([bool]($p.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }))".ToLower())
        $w.WriteAttributeString('pipelineInput', (Get-PipelineText $attr))
        $w.WriteAttributeString('position', $(if ($attr.Position -ge 0) { "$($attr.Position)" } else { 'named' }))
        $w.WriteAttributeString('aliases', $(if ($p.Aliases.Count) { $p.Aliases -join ', ' } else { 'none' }))
        $w.WriteElementString('name', $maml, $p.Name)
        Write-Description (Get-ParameterDescription $cmd $p.Name)
        $w.WriteStartElement('parameterValue', $command)
        $w.WriteAttributeString('required', 'true')
        $w.WriteString($p.ParameterType.Name)
        $w.WriteEndElement()
        Write-Type $p.ParameterType.FullName
        $w.WriteElementString('defaultValue', $dev, 'None')
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('inputTypes', $command)
    $inputs = @(Get-PipelineInput $cmd)
    if (-not $inputs) { $inputs = @([pscustomobject]@{ Type = 'None'; Text = 'This cmdlet takes no pipeline input.' }) }
    foreach ($in in $inputs) {
        $w.WriteStartElement('inputType', $command); Write-Type $in.Type; Write-Description @($in.Text); $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('returnValues', $command)
    $outputs = @($cmd.OutputType | Where-Object { $_.Type -and $_.Type -ne [void] })
    foreach ($t in $outputs) {
        $w.WriteStartElement('returnValue', $command); Write-Type $t.Name; Write-Description (Get-TypeDescription $t.Type); $w.WriteEndElement()
    }
    if (-not $outputs) {
        $w.WriteStartElement('returnValue', $command); Write-Type 'None'; Write-Description @('This cmdlet writes no objects.'); $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('examples', $command)
    $n = 0
    foreach ($example in $typeDoc.SelectNodes('example')) {
        $n++
        $w.WriteStartElement('example', $command)
        $w.WriteElementString('title', $maml, "-------------------------- Example $n --------------------------")
        $w.WriteElementString('code', $dev, (Get-NodeText $example.SelectSingleNode('code')).Trim())
        $w.WriteStartElement('remarks', $dev)
        Write-Paras (ConvertTo-Paragraphs (($example.SelectNodes('para') | ForEach-Object InnerText) -join "`n`n"))
        $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('relatedLinks', $maml)
    foreach ($name in @(Get-RelatedCommands $cmd) + 'about_MigrationTools') {
        $w.WriteStartElement('navigationLink', $maml); $w.WriteElementString('linkText', $maml, $name); $w.WriteElementString('uri', $maml, ''); $w.WriteEndElement()
    }
    $w.WriteEndElement()
    $w.WriteEndElement()
}
$w.WriteEndElement()
$w.WriteEndDocument()
$w.Dispose()
Write-Host "Help written to $OutputFile"
