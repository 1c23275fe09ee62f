#Requires -Version 7.4
<#
.SYNOPSIS
    The one entry point for building, staging, testing and demonstrating VaultMesh.
.DESCRIPTION
    Bootstrap  installs what Test, Demo, Rehearse and Bench need (idempotent: each step is skipped
               when present); those tasks run it first. build/BuildPlan.ps1 lists each task's steps.
    Build      compiles the solution and writes docs/settings.md from its settings table; installs nothing.
    Stage      publishes the module into output/VaultMesh/<version>/ from an explicit file list.
    Test       runs xunit, then Pester in a fresh pwsh against the staged module, and ends with
               the line "N passed, N failed, N skipped"; exits non-zero on any failure. With
               -Repeat N it runs both suites N times and lists every test that failed in any run.
    Demo       the main job: runs the demo on the embedded default.
    Install    installs the staged module into the user's module path and vm into ~/.local/bin (under
               -Destination or $env:VAULTMESH_INSTALL_ROOT instead of $HOME when given).
    Package    writes output/packages/VaultMesh.<version>.nupkg for Install-PSResource from a folder repository.
    Rehearse   the week-4 rehearsal on this machine: the units' commands in order with Redis, Anvil and
               the OpenSSL TSA, verify-anchor.sh, /metrics, the kill switches, and a summary table.
    Bench      runs the benchmark harness (bench/Invoke-Bench.ps1): baselines of this machine, every
               figure with its ratio and budget, one table, and bench/results/<date>-<commit>.json.
               -Quick uses small inputs and finishes in under two minutes.
.EXAMPLE
    dotnet tool restore && dotnet pwsh -NoProfile -File build.ps1 -Task Test
.EXAMPLE
    dotnet pwsh -NoProfile -File build.ps1 -Task Test -Repeat 5     # list every test that failed in any of 5 runs
#>
[CmdletBinding()]
param(
    [ValidateSet('Bootstrap', 'Build', 'Stage', 'Test', 'Demo', 'Install', 'Package', 'Rehearse', 'Bench')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Test: run both suites this many times and list every test that failed in any run.
    [ValidateRange(1, 1000)]
    [int] $Repeat = 1,

    # Install: the root that stands for $HOME (default $env:VAULTMESH_INSTALL_ROOT, else $HOME).
    [string] $Destination,

    # With -Task Bench: small inputs, under two minutes.
    [switch] $Quick
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$Root = $PSScriptRoot
. (Join-Path $Root 'build/BuildHelpers.ps1')
. (Join-Path $Root 'build/BuildPlan.ps1')

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
        # prometheus-net and its Microsoft.Extensions dependencies (pwsh carries another ObjectPool).
        'Prometheus.NetStandard.dll'
        'Microsoft.Extensions.ObjectPool.dll'
        'Microsoft.Extensions.Http.dll'
        'Microsoft.Extensions.Configuration.Abstractions.dll'
        'Microsoft.Extensions.Configuration.Binder.dll'
        'Microsoft.Extensions.Configuration.dll'
        'Microsoft.Extensions.DependencyInjection.Abstractions.dll'
        'Microsoft.Extensions.DependencyInjection.dll'
        'Microsoft.Extensions.Logging.dll'
        'Microsoft.Extensions.Options.dll'
        'Microsoft.Extensions.Primitives.dll'
        # StackExchange.Redis and its pipelines (the runtime carries a newer System.IO.Pipelines).
        'StackExchange.Redis.dll'
        'Pipelines.Sockets.Unofficial.dll'
        'System.IO.Pipelines.dll'
        'runtimes/linux-x64/native/libe_sqlite3.so'
        'runtimes/linux-arm64/native/libe_sqlite3.so'
        'runtimes/osx-x64/native/libe_sqlite3.dylib'
        'runtimes/osx-arm64/native/libe_sqlite3.dylib'
        'runtimes/win-x64/native/e_sqlite3.dll'
    )
}
$ModuleFiles = @('VaultMesh.psd1', 'VaultMesh.Format.ps1xml', 'VaultMesh.Loading.psm1')

function Invoke-Bootstrap {
    Write-Step 'Bootstrap'
    Invoke-Native dotnet tool restore
    Invoke-Native dotnet restore (Join-Path $Root 'VaultMesh.sln') --verbosity quiet
    foreach ($package in Get-RequiredDebianPackage) {
        Install-DebianPackage @package
    }
    Install-Anvil -RepositoryRoot $Root
    Install-SpawnLint -RepositoryRoot $Root
    Install-NoblePostQuantum -RepositoryRoot $Root
}

function Invoke-Build {
    Write-Step "Build ($Configuration, version $Version)"
    Invoke-Native dotnet build (Join-Path $Root 'VaultMesh.sln') -c $Configuration "-p:Version=$Version" --nologo --verbosity quiet
    Invoke-SettingsDocBuild
}

# docs/settings.md from the settings table of the assembly just built, in a fresh pwsh that loads it.
function Invoke-SettingsDocBuild {
    $core = Join-Path $Root "src/VaultMesh.Core/bin/$Configuration/net8.0/VaultMesh.Core.dll"
    Invoke-VmPwsh -NoProfile -NonInteractive -File (Join-Path $Root 'build/New-VmSettingsDoc.ps1') -CoreAssembly $core -OutFile (Join-Path $Root 'docs/settings.md')
    if ($LASTEXITCODE -ne 0) { throw "Build: the settings document failed (exit code $LASTEXITCODE)." }
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
    # Spawn templates ship as plain folders (dotfiles included) beside the module.
    Copy-Item -LiteralPath (Join-Path $Root 'templates') -Destination (Join-Path $StageDir 'templates') -Recurse -Force
    $null = Test-ModuleManifest -Path (Join-Path $StageDir 'VaultMesh.psd1')
    Invoke-HelpBuild
    Write-Host "Staged VaultMesh $Version"
}

# MAML for Get-Help from docs/en-US/<Verb-Noun>.md (shape: docs/en-US/README.md), plus the about_ topics.
function Invoke-HelpBuild {
    $docs = Join-Path $Root 'docs/en-US'
    $help = Join-Path $StageDir 'en-US'
    New-Item -ItemType Directory -Force -Path $help | Out-Null
    Invoke-VmPwsh -NoProfile -NonInteractive -File (Join-Path $Root 'build/New-VmHelp.ps1') -ModulePath (Join-Path $StageDir 'VaultMesh.psd1') `
        -MarkdownDirectory $docs -OutFile (Join-Path $help 'VaultMesh.PowerShell.dll-Help.xml')
    if ($LASTEXITCODE -ne 0) { throw "Stage: the help build failed (exit code $LASTEXITCODE)." }
    Copy-Item -Path (Join-Path $docs 'about_*.help.txt') -Destination $help
}

function Invoke-Test {
    $runs = for ($run = 1; $run -le $Repeat; $run++) {
        $label = if ($Repeat -gt 1) { " (run $run of $Repeat)" } else { '' }
        Write-Step "Test: xunit$label"
        $results = Join-Path $Root 'output/test-results'
        Remove-Item $results -Recurse -Force -ErrorAction SilentlyContinue
        New-Item -ItemType Directory -Force -Path $results | Out-Null
        $xunit = Invoke-XunitRun -Project (Join-Path $Root 'tests/VaultMesh.Core.Tests/VaultMesh.Core.Tests.csproj') -Configuration $Configuration -ResultsDirectory $results

        Write-Step "Test: Pester against the staged module$label"
        $pester = Invoke-PesterRun -ModulePath (Join-Path $StageDir 'VaultMesh.psd1') -TestPath (Join-Path $Root 'tests/Pester') -ResultsDirectory $results
        Write-Host ("xunit: {0} passed, {1} failed, {2} skipped; Pester: {3} passed, {4} failed, {5} skipped" -f `
            $xunit.Passed, $xunit.Failed, $xunit.Skipped, $pester.Passed, $pester.Failed, $pester.Skipped)
        [pscustomobject]@{
            Passed      = $xunit.Passed + $pester.Passed
            Failed      = $xunit.Failed + $pester.Failed
            Skipped     = $xunit.Skipped + $pester.Skipped
            FailedTests = @($xunit.FailedTests) + @($pester.FailedTests)
        }
    }
    $passed = ($runs | Measure-Object Passed -Sum).Sum
    $failed = ($runs | Measure-Object Failed -Sum).Sum
    $skipped = ($runs | Measure-Object Skipped -Sum).Sum
    if ($Repeat -gt 1) {
        Write-Step "Tests that failed in any of $Repeat runs"
        $flaky = @(Get-FlakyTestReport -Runs $runs)
        if ($flaky.Count -eq 0) { Write-Host "none: every run passed" } else { $flaky | Format-Table -AutoSize -Wrap | Out-Host }
        Write-Host ("runs: " + (($runs | ForEach-Object { "$($_.Passed)/$($_.Failed)/$($_.Skipped)" }) -join ' ') + " (passed/failed/skipped); totals over all runs:")
    }
    Write-Host "$passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0) { exit 1 }
}

function Invoke-Demo {
    Write-Step 'Demo'
    Invoke-VmPwsh -NoProfile -NonInteractive -File (Join-Path $Root 'demo/demo.ps1') -ModulePath (Join-Path $StageDir 'VaultMesh.psd1')
    if ($LASTEXITCODE -ne 0) { throw "Demo failed with exit code $LASTEXITCODE." }
}

function Invoke-Install {
    Write-Step 'Install'
    . (Join-Path $Root 'build/Install.ps1')
    $installed = Install-VmModule -StageDir $StageDir -RepositoryRoot $Root -Destination $Destination
    Write-Host "Installed VaultMesh $($installed.Version): module $($installed.Module), vm $($installed.Vm)"
}

function Invoke-Package {
    Write-Step 'Package'
    . (Join-Path $Root 'build/Package.ps1')
    $package = New-VmPackage -StageDir $StageDir -OutputDirectory (Join-Path $Root 'output/packages')
    Write-Host "Wrote $($package.FullName)"
}

function Invoke-Rehearse {
    Write-Step 'Rehearse'
    Invoke-VmPwsh -NoProfile -NonInteractive -File (Join-Path $Root 'build/Rehearse.ps1') -ModulePath (Join-Path $StageDir 'VaultMesh.psd1')
    if ($LASTEXITCODE -ne 0) { throw "Rehearsal failed with exit code $LASTEXITCODE." }
}

function Invoke-Bench {
    Write-Step ('Bench' + $(if ($Quick) { ' (quick)' } else { '' }))
    & (Join-Path $Root 'bench/Invoke-Bench.ps1') -ModulePath (Join-Path $StageDir 'VaultMesh.psd1') -Configuration $Configuration -Quick:$Quick
}

$plan = Get-BuildPlan -Task $Task
foreach ($step in $plan) {
    & "Invoke-$step"
}
