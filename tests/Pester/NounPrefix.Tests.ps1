# The Vm noun prefix beside Hyper-V (docs/architecture.md, Conventions): where a module with a
# Get-VMMemory of its own is imported too, the module-qualified name still reaches VaultMesh's, and
# 'Import-Module -Prefix' renames VaultMesh's nouns. Each case runs in a fresh pwsh with a stand-in
# Hyper-V module, imported after VaultMesh so that it wins the bare name as it would on such a host.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:hyperV = Join-Path (New-VmTestHome) 'Hyper-V'
    New-Item -ItemType Directory -Path $script:hyperV | Out-Null
    Set-Content -LiteralPath (Join-Path $script:hyperV 'Hyper-V.psm1') -Value @'
function Get-VMMemory { [CmdletBinding()] param([string[]] $VMName) 'hyper-v memory' }
Export-ModuleMember -Function Get-VMMemory
'@

    # Runs $Script in a fresh pwsh with its own VaultMesh home holding one sealed memory.
    function Invoke-BesideHyperV([string] $Script) {
        $home1 = New-VmTestHome
        $pwsh = Get-VmPwshCommandLine
        $file = Join-Path $home1 'case.ps1'
        @"
`$ErrorActionPreference = 'Stop'
Import-Module '$script:ModulePath'
`$null = Add-VmMemory -Type deployment -Component api -Version 1.0.0
Remove-Module VaultMesh
$Script
"@ | Set-Content -LiteralPath $file
        $r = Invoke-VmProcess -FilePath $pwsh[0] -ArgumentList (@($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $file)) -Environment @{ VAULTMESH_HOME = $home1 }
        Remove-Item -LiteralPath $home1 -Recurse -Force -ErrorAction SilentlyContinue
        $r | Add-Member -NotePropertyName Lines -NotePropertyValue @($r.StdOut -split '\r?\n') -PassThru
    }
}

AfterAll { Remove-Item -LiteralPath (Split-Path $script:hyperV) -Recurse -Force -ErrorAction SilentlyContinue }

Describe 'The Vm noun prefix beside Hyper-V' {
    It 'the bare name goes to the module imported last, the qualified names to each module' {
        $r = Invoke-BesideHyperV @"
Import-Module '$script:ModulePath'
Import-Module '$script:hyperV'
"bare=`$(Get-VmMemory)"
"hyperv=`$(Hyper-V\Get-VMMemory)"
"vaultmesh=`$((VaultMesh\Get-VmMemory).Type)"
"@
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        $r.Lines | Should -Contain 'bare=hyper-v memory'
        $r.Lines | Should -Contain 'hyperv=hyper-v memory'
        $r.Lines | Should -Contain 'vaultmesh=deployment'
    }

    It 'Import-Module -Prefix renames the nouns, so both bare names work' {
        $r = Invoke-BesideHyperV @"
Import-Module '$script:ModulePath' -Prefix X
Import-Module '$script:hyperV'
"prefixed=`$((Get-XVmMemory).Type)"
"hyperv=`$(Get-VMMemory)"
"qualified=`$((VaultMesh\Get-XVmMemory).Type)"
"unprefixed=`$(@(Get-Command -Module VaultMesh -Name Get-VmMemory -ErrorAction SilentlyContinue).Count)"
"@
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        $r.Lines | Should -Contain 'prefixed=deployment'
        $r.Lines | Should -Contain 'hyperv=hyper-v memory'
        $r.Lines | Should -Contain 'qualified=deployment'
        $r.Lines | Should -Contain 'unprefixed=0'
    }
}
