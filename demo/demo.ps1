# The VaultMesh demo on the embedded default: runs in its own VAULTMESH_HOME under output/.
param([Parameter(Mandatory)] [string] $ModulePath)
$ErrorActionPreference = 'Stop'
$demoHome = Join-Path $PSScriptRoot '../output/demo-home'
Remove-Item $demoHome -Recurse -Force -ErrorAction SilentlyContinue
New-Item -ItemType Directory -Path $demoHome | Out-Null
$env:VAULTMESH_HOME = (Resolve-Path $demoHome).Path
Import-Module $ModulePath

Write-Host "`n== Configure two profiles (merged into $env:VAULTMESH_HOME/config.toml)" -ForegroundColor Green
Set-VmConfiguration -Profile lab -Region eu-west -FederationEndpoint 'https://peer-a.example', 'https://peer-b.example' -Default
Set-VmConfiguration -Profile prod -Region us-east -VerifyEnforce $true
Get-VmConfiguration -All | Format-Table -AutoSize | Out-Host

Write-Host '== Get-VmStatus' -ForegroundColor Green
Get-VmStatus | Format-List Profile, ProfileSource, ConfigPath, DataDirectory, ModuleVersion, RuntimeVersion, FederationEnabled, AnchorWriteEnabled, VerifyEnforce | Out-Host

Write-Host '== vm status show --format table' -ForegroundColor Green
vm status show --format table | Out-Host
Write-Host '== vm status show (JSON envelope)' -ForegroundColor Green
vm status show --profile prod | Out-Host
