BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'The staged VaultMesh module' {
    It 'exports exactly the cmdlets and alias its manifest lists, each with an OutputType' {
        $manifest = Import-PowerShellDataFile $script:ModulePath
        $commands = Get-Command -Module VaultMesh -CommandType Cmdlet
        ($commands.Name | Sort-Object) | Should -Be ($manifest.CmdletsToExport | Sort-Object)
        (Get-Alias vm).Definition | Should -Be 'Invoke-VmCommand'
        foreach ($c in $commands) { $c.OutputType.Count | Should -BeGreaterThan 0 -Because $c.Name }
    }

    It 'uses approved verbs and Vm nouns' {
        $approved = (Get-Verb).Verb
        foreach ($c in Get-Command -Module VaultMesh -CommandType Cmdlet) {
            $c.Verb | Should -BeIn $approved
            $c.Noun | Should -Match '^Vm[A-Z]'
        }
    }

    It 'supports -WhatIf on every cmdlet that changes state' {
        foreach ($c in Get-Command -Module VaultMesh -CommandType Cmdlet | Where-Object Verb -In 'Set', 'Add', 'Submit', 'Update', 'Import') {
            $c.Parameters.Keys | Should -Contain 'WhatIf' -Because $c.Name
        }
    }

    It 'loads in a child pwsh where Get-VmStatus and pwsh''s own Test-Json both work' {
        $home1 = New-VmTestHome
        $r = Invoke-VmChildPwsh -Environment @{ VAULTMESH_HOME = $home1 } -Script @'
$names = (Get-Command -Module VaultMesh).Name -join ','
$status = Get-VmStatus
$ok = Test-Json -Json '{"a":1}' -Schema '{"type":"object","required":["a"]}'
$bad = Test-Json -Json '{"b":1}' -Schema '{"type":"object","required":["a"]}' -ErrorAction SilentlyContinue
"names=$names"
"profile=$($status.Profile)"
"testjson=$ok/$bad"
'@
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        $r.StdOut | Should -Match 'names=.*Get-VmStatus'
        $r.StdOut | Should -Match 'profile=default'
        $r.StdOut | Should -Match 'testjson=True/False'
    }

    It 'exports every cmdlet again after Import-Module -Force and after Remove-Module' {
        $r = Invoke-VmChildPwsh -Script @'
Import-Module $env:VM_MODULE -Force
"forced=$((Get-Command -Module VaultMesh -CommandType Cmdlet).Count)"
Remove-Module VaultMesh
Import-Module $env:VM_MODULE
"again=$((Get-Command -Module VaultMesh -CommandType Cmdlet).Count)"
"modules=$((Get-Module).Name -join ',')"
'@ -Environment @{ VAULTMESH_HOME = (New-VmTestHome); VM_MODULE = $script:ModulePath }
        $count = @((Import-PowerShellDataFile $script:ModulePath).CmdletsToExport).Count
        $r.StdErr | Should -BeNullOrEmpty
        $r.StdOut | Should -Match "forced=$count\b"
        $r.StdOut | Should -Match "again=$count\b"
        $r.StdOut | Should -Not -Match 'modules=.*Loading'
    }

    It 'keeps its dependencies in an isolated load context' {
        $r = Invoke-VmChildPwsh -Environment @{ VAULTMESH_HOME = (New-VmTestHome) } -Script @'
$null = Get-VmStatus
$core = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'VaultMesh.Core' }
"alc=$([Runtime.Loader.AssemblyLoadContext]::GetLoadContext($core).Name)"
'@
        $r.StdOut | Should -Match 'alc=VaultMesh'
    }
}

Describe 'Format views' {
    It 'gives every concrete output type of every cmdlet a table view keyed by its full name' {
        $formatXml = [xml](Get-Content -Raw (Join-Path (Split-Path $script:ModulePath) 'VaultMesh.Format.ps1xml'))
        $viewed = $formatXml.Configuration.ViewDefinitions.View.ViewSelectedBy.TypeName
        $types = Get-Command -Module VaultMesh -CommandType Cmdlet | ForEach-Object { $_.OutputType.Name } |
            Where-Object { $_ -like 'VaultMesh.*' } | Sort-Object -Unique
        $types | Should -Not -BeNullOrEmpty
        foreach ($t in $types) { $viewed | Should -Contain $t -Because "$t is written by a cmdlet" }
    }
}
