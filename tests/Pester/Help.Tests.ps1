# Full help for every exported cmdlet, and every help example run as written in a fresh session.
# How examples are written and how the ones that need a server are run: docs/en-US/README.md.
BeforeDiscovery {
    $script:cmdlets = (Import-PowerShellDataFile $env:VAULTMESH_TEST_MODULE).CmdletsToExport | ForEach-Object { @{ Name = $_ } }
    . (Join-Path $PSScriptRoot '../../build/HelpMarkdown.ps1')
    $index = 0
    $script:exampleCases = foreach ($file in Get-ChildItem (Join-Path $PSScriptRoot '../../docs/en-US') -Filter '*-*.md' | Sort-Object FullName) {
        foreach ($e in (Read-VmHelpMarkdown -Path $file.FullName).Examples) { @{ Page = $file.BaseName; Title = $e.Title; Index = $index++ } }
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $script:RepoRoot 'build/HelpMarkdown.ps1')
    $script:common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
    $script:docs = Join-Path $script:RepoRoot 'docs/en-US'
    $script:helpDir = Join-Path (Split-Path $script:ModulePath) 'en-US'
}

Describe 'Help of <Name>' -ForEach $script:cmdlets {
    BeforeAll {
        $script:help = Get-Help $Name -Full
        $script:own = @((Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin $script:common })
    }

    It 'has a markdown page under docs/en-US' {
        Join-Path $script:docs "$Name.md" | Should -Exist
    }

    It 'has a synopsis and a description' {
        $script:help.Synopsis | Should -Not -BeNullOrEmpty
        $script:help.Synopsis.Trim() | Should -Not -Match "^$Name"
        ($script:help.description.Text -join ' ') | Should -Not -BeNullOrEmpty
    }

    It 'describes every parameter' {
        foreach ($p in $script:own) {
            $h = $script:help.parameters.parameter | Where-Object name -EQ $p
            ($h.description.Text -join ' ').Trim() | Should -Not -BeNullOrEmpty -Because "-$p of $Name needs a description"
        }
    }

    It 'has at least two examples, each with code and an explanation' {
        @($script:help.examples.example).Count | Should -BeGreaterOrEqual 2
        foreach ($e in $script:help.examples.example) {
            $e.code | Should -Match 'PS> '
            ($e.remarks.Text -join ' ').Trim() | Should -Not -BeNullOrEmpty
        }
    }

    It 'names its inputs and outputs, the outputs being the cmdlet''s OutputType' {
        @($script:help.inputTypes.inputType).Count | Should -BeGreaterThan 0
        $documented = @($script:help.returnValues.returnValue.type.name)
        foreach ($t in (Get-Command $Name).OutputType.Name) { $documented | Should -Contain $t }
    }
}

Describe 'The about topics' {
    It 'ships <_>' -ForEach 'about_VaultMesh', 'about_VaultMesh_Trust' {
        Join-Path $script:helpDir "$_.help.txt" | Should -Exist
        (Get-Content -Raw (Join-Path $script:helpDir "$_.help.txt")) | Should -Match "TOPIC\s+$_\b"
    }
}

Describe 'Every help example' {
    BeforeAll {
        $pages = Get-ChildItem $script:docs -Filter '*-*.md' | Sort-Object FullName | ForEach-Object { Read-VmHelpMarkdown -Path $_.FullName }
        $script:examples = foreach ($page in $pages) { foreach ($e in $page.Examples) { [pscustomobject]@{ Page = $page.Name; Example = $e } } }
        $needsTsa = @($script:examples | Where-Object { $_.Example.Needs -contains 'tsa' })
        if ($needsTsa) {
            Import-Module (Join-Path $script:RepoRoot 'tests/VaultMesh.TestTsa/VmTestTsa.psm1') -Force
            $script:tsa = Start-VmTestTsa
        }
        $scripts = foreach ($x in $script:examples) {
            $home1 = New-VmTestHome
            $prelude = "`$ErrorActionPreference = 'Stop'`n`$env:VAULTMESH_HOME = '$home1'`nSet-Location '$home1'`n"
            foreach ($need in $x.Example.Needs) {
                $prelude += switch ($need) {
                    'tsa' { "Set-VmConfiguration -Setting @{ 'rails.tsa.url' = '$($script:tsa.Url)'; 'rails.tsa.trust_bundle' = '$($script:tsa.TrustBundle)' }`n" }
                    default { throw "$($x.Page) '$($x.Example.Title)': unknown need '$need' (docs/en-US/README.md lists them)." }
                }
            }
            $prelude + (Get-VmHelpExampleScript -Example $x.Example)
        }
        $script:runs = Invoke-VmChildPwshEach -Script @($scripts)
    }
    AfterAll {
        if ($script:tsa) { Stop-VmTestTsa $script:tsa }
    }

    It '<Page> <Title> runs as written in a fresh session with an empty VAULTMESH_HOME' -ForEach $script:exampleCases {
        $script:examples[$Index].Page | Should -Be $Page
        $r = $script:runs[$Index]
        $r.StdErr | Should -BeNullOrEmpty
        $r.ExitCode | Should -Be 0 -Because $r.StdOut
    }
}
