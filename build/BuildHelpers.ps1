# Helpers for build.ps1: running native tools, installing prerequisites, and running test suites
# with counts that add up into one summary line.

function Write-Step([string] $Message) {
    Write-Host "==> $Message" -ForegroundColor Cyan
}

# Runs a native command and throws on a non-zero exit. No param block on purpose: every word,
# dashes included, goes to the command untouched.
function Invoke-Native {
    $command, $arguments = $args
    & $command @arguments
    if ($LASTEXITCODE -ne 0) { throw "'$command $($arguments -join ' ')' failed with exit code $LASTEXITCODE." }
}

. (Join-Path $PSScriptRoot 'PwshProcess.ps1')

# Debian packages later capabilities need, each with the command that shows it is present.
function Get-RequiredDebianPackage {
    # openssl: the test TSA (`openssl ts -reply`) used by xunit, Pester and the demo.
    # sqlite3: the federation tests digest and integrity-check each guardian's store from outside.
    @(
        @{ Package = 'openssl'; Command = 'openssl' }
        @{ Package = 'sqlite3'; Command = 'sqlite3' }
    )
}

function Install-DebianPackage {
    param([string] $Package, [string] $Command)
    if (Get-Command $Command -ErrorAction SilentlyContinue) { return }
    if (-not (Get-Command apt-get -ErrorAction SilentlyContinue)) {
        throw "Bootstrap: '$Command' is missing and apt-get is not available; install the '$Package' package."
    }
    $sudo = if ((& id -u) -ne '0') { @('sudo') } else { @() }
    if (-not $script:AptUpdated) {
        & @sudo apt-get update -qq
        $script:AptUpdated = $true
    }
    & @sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $Package
    if ($LASTEXITCODE -ne 0) { throw "Bootstrap: installing '$Package' failed." }
}

# Anvil, the local EVM node the EVM rail's tests and the demo run against. Its binary ships inside
# an npm package, installed at this exact version into the git-ignored tools/anvil folder.
$AnvilPackage = '@foundry-rs/anvil-linux-amd64'
$AnvilVersion = '1.7.1'

# The anvil binary under <repo>/tools/anvil, or $null when it is not installed.
function Get-AnvilPath {
    param([string] $RepositoryRoot = (Split-Path $PSScriptRoot))
    $package = Join-Path $RepositoryRoot "tools/anvil/node_modules/$AnvilPackage"
    if (-not (Test-Path -LiteralPath $package)) { return $null }
    $binary = Get-ChildItem -LiteralPath $package -Recurse -File -Filter 'anvil' -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($binary) { return $binary.FullName }
    $null
}

# Idempotent: installs the package only when the binary is missing, makes it executable, and sets
# VAULTMESH_ANVIL for the processes this build starts (xunit, Pester, the demo).
function Install-Anvil {
    param([string] $RepositoryRoot = (Split-Path $PSScriptRoot))
    $anvil = Get-AnvilPath -RepositoryRoot $RepositoryRoot
    if (-not $anvil) {
        if (-not $IsLinux -or [Runtime.InteropServices.RuntimeInformation]::OSArchitecture -ne [Runtime.InteropServices.Architecture]::X64) {
            Write-Warning "Bootstrap: Anvil is packaged here for linux-x64 only; EVM tests need VAULTMESH_ANVIL to name an anvil binary."
            return
        }
        Install-DebianPackage -Package npm -Command npm
        $prefix = Join-Path $RepositoryRoot 'tools/anvil'
        New-Item -ItemType Directory -Force -Path $prefix | Out-Null
        Invoke-Native npm install --prefix $prefix --no-save --no-audit --no-fund --loglevel=error "$AnvilPackage@$AnvilVersion"
        $anvil = Get-AnvilPath -RepositoryRoot $RepositoryRoot
        if (-not $anvil) { throw "Bootstrap: $AnvilPackage@$AnvilVersion installed but no 'anvil' binary was found under $prefix/node_modules." }
    }
    $execute = [IO.UnixFileMode]::UserExecute -bor [IO.UnixFileMode]::GroupExecute -bor [IO.UnixFileMode]::OtherExecute
    $mode = [IO.File]::GetUnixFileMode($anvil)
    if (($mode -band $execute) -ne $execute) { [IO.File]::SetUnixFileMode($anvil, $mode -bor $execute) }
    $env:VAULTMESH_ANVIL = $anvil
}

function Invoke-XunitRun {
    param([string] $Project, [string] $Configuration, [string] $ResultsDirectory)
    $trx = 'xunit.trx'
    & dotnet test $Project -c $Configuration --no-build --nologo --verbosity quiet --results-directory $ResultsDirectory --logger "trx;LogFileName=$trx" --logger 'console;verbosity=minimal' | Out-Host
    $exit = $LASTEXITCODE
    $file = Join-Path $ResultsDirectory $trx
    if (-not (Test-Path $file)) {
        Write-Warning "xunit produced no results (exit code $exit)."
        return [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 }
    }
    [xml] $xml = Get-Content -Raw $file
    $c = $xml.TestRun.ResultSummary.Counters
    $failed = [int]$c.failed + [int]$c.error + [int]$c.timeout + [int]$c.aborted
    if ($exit -ne 0 -and $failed -eq 0) { $failed = 1 }
    [pscustomobject]@{ Passed = [int]$c.passed; Failed = $failed; Skipped = [int]$c.notExecuted }
}

function Get-PesterModulePath {
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
    $path = Join-Path $packages 'pester/5.7.1/tools/Pester.psd1'
    if (-not (Test-Path $path)) { throw "Pester 5.7.1 is not in the NuGet cache ($path); run build.ps1 -Task Bootstrap." }
    $path
}

function Invoke-PesterRun {
    param([string] $ModulePath, [string] $TestPath, [string] $ResultsDirectory)
    $resultFile = Join-Path $ResultsDirectory 'pester.json'
    $runner = Join-Path $TestPath 'Invoke-PesterRun.ps1'
    Invoke-VmPwsh -NoProfile -NonInteractive -File $runner -PesterPath (Get-PesterModulePath) -ModulePath $ModulePath -TestPath $TestPath -ResultFile $resultFile | Out-Host
    $exit = $LASTEXITCODE
    if (-not (Test-Path $resultFile)) {
        Write-Warning "Pester produced no results (exit code $exit)."
        return [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 }
    }
    $r = Get-Content -Raw $resultFile | ConvertFrom-Json
    $failed = [int]$r.Failed
    if ($exit -ne 0 -and $failed -eq 0) { $failed = 1 }
    [pscustomobject]@{ Passed = [int]$r.Passed; Failed = $failed; Skipped = [int]$r.Skipped }
}
