#Requires -Version 7.4
<#
.SYNOPSIS
    Runs the VaultMesh benchmark harness (already built) and prints its table; writes
    <OutputDirectory>/<date>-<commit>.json.
.DESCRIPTION
    build.ps1 -Task Bench builds, stages and then calls this script. The harness measures this
    machine's SHA-256 and durable-commit baselines in the same run and reports every figure as a
    ratio to them where one applies; figures measured through cmdlets run in fresh pwsh processes
    against the staged module at -ModulePath. -Quick uses small inputs (under two minutes) and
    names its file <date>-<commit>-quick.json.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [string] $OutputDirectory = (Join-Path $PSScriptRoot 'results'),
    [ValidateSet('Debug', 'Release')] [string] $Configuration = 'Release',
    [switch] $Quick,
    # Only figure groups whose names start with these (merkle, evidence, store, legacy, cmdlets).
    [string[]] $Only = @()
)
$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot
. (Join-Path $root 'build/PwshProcess.ps1')

$harness = Join-Path $PSScriptRoot "VaultMesh.Bench/bin/$Configuration/net10.0/VaultMesh.Bench.dll"
if (-not (Test-Path -LiteralPath $harness)) { throw "The benchmark harness is not built at $harness; run build.ps1 -Task Build first." }

$commit = 'unknown'
if (Get-Command git -ErrorAction SilentlyContinue) {
    $head = & git -C $root rev-parse --short=12 HEAD 2>$null
    if ($LASTEXITCODE -eq 0 -and $head) {
        $dirty = & git -C $root status --porcelain --untracked-files=no 2>$null
        $commit = $head + ($(if ($dirty) { '-dirty' } else { '' }))
    }
}

$arguments = @($harness, '--module', (Resolve-Path $ModulePath).Path, '--output', $OutputDirectory, '--commit', $commit, '--bench-dir', $PSScriptRoot)
$pwsh = Get-VmPwshCommandLine
foreach ($part in $pwsh) { $arguments += @('--pwsh', $part) }
if ($Quick) { $arguments += '--quick' }
foreach ($group in $Only) { $arguments += @('--only', $group) }
& dotnet @arguments
if ($LASTEXITCODE -ne 0) { throw "The benchmark harness failed with exit code $LASTEXITCODE." }
