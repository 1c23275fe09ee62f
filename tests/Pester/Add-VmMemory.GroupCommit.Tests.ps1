# Pipeline input to Add-VmMemory is committed in groups (docs/performance.md): each memory must
# reach the next command only after the commit that holds it, in input order, with per-item errors.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'Add-VmMemory pipeline input in group commits' {
    BeforeEach {
        $env:VAULTMESH_HOME = New-VmTestHome
        $script:files = Join-Path $env:VAULTMESH_HOME 'files'
        New-Item -ItemType Directory -Path $script:files | Out-Null
        # More than one group (1,000) so that a group boundary is crossed mid-pipeline.
        foreach ($i in 1..1203) { [IO.File]::WriteAllText((Join-Path $script:files ('f{0:d4}.txt' -f $i)), "file $i") }
    }

    It 'writes each memory out only once another connection can read it, in input order' {
        # Get-VmMemory opens its own connection, which sees committed data only.
        $seen = Get-ChildItem $script:files | Add-VmMemory -Type artifact -Component api -Version 1 | ForEach-Object {
            $stored = Get-VmMemory -Id $_.Id
            [pscustomobject]@{ Name = $_.ArtifactName; Stored = $null -ne $stored }
        }
        $seen | Should -HaveCount 1203
        @($seen | Where-Object { -not $_.Stored }) | Should -HaveCount 0
        $seen.Name | Should -Be @(Get-ChildItem $script:files | ForEach-Object Name)
        (Get-VmStatus).MemoryCount | Should -Be 1203
    }

    It 'reports a bad item as its own error and records the rest of its group' {
        $inputs = @(Get-ChildItem $script:files | Select-Object -First 3) + @([pscustomobject]@{ FullName = (Join-Path $script:files 'missing.txt') })
        $out = $inputs | Add-VmMemory -Type artifact -Component api -Version 2 -ErrorVariable failures -ErrorAction SilentlyContinue
        $out | Should -HaveCount 3
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'VmFileNotFound*'
        (Get-VmMemory -Component api).Count | Should -Be 3
    }

    It '-WhatIf records nothing from the pipeline' {
        Get-ChildItem $script:files | Select-Object -First 5 | Add-VmMemory -Type artifact -Component api -Version 3 -WhatIf
        Test-Path (Join-Path $env:VAULTMESH_HOME 'data/default/vaultmesh.db') | Should -BeFalse
    }
}
