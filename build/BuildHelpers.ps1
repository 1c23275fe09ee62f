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
    # jq: the legacy shims (ops/bin/remembrancer, ops/bin/health-check) read vm's JSON with it.
    # sqlite3: the audit tests tamper with a store file directly, as an attacker would; the federation
    # tests digest and integrity-check each guardian's store from outside.
    # shellcheck: the tests lint every shell script under ops/.
    # redis-server: the anchoring cache, lock and intake stream tests start their own.
    # prometheus: promtool lints a live /metrics scrape and checks and unit-tests the alert rules; the rehearsal runs the server.
    # systemd: systemd-analyze verifies every unit under ops/phase-vi/systemd.
    # nginx: the rehearsal serves a published tiled log through a real web server.
    # golang-go, golang-golang-x-mod-dev: an outside tlog checker (x/mod's sumdb/tlog and sumdb/note),
    # built offline from the Debian source tree, verifies a published log; the package has no command,
    # so its presence is its source directory.
    @(
        @{ Package = 'openssl'; Command = 'openssl' }
        @{ Package = 'jq'; Command = 'jq' }
        @{ Package = 'sqlite3'; Command = 'sqlite3' }
        @{ Package = 'shellcheck'; Command = 'shellcheck' }
        @{ Package = 'redis-server'; Command = 'redis-server' }
        @{ Package = 'prometheus'; Command = 'promtool' }
        @{ Package = 'systemd'; Command = 'systemd-analyze' }
        @{ Package = 'nginx'; Command = 'nginx' }
        @{ Package = 'golang-go'; Command = 'go' }
        @{ Package = 'golang-golang-x-mod-dev'; Path = '/usr/share/gocode/src/golang.org/x/mod/sumdb/tlog' }
    )
}

# Set once per build run, so that several missing packages share one 'apt-get update'.
$script:AptUpdated = $false

function Install-DebianPackage {
    param([string] $Package, [string] $Command, [string] $Path)
    if ($Command -and (Get-Command $Command -ErrorAction SilentlyContinue)) { return }
    if ($Path -and (Test-Path -LiteralPath $Path)) { return }
    $what = if ($Command) { $Command } else { $Path }
    if (-not (Get-Command apt-get -ErrorAction SilentlyContinue)) {
        throw "Bootstrap: '$what' is missing and apt-get is not available; install the '$Package' package."
    }
    # Root runs apt-get itself; anyone else goes through sudo.
    $apt = if ((& id -u) -ne '0') { @('sudo', 'env') } else { @('env') }
    $aptCommand, $aptPrefix = $apt
    if (-not $script:AptUpdated) {
        & $aptCommand @aptPrefix apt-get -o DPkg::Lock::Timeout=600 update -qq
        $script:AptUpdated = $true
    }
    & $aptCommand @aptPrefix DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $Package
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

# The checkers of generated projects (tests/Pester/SpawnLint.mjs): HashiCorp's HCL parser (WASM),
# a Dockerfile linter and a YAML parser, at pinned versions in the git-ignored tools/spawn-lint.
$SpawnLintPackages = @('@cdktf/hcl2json@0.21.0', 'dockerfile-utils@0.16.3', 'yaml@2.8.1')

# Idempotent: installs the packages only when one is missing.
function Install-SpawnLint {
    param([string] $RepositoryRoot = (Split-Path $PSScriptRoot))
    $prefix = Join-Path $RepositoryRoot 'tools/spawn-lint'
    $missing = $SpawnLintPackages | Where-Object {
        $name = $_.Substring(0, $_.LastIndexOf('@'))
        -not (Test-Path -LiteralPath (Join-Path $prefix "node_modules/$name/package.json"))
    }
    if (-not $missing) { return }
    Install-DebianPackage -Package npm -Command npm
    New-Item -ItemType Directory -Force -Path $prefix | Out-Null
    Invoke-Native npm install --prefix $prefix --no-save --no-audit --no-fund --loglevel=error @SpawnLintPackages
}

# A second ML-DSA-44 implementation, written by other people, that the cosignature test
# (tests/Pester/MlDsaVerify.mjs) checks this node's signatures with; pinned, in the git-ignored tools/noble-pq.
$NoblePostQuantumPackage = '@noble/post-quantum@0.7.1'

# Idempotent: installs the package only when it is missing.
function Install-NoblePostQuantum {
    param([string] $RepositoryRoot = (Split-Path $PSScriptRoot))
    $prefix = Join-Path $RepositoryRoot 'tools/noble-pq'
    if (Test-Path -LiteralPath (Join-Path $prefix 'node_modules/@noble/post-quantum/package.json')) { return }
    Install-DebianPackage -Package npm -Command npm
    New-Item -ItemType Directory -Force -Path $prefix | Out-Null
    Invoke-Native npm install --prefix $prefix --no-save --no-audit --no-fund --loglevel=error $NoblePostQuantumPackage
}

function Invoke-XunitRun {
    param([string] $Project, [string] $Configuration, [string] $ResultsDirectory)
    $trx = 'xunit.trx'
    & dotnet test $Project -c $Configuration --no-build --nologo --verbosity quiet --results-directory $ResultsDirectory --logger "trx;LogFileName=$trx" --logger 'console;verbosity=minimal' | Out-Host
    $exit = $LASTEXITCODE
    $file = Join-Path $ResultsDirectory $trx
    if (-not (Test-Path $file)) {
        Write-Warning "xunit produced no results (exit code $exit)."
        return [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0; FailedTests = @("xunit: the run itself (no results, exit code $exit)") }
    }
    [xml] $xml = Get-Content -Raw $file
    $c = $xml.TestRun.ResultSummary.Counters
    $failed = [int]$c.failed + [int]$c.error + [int]$c.timeout + [int]$c.aborted
    $names = @($xml.TestRun.Results.UnitTestResult | Where-Object { $_.outcome -ne 'Passed' -and $_.outcome -ne 'NotExecuted' } | ForEach-Object { "xunit: $($_.testName)" })
    if ($exit -ne 0 -and $failed -eq 0) { $failed = 1; $names += "xunit: the run itself (exit code $exit)" }
    [pscustomobject]@{ Passed = [int]$c.passed; Failed = $failed; Skipped = [int]$c.notExecuted; FailedTests = $names }
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
        return [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0; FailedTests = @("Pester: the run itself (no results, exit code $exit)") }
    }
    $r = Get-Content -Raw $resultFile | ConvertFrom-Json
    $failed = [int]$r.Failed
    $names = @($r.FailedTests | ForEach-Object { "Pester: $_" })
    if ($exit -ne 0 -and $failed -eq 0) { $failed = 1; $names += "Pester: the run itself (exit code $exit)" }
    [pscustomobject]@{ Passed = [int]$r.Passed; Failed = $failed; Skipped = [int]$r.Skipped; FailedTests = $names }
}

# Runs both suites -Repeat times and returns one row per test that failed at least once, with the
# runs it failed in, so that a test failing one run in five shows up in one command.
function Get-FlakyTestReport {
    param([object[]] $Runs)
    $Runs | ForEach-Object -Begin { $i = 0 } -Process {
        $i++
        foreach ($name in $_.FailedTests) { [pscustomobject]@{ Test = $name; Run = $i } }
    } | Group-Object Test | ForEach-Object {
        [pscustomobject]@{ FailedRuns = $_.Count; OfRuns = $Runs.Count; Runs = ($_.Group.Run -join ','); Test = $_.Name }
    } | Sort-Object FailedRuns -Descending
}
