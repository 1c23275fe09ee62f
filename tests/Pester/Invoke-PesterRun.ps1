# Runs every *.Tests.ps1 beside this file in this (fresh) pwsh and writes the counts as JSON.
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $TestPath,
    [Parameter(Mandatory)] [string] $ResultFile
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterPath -Force
$env:VAULTMESH_TEST_MODULE = (Resolve-Path $ModulePath).Path
$config = New-PesterConfiguration
$config.Run.Path = $TestPath
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Normal'
try {
    $result = Invoke-Pester -Configuration $config
    $failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
}
catch {
    # A crash of the runner itself counts as a failure; it must never read as a green run.
    Write-Host "Pester run failed: $_" -ForegroundColor Red
    $result = [pscustomobject]@{ PassedCount = 0; SkippedCount = 0; NotRunCount = 0; Failed = @(); FailedBlocks = @(); FailedContainers = @() }
    $failed = 1
}
$failedTests = @(
    $result.Failed | ForEach-Object { $_.ExpandedPath }
    $result.FailedBlocks | ForEach-Object { "$($_.ExpandedPath) (block)" }
    $result.FailedContainers | ForEach-Object { "$($_.Item) (file)" }
)
[ordered]@{
    Passed      = $result.PassedCount
    Failed      = $failed
    Skipped     = $result.SkippedCount + $result.NotRunCount
    FailedTests = $failedTests
} | ConvertTo-Json | Set-Content -LiteralPath $ResultFile
exit ([int]($failed -gt 0))
