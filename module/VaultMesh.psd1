@{
    # The single source of the VaultMesh version: build.ps1 stamps the assemblies from it.
    ModuleVersion        = '0.1.0'
    GUID                 = '6f0c2a53-58c1-4c4e-9a39-3f0d8f3a7b21'
    Author               = 'VaultMesh'
    CompanyName          = 'VaultMesh'
    Copyright            = '(c) VaultMesh contributors. All rights reserved.'
    Description          = 'Tamper-evident operational memory: RFC 6962 Merkle batches anchored to RFC 3161, EVM and Bitcoin witnesses, operated through cmdlets and the vm grammar.'
    RootModule           = 'VaultMesh.PowerShell.dll'
    # Runs the load-context resolver of the cmdlet assembly before PowerShell reflects over its cmdlets.
    NestedModules        = @('VaultMesh.Loading.psm1')
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('VaultMesh.Format.ps1xml')
    CmdletsToExport      = @(
        'Add-VmMemory'
        'Add-VmPeer'
        'ConvertTo-VmCanonicalJson'
        'Export-VmBatchManifest'
        'Export-VmProofBundle'
        'Get-VmAnchor'
        'Get-VmBatch'
        'Get-VmCheckpoint'
        'Get-VmConfiguration'
        'Get-VmConsistencyProof'
        'Get-VmInclusionProof'
        'Get-VmLogEntry'
        'Get-VmMemory'
        'Get-VmMetric'
        'Get-VmSpawn'
        'Get-VmPeer'
        'Get-VmQuarantine'
        'Get-VmStatus'
        'Get-VmTimeline'
        'Import-VmMemory'
        'Invoke-VmAudit'
        'Invoke-VmCommand'
        'Invoke-VmLegacyTool'
        'Invoke-VmReplay'
        'Invoke-VmSeal'
        'Invoke-VmSpawn'
        'New-VmIdentity'
        'New-VmMerkleTree'
        'Publish-VmLog'
        'Remove-VmPeer'
        'Remove-VmQuarantine'
        'Resolve-VmConflict'
        'Send-VmIntakeEvent'
        'Set-VmConfiguration'
        'Start-VmMetricsServer'
        'Start-VmGuardian'
        'Submit-VmAnchor'
        'Sync-VmFederation'
        'Test-VmAnchor'
        'Test-VmCheckpoint'
        'Test-VmConsistencyProof'
        'Test-VmInclusionProof'
        'Test-VmLog'
        'Test-VmMemory'
        'Test-VmProofBundle'
        'Test-VmReceipt'
        'Update-VmAnchor'
    )
    AliasesToExport      = @('vm')
    FunctionsToExport    = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('VaultMesh', 'Merkle', 'RFC6962', 'RFC3161', 'Anchoring', 'Audit')
        }
    }
}
