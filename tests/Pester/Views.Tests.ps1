# Every table view fits 120 columns, one line per row, cuts no cell but the last, and shows times in one form: UTC
# 'yyyy-MM-dd HH:mm:ss'. The objects are real ones, made against a real OpenSSL TSA.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Join-Path $script:RepoRoot 'tests/VaultMesh.TestTsa/VmTestTsa.psm1') -Force
    $script:tsa = Start-VmTestTsa
    $env:VAULTMESH_HOME = New-VmTestHome
    $env:ANCHOR_WRITE_ENABLED = '1'
    Set-VmConfiguration -Profile default -Region eu-west -FederationEndpoint https://peer-a.example -Setting @{ 'rails.tsa.url' = $script:tsa.Url; 'rails.tsa.trust_bundle' = $script:tsa.TrustBundle }
    $artifact = Join-Path $env:VAULTMESH_HOME 'release-artifact-with-a-long-name-1.4.2.tar.gz'
    Set-Content $artifact 'bytes'
    Add-VmMemory -Type deployment -Component payments-api -Version 1.4.2-rc.1+build.20261130 -Tag release, production, eu-west -Payload @{ env = 'prod' } | Out-Null
    Get-Item $artifact | Add-VmMemory -Type artifact -Component payments-api -Version 1.4.2 | Out-Null
    $batch = Invoke-VmSeal
    $batch | Submit-VmAnchor | Out-Null
    $dir = Join-Path $env:VAULTMESH_HOME 'proofs'
    $bundle = Get-VmMemory -First 1 | Export-VmProofBundle -Path $dir
    (Get-Content -Raw $bundle.Path) -replace 'payments-api', 'payments-apx' | Set-Content $bundle.Path
    $tree = 'a', 'b', 'c' | New-VmMerkleTree
    $manifest = $batch | Export-VmBatchManifest -Path $env:VAULTMESH_HOME
    $script:samples = [ordered]@{
        'Get-VmStatus'                 = @(Get-VmStatus)
        'Get-VmConfiguration'          = @(Get-VmConfiguration -All)
        'Get-VmMemory'                 = @(Get-VmMemory)
        'Test-VmMemory -Detailed'      = @(Get-VmMemory | Test-VmMemory -Detailed)
        'Get-VmBatch'                  = @(Get-VmBatch)
        'Get-VmTimeline'               = @(Get-VmTimeline)
        'Get-VmAnchor'                 = @(Get-VmAnchor)
        'Test-VmAnchor -Detailed'      = @(Test-VmAnchor -Detailed)
        'Update-VmAnchor'              = @(Update-VmAnchor)
        'Get-VmMetric'                 = @(Get-VmMetric)
        'Export-VmProofBundle'         = @($bundle)
        'Test-VmProofBundle -Detailed' = @(Test-VmProofBundle -Path $bundle.Path -Detailed)
        'Export-VmBatchManifest'       = @($manifest)
        'Invoke-VmReplay'              = @(Invoke-VmReplay -Path $manifest.ManifestPath -LeafPath $manifest.LeavesPath)
        'Test-VmReceipt -Detailed'     = @(Get-VmAnchor | ForEach-Object Json | Test-VmReceipt -Detailed)
        'Resolve-VmConflict'           = @(Get-VmAnchor | ForEach-Object Json | Resolve-VmConflict)
        'New-VmMerkleTree'             = @($tree)
        'Get-VmInclusionProof'         = @($tree | Get-VmInclusionProof -Index 1)
        'Get-VmConsistencyProof'       = @($tree | Get-VmConsistencyProof -FirstSize 2)
        'Test-VmInclusionProof -Detailed' = @($tree | Get-VmInclusionProof -Index 1 | Test-VmInclusionProof -Root ('ab' * 32) -Detailed)
        'Publish-VmLog'                = @(Publish-VmLog -Path (Join-Path $env:VAULTMESH_HOME 'published-log'))
    }
    $script:cases = $script:samples.Keys | ForEach-Object { @{ Name = $_ } }
}

AfterAll {
    if ($script:tsa) { Stop-VmTestTsa $script:tsa }
    Remove-Item Env:ANCHOR_WRITE_ENABLED -ErrorAction SilentlyContinue
}

Describe 'Table views' {
    It 'the view of <Name> fits 120 columns, one line per row, and cuts no cell but the last' -ForEach @(
        'Get-VmStatus', 'Get-VmConfiguration', 'Get-VmMemory', 'Test-VmMemory -Detailed', 'Get-VmBatch', 'Get-VmTimeline', 'Get-VmAnchor',
        'Test-VmAnchor -Detailed', 'Update-VmAnchor', 'Get-VmMetric', 'Export-VmProofBundle', 'Test-VmProofBundle -Detailed',
        'Export-VmBatchManifest', 'Invoke-VmReplay', 'Test-VmReceipt -Detailed', 'Resolve-VmConflict', 'New-VmMerkleTree',
        'Get-VmInclusionProof', 'Get-VmConsistencyProof', 'Test-VmInclusionProof -Detailed', 'Publish-VmLog' | ForEach-Object { @{ Name = $_ } }) {
        $objects = $script:samples[$Name]
        $objects | Should -Not -BeNullOrEmpty
        # A view keyed by the type's full name must exist and be the one used.
        $text = $objects | Format-Table | Out-String -Width 120
        $lines = $text -split "`r?`n" | Where-Object { $_.Trim() }
        foreach ($line in $lines) {
            $line.TrimEnd().Length | Should -BeLessOrEqual 120 -Because "$Name line '$line'"
            # Only the last column (a path, a reason, a summary, tags) may be cut; ids, roots,
            # states and times come before it and are shown whole.
            $line | Should -Not -Match '…\s*\S' -Because "$Name must cut no cell but the last: '$line'"
        }
        # Every row shows on one line: as many lines as objects plus the header and its rule.
        $lines.Count | Should -Be ($objects.Count + 2) -Because ($text)
    }

    It 'shows every time as UTC yyyy-MM-dd HH:mm:ss' {
        foreach ($name in 'Get-VmBatch', 'Get-VmTimeline', 'Get-VmAnchor', 'Resolve-VmConflict') {
            $text = $script:samples[$name] | Format-Table | Out-String -Width 120
            $text | Should -Match '\d{4}-\d\d-\d\d \d\d:\d\d:\d\d' -Because $name
            $text | Should -Not -Match '\d{1,2}/\d{1,2}/\d{4}|T\d\d:\d\d:\d\d|[+-]\d\d:\d\d\b' -Because "$name uses one time form"
        }
    }
}
