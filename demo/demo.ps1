# The VaultMesh demo on the embedded default (SQLite), in its own VAULTMESH_HOME under output/.
# It records memories (one of them an artifact file), seals them into an RFC 6962 batch of the
# profile's log and shows the signed checkpoint, proves a memory offline, then anchors the batch on a local OpenSSL TSA and a local Anvil chain that it
# starts and stops itself, follows the EVM anchor to finality and shows the verified receipts.
param([Parameter(Mandatory)] [string] $ModulePath)
$ErrorActionPreference = 'Stop'
$repo = (Resolve-Path (Join-Path $PSScriptRoot '..')).Path
$demoHome = Join-Path $repo 'output/demo-home'
Remove-Item $demoHome -Recurse -Force -ErrorAction SilentlyContinue
New-Item -ItemType Directory -Path $demoHome | Out-Null
$env:VAULTMESH_HOME = (Resolve-Path $demoHome).Path
Import-Module $ModulePath
. (Join-Path $repo 'tests/TestServers/VmTestAnvil.ps1')
. (Join-Path $repo 'build/PwshProcess.ps1')
Import-Module (Join-Path $repo 'tests/VaultMesh.TestTsa/VmTestTsa.psm1')

function Write-Section([string] $Title) { Write-Host "`n== $Title" -ForegroundColor Green }

Write-Section "Configure the 'demo' profile in $env:VAULTMESH_HOME/config.toml"
Set-VmConfiguration -Profile demo -Region eu-west -FederationEndpoint 'https://peer-a.example' -Default
Get-VmConfiguration -All | Format-Table -AutoSize | Out-Host

Write-Section 'Record memories (a deployment, a decision, and an artifact file)'
$artifact = Join-Path $demoHome 'api-1.4.2.tar.gz'
[IO.File]::WriteAllBytes($artifact, [Text.Encoding]::UTF8.GetBytes(('release payload ' * 4096)))
$memories = @(
    Add-VmMemory -Type deployment -Component api -Version 1.4.2 -Payload @{ env = 'prod'; replicas = 6; strategy = 'blue-green' } -Tag release, api
    Add-VmMemory -Type decision -Component db -Version 15.2 -Payload @{ summary = 'freeze schema changes until the audit closes' } -Tag change-control
    Add-VmMemory -Type artifact -Component api -Version 1.4.2 -Path $artifact -Tag release
)
$memories | Format-Table -AutoSize | Out-Host

Write-Section 'Seal them into one RFC 6962 batch'
$batch = Invoke-VmSeal
$batch | Format-Table -AutoSize | Out-Host

Write-Section "The log's signed C2SP checkpoint (every seal extends one RFC 6962 log; docs/log.md)"
$checkpoint = Get-VmCheckpoint
$checkpoint | Format-List Origin, Size, Root, Vkey | Out-Host
Get-VmCheckpoint -AsNote | Out-Host
Test-VmCheckpoint -Detailed | Select-Object -ExpandProperty Checks | Format-Table -AutoSize | Out-Host

Write-Section 'Verify every memory (id from content, leaf, batch root, inclusion proof) and the artifact file'
Get-VmMemory | Test-VmMemory -Detailed | Format-Table -AutoSize | Out-Host
Test-VmMemory -Id $memories[2].Id -Path $artifact -Detailed | Select-Object -ExpandProperty Checks | Format-Table -AutoSize | Out-Host

Write-Section 'Anchor the batch on a local OpenSSL TSA and a local Anvil chain'
$tsa = Start-VmTestTsa
$anvil = Start-VmTestAnvil
try {
    $env:VM_DEMO_EVM_KEY = $anvil.DevKey
    Set-VmConfiguration -Profile demo -Setting @{
        'rails.tsa.url'            = $tsa.Url
        'rails.tsa.trust_bundle'   = $tsa.TrustBundle
        'rails.evm.url'            = $anvil.Url
        'rails.evm.chain_id'       = 31337
        'rails.evm.to'             = '0x000000000000000000000000000000000000dEaD'
        'rails.evm.key_env'        = 'VM_DEMO_EVM_KEY'
        'rails.evm.required_depth' = 3
    }
    $env:ANCHOR_WRITE_ENABLED = '1'
    $batch | Submit-VmAnchor -Rail Tsa, Evm | Format-Table -AutoSize | Out-Host

    Write-Section 'Mine blocks until the EVM anchor is final, then verify every receipt'
    Invoke-VmTestAnvilRpc $anvil anvil_mine '0x3' | Out-Null
    Test-VmAnchor -BatchId $batch.BatchId -Detailed | Format-Table -AutoSize | Out-Host
    Get-VmAnchor | Format-Table -AutoSize | Out-Host

    Write-Section 'Timeline: memories, the seal and the anchors'
    Get-VmTimeline -Oldest | Format-Table -AutoSize | Out-Host

    Write-Section 'Export a proof bundle and verify it offline in a fresh pwsh with an empty VAULTMESH_HOME'
    $bundleDir = Join-Path $demoHome 'bundles'
    New-Item -ItemType Directory -Path $bundleDir | Out-Null
    $export = Export-VmProofBundle -Id $memories[0].Id -Path $bundleDir
    $emptyHome = Join-Path $demoHome 'auditor-home'
    New-Item -ItemType Directory -Path $emptyHome | Out-Null
    $env:VAULTMESH_HOME, $saved = $emptyHome, $env:VAULTMESH_HOME
    Invoke-VmPwsh -NoProfile -NonInteractive -Command "Import-Module '$ModulePath'; Test-VmProofBundle -Path '$($export.Path)' -TrustBundle '$($tsa.TrustBundle)' -Vkey '$($checkpoint.Vkey)' -Detailed | Format-List Valid, Status, MemoryId, LogSize, Root, AnchorCount, AnchorsVerified | Out-String"
    $env:VAULTMESH_HOME = $saved

    Write-Section 'vm status show --format table, and the counters the anchor verifications left'
    vm status show --format table | Out-Host
    Get-VmMetric | Format-Table -AutoSize | Out-Host
}
finally {
    Remove-Item Env:ANCHOR_WRITE_ENABLED, Env:VM_DEMO_EVM_KEY -ErrorAction SilentlyContinue
    Stop-VmTestAnvil $anvil
    Stop-VmTestTsa $tsa
}
Write-Host "`nDemo complete: the store is in $env:VAULTMESH_HOME" -ForegroundColor Green
