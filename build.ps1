#Requires -Version 7.4
<#
.SYNOPSIS
    The one entry point for building, staging, testing and demonstrating VaultMesh.
.DESCRIPTION
    Bootstrap  installs what the other tasks need (idempotent: each step is skipped when present).
    Build      compiles the solution.
    Stage      publishes the module into output/VaultMesh/<version>/ from an explicit file list.
    Test       runs xunit, then Pester in a fresh pwsh against the staged module, and ends with
               the line "N passed, N failed, N skipped"; exits non-zero on any failure.
    Demo       the main job: runs the demo on the embedded default.
    Bench      runs the benchmark harness (bench/Invoke-Bench.ps1): baselines of this machine, every
               figure with its ratio and budget, one table, and bench/results/<date>-<commit>.json.
               -Quick uses small inputs and finishes in under two minutes.
.EXAMPLE
    dotnet tool restore && dotnet pwsh -NoProfile -File build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Bootstrap', 'Build', 'Stage', 'Test', 'Demo', 'Bench')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # With -Task Bench: small inputs, under two minutes.
    [switch] $Quick
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$Root = $PSScriptRoot
. (Join-Path $Root 'build/BuildHelpers.ps1')

$Manifest = Import-PowerShellDataFile (Join-Path $Root 'module/VaultMesh.psd1')
$Version = $Manifest.ModuleVersion
$StageDir = Join-Path $Root "output/VaultMesh/$Version"

# Every file the staged module must contain; staging fails when one is missing.
$StageFiles = @{
    '.'    = @('VaultMesh.PowerShell.dll')
    'deps' = @(
        'VaultMesh.Core.dll'
        'Tomlyn.dll'
        'JsonSchema.Net.dll'
        'Json.More.dll'
        'JsonPointer.Net.dll'
        'Humanizer.dll'
        'Microsoft.Data.Sqlite.dll'
        'System.Security.Cryptography.Pkcs.dll'
        'SQLitePCLRaw.core.dll'
        'SQLitePCLRaw.batteries_v2.dll'
        'SQLitePCLRaw.provider.e_sqlite3.dll'
        'Nethereum.Signer.dll'
        'Nethereum.Hex.dll'
        'Nethereum.RLP.dll'
        'Nethereum.Util.dll'
        'Nethereum.Model.dll'
        'Nethereum.ABI.dll'
        'NBitcoin.Secp256k1.dll'
        'BouncyCastle.Cryptography.dll'
        'Newtonsoft.Json.dll'
        'NBitcoin.dll'
        'Microsoft.Extensions.Logging.Abstractions.dll'
        'runtimes/linux-x64/native/libe_sqlite3.so'
        'runtimes/linux-arm64/native/libe_sqlite3.so'
        'runtimes/osx-x64/native/libe_sqlite3.dylib'
        'runtimes/osx-arm64/native/libe_sqlite3.dylib'
        'runtimes/win-x64/native/e_sqlite3.dll'
    )
}
$ModuleFiles = @('VaultMesh.psd1', 'VaultMesh.Format.ps1xml')

function Invoke-Bootstrap {
    Write-Step 'Bootstrap'
    Invoke-Native dotnet tool restore
    Invoke-Native dotnet restore (Join-Path $Root 'VaultMesh.sln') --verbosity quiet
    foreach ($package in Get-RequiredDebianPackage) {
        Install-DebianPackage @package
    }
    Install-Anvil -RepositoryRoot $Root
}

function Invoke-Build {
    Write-Step "Build ($Configuration, version $Version)"
    Invoke-Native dotnet build (Join-Path $Root 'VaultMesh.sln') -c $Configuration "-p:Version=$Version" --nologo --verbosity quiet
}

function Invoke-Stage {
    Write-Step "Stage into $StageDir"
    $publish = Join-Path $Root "output/publish"
    Remove-Item $publish, $StageDir -Recurse -Force -ErrorAction SilentlyContinue
    Invoke-Native dotnet publish (Join-Path $Root 'src/VaultMesh.PowerShell/VaultMesh.PowerShell.csproj') -c $Configuration "-p:Version=$Version" -o $publish --nologo --verbosity quiet
    foreach ($folder in $StageFiles.Keys) {
        $target = Join-Path $StageDir $folder
        New-Item -ItemType Directory -Force -Path $target | Out-Null
        foreach ($file in $StageFiles[$folder]) {
            $source = Join-Path $publish $file
            if (-not (Test-Path -LiteralPath $source)) { throw "Stage: expected file '$file' is missing from the publish output ($publish)." }
            $destination = Join-Path $target $file
            New-Item -ItemType Directory -Force -Path (Split-Path $destination) | Out-Null
            Copy-Item -LiteralPath $source -Destination $destination
        }
    }
    foreach ($file in $ModuleFiles) {
        Copy-Item -LiteralPath (Join-Path $Root "module/$file") -Destination $StageDir
    }
    foreach ($schema in Get-ChildItem (Join-Path $Root 'schemas') -Filter *.json -ErrorAction SilentlyContinue) {
        New-Item -ItemType Directory -Force -Path (Join-Path $StageDir 'schemas') | Out-Null
        Copy-Item -LiteralPath $schema.FullName -Destination (Join-Path $StageDir 'schemas')
    }
    $null = Test-ModuleManifest -Path (Join-Path $StageDir 'VaultMesh.psd1')
    Write-Host "Staged VaultMesh $Version"
}

function Invoke-Test {
    Write-Step 'Test: xunit'
    $results = Join-Path $Root 'output/test-results'
    Remove-Item $results -Recurse -Force -ErrorAction SilentlyContinue
    New-Item -ItemType Directory -Force -Path $results | Out-Null
    $xunit = Invoke-XunitRun -Project (Join-Path $Root 'tests/VaultMesh.Core.Tests/VaultMesh.Core.Tests.csproj') -Configuration $Configuration -ResultsDirectory $results

    Write-Step 'Test: Pester against the staged module'
    $pester = Invoke-PesterRun -ModulePath (Join-Path $StageDir 'VaultMesh.psd1') -TestPath (Join-Path $Root 'tests/Pester') -ResultsDirectory $results

    $passed = $xunit.Passed + $pester.Passed
    $failed = $xunit.Failed + $pester.Failed
    $skipped = $xunit.Skipped + $pester.Skipped
    Write-Host ("xunit: {0} passed, {1} failed, {2} skipped; Pester: {3} passed, {4} failed, {5} skipped" -f `
        $xunit.Passed, $xunit.Failed, $xunit.Skipped, $pester.Passed, $pester.Failed, $pester.Skipped)
    Write-Host "$passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0) { exit 1 }
}

function Invoke-Demo {
    Write-Step 'Demo'
    Invoke-VmPwsh -NoProfile -NonInteractive -File (Join-Path $Root 'demo/demo.ps1') -ModulePath (Join-Path $StageDir 'VaultMesh.psd1')
    if ($LASTEXITCODE -ne 0) { throw "Demo failed with exit code $LASTEXITCODE." }
}

function Invoke-Bench {
    Write-Step ('Bench' + $(if ($Quick) { ' (quick)' } else { '' }))
    & (Join-Path $Root 'bench/Invoke-Bench.ps1') -ModulePath (Join-Path $StageDir 'VaultMesh.psd1') -Configuration $Configuration -Quick:$Quick
}

$plan = [System.Collections.Generic.List[string]]::new()
foreach ($t in $Task) {
    $steps = switch ($t) {
        'Bootstrap' { 'Bootstrap' }
        'Build' { 'Bootstrap', 'Build' }
        'Stage' { 'Bootstrap', 'Build', 'Stage' }
        'Test' { 'Bootstrap', 'Build', 'Stage', 'Test' }
        'Demo' { 'Bootstrap', 'Build', 'Stage', 'Demo' }
        'Bench' { 'Bootstrap', 'Build', 'Stage', 'Bench' }
    }
    foreach ($s in $steps) { if (-not $plan.Contains($s)) { $plan.Add($s) } }
}
foreach ($step in $plan) {
    & "Invoke-$step"
}
