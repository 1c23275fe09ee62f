# The help build step, run by 'build.ps1 -Task Stage' in a fresh pwsh: imports the staged module,
# reads every docs/en-US/<Verb-Noun>.md and writes the MAML file PowerShell reads for Get-Help.
# Syntax, parameter types, positions and pipeline binding come from the cmdlets themselves; the
# words come from the markdown. A page whose cmdlet or parameter does not exist fails the build.
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $MarkdownDirectory,
    [Parameter(Mandatory)] [string] $OutFile
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
. (Join-Path $PSScriptRoot 'HelpMarkdown.ps1')
$module = Import-Module $ModulePath -PassThru -Force
$common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters

$ns = @{ maml = 'http://schemas.microsoft.com/maml/2004/10'; command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'; dev = 'http://schemas.microsoft.com/maml/dev/2004/10' }
$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
$w = [System.Xml.XmlWriter]::Create($OutFile, $settings)

function Write-Paras([string[]] $Paragraphs) {
    $w.WriteStartElement('maml', 'description', $ns.maml)
    foreach ($p in $Paragraphs) { $w.WriteElementString('maml', 'para', $ns.maml, $p) }
    $w.WriteEndElement()
}

function Write-Type([string] $Name, [string[]] $Paragraphs, [string] $Element) {
    $w.WriteStartElement('command', $Element, $ns.command)
    $w.WriteStartElement('dev', 'type', $ns.dev)
    $w.WriteElementString('maml', 'name', $ns.maml, $Name)
    $w.WriteEndElement()
    Write-Paras $Paragraphs
    $w.WriteEndElement()
}

function Write-Parameter($Page, [System.Management.Automation.ParameterMetadata] $Parameter, $SetData) {
    # An optional value (int?) reads as its value type, as PowerShell's own help shows it.
    $type = [Nullable]::GetUnderlyingType($Parameter.ParameterType) ?? $Parameter.ParameterType
    $pipeline = @(if ($SetData.ValueFromPipeline) { 'ByValue' }; if ($SetData.ValueFromPipelineByPropertyName) { 'ByPropertyName' })
    $w.WriteStartElement('command', 'parameter', $ns.command)
    $w.WriteAttributeString('required', "$($SetData.IsMandatory)".ToLowerInvariant())
    $w.WriteAttributeString('variableLength', "$($Parameter.ParameterType.IsArray)".ToLowerInvariant())
    $w.WriteAttributeString('globbing', 'false')
    $w.WriteAttributeString('pipelineInput', $(if ($pipeline) { "True ($($pipeline -join ', '))" } else { 'False' }))
    $w.WriteAttributeString('position', $(if ($SetData.Position -ge 0) { "$($SetData.Position)" } else { 'named' }))
    $w.WriteAttributeString('aliases', $(if ($Parameter.Aliases.Count) { $Parameter.Aliases -join ', ' } else { 'none' }))
    $w.WriteElementString('maml', 'name', $ns.maml, $Parameter.Name)
    Write-Paras $Page.Parameters[$Parameter.Name]
    if ($Parameter.ParameterType -ne [switch]) {
        $w.WriteStartElement('command', 'parameterValue', $ns.command)
        $w.WriteAttributeString('required', 'true')
        $w.WriteString($type.Name)
        $w.WriteEndElement()
    }
    $w.WriteStartElement('dev', 'type', $ns.dev)
    $w.WriteElementString('maml', 'name', $ns.maml, $type.FullName)
    $w.WriteEndElement()
    $w.WriteEndElement()
}

$w.WriteStartElement('helpItems', 'http://msh')
$w.WriteAttributeString('schema', 'maml')
foreach ($file in Get-ChildItem -LiteralPath $MarkdownDirectory -Filter '*-*.md' | Sort-Object Name) {
    $page = Read-VmHelpMarkdown -Path $file.FullName
    $cmd = Get-Command -Name $page.Name -Module $module.Name -CommandType Cmdlet -ErrorAction SilentlyContinue
    if (-not $cmd) { throw "$($file.Name): the module exports no cmdlet '$($page.Name)'." }
    $own = @($cmd.Parameters.Values | Where-Object { $_.Name -notin $common })
    foreach ($name in $page.Parameters.Keys) {
        if ($name -notin $own.Name) { throw "$($file.Name): documents -$name, which $($cmd.Name) does not have." }
    }

    $w.WriteStartElement('command', 'command', $ns.command)
    $w.WriteAttributeString('xmlns', 'maml', $null, $ns.maml)
    $w.WriteAttributeString('xmlns', 'dev', $null, $ns.dev)
    $w.WriteStartElement('command', 'details', $ns.command)
    $w.WriteElementString('command', 'name', $ns.command, $cmd.Name)
    $w.WriteElementString('command', 'verb', $ns.command, $cmd.Verb)
    $w.WriteElementString('command', 'noun', $ns.command, $cmd.Noun)
    Write-Paras @($page.Synopsis)
    $w.WriteEndElement()
    Write-Paras $page.Description

    $w.WriteStartElement('command', 'syntax', $ns.command)
    foreach ($set in $cmd.ParameterSets) {
        $w.WriteStartElement('command', 'syntaxItem', $ns.command)
        $w.WriteElementString('maml', 'name', $ns.maml, $cmd.Name)
        foreach ($p in $set.Parameters | Where-Object { $_.Name -notin $common }) {
            $data = $cmd.Parameters[$p.Name].ParameterSets[$set.Name]
            if (-not $data) { $data = $cmd.Parameters[$p.Name].ParameterSets['__AllParameterSets'] }
            Write-Parameter $page $cmd.Parameters[$p.Name] $data
        }
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'parameters', $ns.command)
    foreach ($p in $own) {
        Write-Parameter $page $p @($p.ParameterSets.Values)[0]
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'inputTypes', $ns.command)
    foreach ($i in $page.Inputs) { Write-Type $i.Type $i.Description 'inputType' }
    $w.WriteEndElement()
    $w.WriteStartElement('command', 'returnValues', $ns.command)
    foreach ($o in $page.Outputs) { Write-Type $o.Type $o.Description 'returnValue' }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'examples', $ns.command)
    foreach ($e in $page.Examples) {
        $w.WriteStartElement('command', 'example', $ns.command)
        $w.WriteElementString('maml', 'title', $ns.maml, "-------------------------- $($e.Title) --------------------------")
        $w.WriteElementString('dev', 'code', $ns.dev, ($e.Code -join "`n"))
        $w.WriteStartElement('dev', 'remarks', $ns.dev)
        foreach ($r in $e.Remarks) { $w.WriteElementString('maml', 'para', $ns.maml, $r) }
        $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()
    $w.WriteEndElement()
}
$w.WriteEndElement()
$w.Dispose()
