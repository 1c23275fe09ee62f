# The pipeline chains the README and the help show, with objects the module emits and objects a
# user builds (Import-Csv, ConvertFrom-Json), against a real OpenSSL TSA.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Join-Path $script:RepoRoot 'tests/VaultMesh.TestTsa/VmTestTsa.psm1') -Force
    $script:tsa = Start-VmTestTsa
}

AfterAll {
    if ($script:tsa) { Stop-VmTestTsa $script:tsa }
    Remove-Item Env:ANCHOR_WRITE_ENABLED -ErrorAction SilentlyContinue
}

Describe 'Pipeline composition' {
    BeforeEach {
        $env:VAULTMESH_HOME = New-VmTestHome
        Remove-Item Env:ANCHOR_WRITE_ENABLED, Env:VERIFY_ENFORCE, Env:VAULTMESH_PROFILE -ErrorAction SilentlyContinue
        Set-VmConfiguration -Setting @{ 'rails.tsa.url' = $script:tsa.Url; 'rails.tsa.trust_bundle' = $script:tsa.TrustBundle }
    }

    It 'Import-Csv | Add-VmMemory binds every field by property name' {
        $csv = Join-Path $env:VAULTMESH_HOME 'deployments.csv'
        'Type,Component,Version,Payload,Tag,Actor', 'deployment,api,1.4.2,"{""env"":""prod""}",release,ci', 'decision,db,7,,,alice' | Set-Content $csv
        $m = @(Import-Csv $csv | Add-VmMemory)
        $m.Count | Should -Be 2
        $m[0].Type | Should -Be 'deployment'
        $m[0].Component | Should -Be 'api'
        $m[0].Version | Should -Be '1.4.2'
        $m[0].Actor | Should -Be 'ci'
        $m[0].Tags | Should -Be @('release')
        $m[0].Payload | Should -Be '{"env":"prod"}'
        $m[1].Actor | Should -Be 'alice'
    }

    It 'ConvertFrom-Json | Add-VmMemory, and a file through Path' {
        $file = Join-Path $env:VAULTMESH_HOME 'app.tgz'
        Set-Content $file 'bytes'
        $m = '[{"Type":"artifact","Component":"api","Version":"2","Path":"' + ($file -replace '\\', '\\') + '","Tag":["a","b"]}]' | ConvertFrom-Json | Add-VmMemory
        $m.ArtifactName | Should -Be 'app.tgz'
        $m.Tags | Should -Be @('a', 'b')
    }

    It 'Get-VmMemory | Export-VmProofBundle -Path dir writes one bundle per memory' {
        1..3 | ForEach-Object { Add-VmMemory -Type event -Component p -Version $_ } | Out-Null
        Invoke-VmSeal | Out-Null
        $dir = Join-Path $env:VAULTMESH_HOME 'proofs'
        $out = @(Get-VmMemory | Export-VmProofBundle -Path $dir)
        $out.Count | Should -Be 3
        @(Get-ChildItem $dir -Filter *.proof.json).Count | Should -Be 3
        @($out | Test-VmProofBundle) | Should -Be @($true, $true, $true)
    }

    It 'Get-VmBatch | Submit-VmAnchor, Get-VmBatch | Test-VmAnchor and Get-VmAnchor | Test-VmAnchor' {
        $env:ANCHOR_WRITE_ENABLED = '1'
        Add-VmMemory -Type event -Component p -Version 1 | Out-Null
        $first = Invoke-VmSeal
        Add-VmMemory -Type event -Component p -Version 2 | Out-Null
        Invoke-VmSeal | Out-Null
        $anchors = @(Get-VmBatch | Submit-VmAnchor)
        $anchors.Count | Should -Be 2
        @(Get-VmBatch | Test-VmAnchor) | Should -Be @($true, $true)
        @(Get-VmBatch -BatchId $first.BatchId | Test-VmAnchor -Detailed).BatchId | Should -Be @($first.BatchId)
        $one = @(Get-VmAnchor -BatchId $first.BatchId | Test-VmAnchor -Detailed)
        $one.Count | Should -Be 1
        $one[0].Valid | Should -BeTrue
        @(Get-VmAnchor | Test-VmAnchor) | Should -Be @($true, $true)
    }

    It 'Get-VmBatch | Get-VmMemory lists the memories of each batch' {
        1..2 | ForEach-Object { Add-VmMemory -Type event -Component p -Version $_ } | Out-Null
        $b = Invoke-VmSeal
        Add-VmMemory -Type event -Component p -Version 3 | Out-Null
        @(Get-VmBatch | Get-VmMemory).BatchId | Should -Be @($b.BatchId, $b.BatchId)
    }
}
