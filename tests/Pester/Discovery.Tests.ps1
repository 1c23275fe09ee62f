# Discovery from the first command of a fresh session, for every exported cmdlet: help, syntax and
# parameter completion must not depend on another VaultMesh cmdlet having run first.
BeforeDiscovery {
    $script:cmdlets = (Import-PowerShellDataFile $env:VAULTMESH_TEST_MODULE).CmdletsToExport | ForEach-Object { @{ Name = $_ } }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $names = @((Import-PowerShellDataFile $script:ModulePath).CmdletsToExport)
    $env1 = @{ VAULTMESH_HOME = (New-VmTestHome) }
    $help = Invoke-VmChildPwshEach -Environment $env1 -Script ($names | ForEach-Object { "Get-Help $_ -Full | Out-String -Width 200" })
    $syntax = Invoke-VmChildPwshEach -Environment $env1 -Script ($names | ForEach-Object { "Get-Command $_ -Syntax" })
    # Completes the first letters of the cmdlet's first own parameter, e.g. 'Add-VmMemory -Ty'.
    $own = @{}
    foreach ($n in $names) {
        $own[$n] = @((Get-Command $n).Parameters.Keys | Where-Object { $_ -notin [System.Management.Automation.PSCmdlet]::CommonParameters -and $_ -notin [System.Management.Automation.PSCmdlet]::OptionalCommonParameters })[0]
    }
    $complete = Invoke-VmChildPwshEach -Environment $env1 -Script ($names | ForEach-Object {
            $line = "$_ -" + $own[$_].Substring(0, 2)
            "(TabExpansion2 -inputScript '$line' -cursorColumn $($line.Length)).CompletionMatches.CompletionText"
        })
    $script:first = @{}
    for ($i = 0; $i -lt $names.Count; $i++) {
        $script:first[$names[$i]] = @{ Help = $help[$i]; Syntax = $syntax[$i]; Complete = $complete[$i]; Parameter = $own[$names[$i]] }
    }
}

Describe 'A fresh session''s first command' {
    It 'Get-Help <Name> -Full shows the cmdlet''s synopsis' -ForEach $script:cmdlets {
        $r = $script:first[$Name].Help
        $r.StdErr | Should -BeNullOrEmpty
        $r.ExitCode | Should -Be 0
        $synopsis = (Get-Help $Name).Synopsis.Trim()
        $synopsis | Should -Not -Match "^$Name"
        ($r.StdOut -replace '\s+', ' ') | Should -Match ([regex]::Escape(($synopsis -replace '\s+', ' ').Substring(0, [Math]::Min(40, $synopsis.Length))))
        $r.StdOut | Should -Match 'PARAMETERS'
    }

    It 'Get-Command <Name> -Syntax lists every parameter' -ForEach $script:cmdlets {
        $r = $script:first[$Name].Syntax
        $r.StdErr | Should -BeNullOrEmpty
        foreach ($p in (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin [System.Management.Automation.PSCmdlet]::CommonParameters -and $_ -notin [System.Management.Automation.PSCmdlet]::OptionalCommonParameters }) {
            $r.StdOut | Should -Match "-$p\b" -Because "$Name -Syntax must show -$p"
        }
    }

    It 'TabExpansion2 completes a parameter name of <Name>' -ForEach $script:cmdlets {
        $r = $script:first[$Name].Complete
        $r.StdErr | Should -BeNullOrEmpty
        ($r.StdOut -split "`r?`n") | Should -Contain "-$($script:first[$Name].Parameter)"
    }
}
