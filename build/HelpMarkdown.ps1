# Reads a cmdlet help page written in the shape of docs/en-US/README.md into one object. Dot-sourced
# by the help build step (build/New-VmHelp.ps1) and by the Pester tests that check the pages and run
# their examples, so the three agree on what a page says.

function Read-VmHelpMarkdown {
    param([Parameter(Mandatory)] [string] $Path)
    $lines = @(Get-Content -LiteralPath $Path)
    $page = [ordered]@{
        Name = $null; Synopsis = ''; Description = @(); Parameters = [ordered]@{}
        Examples = [System.Collections.Generic.List[object]]::new(); Inputs = [System.Collections.Generic.List[object]]::new()
        Outputs = [System.Collections.Generic.List[object]]::new(); Path = $Path
    }
    $section = $null; $item = $null; $text = [System.Collections.Generic.List[string]]::new()
    $inCode = $false; $code = $null

    $flush = {
        $paragraphs = @((($text -join "`n").Trim() -split "`n\s*`n") | ForEach-Object { ($_ -split "`n" | ForEach-Object Trim) -join ' ' } | Where-Object { $_ })
        $text.Clear()
        switch ($section) {
            'SYNOPSIS' { $page.Synopsis = $paragraphs -join ' ' }
            'DESCRIPTION' { $page.Description = $paragraphs }
            'PARAMETERS' { if ($item) { $page.Parameters[$item] = $paragraphs } }
            'EXAMPLES' { if ($item) { $item.Remarks = $paragraphs } }
            { $_ -in 'INPUTS', 'OUTPUTS' } { if ($item) { $item.Description = $paragraphs } }
        }
    }

    foreach ($line in $lines) {
        if ($inCode) {
            if ($line -match '^```\s*$') { $inCode = $false; $item.Code = @($code); continue }
            $code.Add($line); continue
        }
        if ($line -match '^```(\w+)(.*)$') {
            if ($section -ne 'EXAMPLES' -or -not $item) { throw "${Path}: a code block outside an example." }
            $inCode = $true; $code = [System.Collections.Generic.List[string]]::new()
            $item.Needs = @($Matches[2] -split '\s+' | Where-Object { $_ -like 'needs:*' } | ForEach-Object { $_.Substring(6) })
            continue
        }
        if ($line -match '^# (\S+)\s*$') { $page.Name = $Matches[1]; continue }
        if ($line -match '^## (\w+)\s*$') { & $flush; $section = $Matches[1]; $item = $null; continue }
        if ($line -match '^### (.+?)\s*$') {
            & $flush
            $heading = $Matches[1]
            switch ($section) {
                'PARAMETERS' { if ($heading -notmatch '^-(\w+)$') { throw "${Path}: parameter heading '$heading' is not '### -Name'." }; $item = $Matches[1] }
                'EXAMPLES' { $item = [pscustomobject]@{ Title = $heading; Code = @(); Needs = @(); Remarks = @() }; $page.Examples.Add($item) }
                'INPUTS' { $item = [pscustomobject]@{ Type = $heading; Description = @() }; $page.Inputs.Add($item) }
                'OUTPUTS' { $item = [pscustomobject]@{ Type = $heading; Description = @() }; $page.Outputs.Add($item) }
                default { throw "${Path}: '### $heading' under '## $section'." }
            }
            continue
        }
        $text.Add($line)
    }
    & $flush
    if ($inCode) { throw "${Path}: a code block is not closed." }
    if (-not $page.Name) { throw "${Path}: no '# Verb-Noun' title." }
    [pscustomobject]$page
}

# The commands of an example: lines that start with 'PS> ' begin a command, lines that start with
# '>> ' continue it; any other line of the block is shown output and is not run.
function Get-VmHelpExampleScript {
    param([Parameter(Mandatory)] $Example)
    $commands = foreach ($line in $Example.Code) {
        if ($line -match '^PS> (.*)$') { $Matches[1] }
        elseif ($line -match '^>> (.*)$') { $Matches[1] }
    }
    $commands -join "`n"
}
