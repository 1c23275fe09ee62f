# Argument completion of profile names, recorded memory values and batch ids, through TabExpansion2
# as the console asks for it. Rails complete from their ValidateSet.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    function Complete([string] $Line) { (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText }
}

Describe 'Argument completion' {
    BeforeAll {
        $env:VAULTMESH_HOME = New-VmTestHome
        Remove-Item Env:VAULTMESH_PROFILE -ErrorAction SilentlyContinue
        Set-VmConfiguration -Profile lab -Region eu-west
        Set-VmConfiguration -Profile prod -Region us-east
        Add-VmMemory -Type deployment -Component api -Version 1 -Tag release, 'two words' | Out-Null
        Add-VmMemory -Type decision -Component database -Version 2 | Out-Null
        $script:batch = Invoke-VmSeal
        Add-VmMemory -Profile lab -Type event -Component labonly -Version 1 | Out-Null
    }

    It 'completes -Profile with the profiles of config.toml' {
        Complete 'Get-VmStatus -Profile ' | Should -Be @('default', 'lab', 'prod')
        Complete 'Set-VmConfiguration -Profile pr' | Should -Be @('prod')
    }

    It 'completes -Component, -Type and -Tag with recorded values' {
        Complete 'Get-VmMemory -Component ' | Should -Be @('api', 'database')
        Complete 'Get-VmMemory -Component da' | Should -Be @('database')
        Complete 'Add-VmMemory -Type de' | Should -Be @('decision', 'deployment')
        Complete 'Get-VmMemory -Tag ' | Should -Be @('release', "'two words'")
    }

    It 'reads the values of the profile named on the command line' {
        Complete 'Get-VmMemory -Profile lab -Component ' | Should -Be @('labonly')
    }

    It 'completes -BatchId with sealed batches' {
        Complete 'Submit-VmAnchor -BatchId ' | Should -Be @($script:batch.BatchId)
        Complete 'Get-VmMemory -BatchId ' | Should -Be @($script:batch.BatchId)
    }

    It 'completes rails' {
        Complete 'Get-VmAnchor -Rail ' | Sort-Object | Should -Be @('Btc', 'Evm', 'Tsa')
    }

    It 'offers nothing, and creates nothing, for a profile without a store' {
        Complete 'Get-VmBatch -Profile prod -BatchId ' | Should -BeNullOrEmpty
        Join-Path $env:VAULTMESH_HOME 'data/prod' | Should -Not -Exist
    }
}
