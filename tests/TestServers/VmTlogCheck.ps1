# The outside checker of published logs (tests/go/tlogcheck), built offline with Debian's Go and the
# golang.org/x/mod sumdb packages of golang-golang-x-mod-dev: GOPATH mode (GO111MODULE=off) with the
# package's source tree first, the checker copied into a temp GOPATH of its own. Dot-source, then
# Build-VmTlogCheck once and Invoke-VmTlogCheck per directory.

function Build-VmTlogCheck {
    param([Parameter(Mandatory)] [string] $RepositoryRoot)
    $gopath = Join-Path ([IO.Path]::GetTempPath()) ('vm-tlogcheck-' + [guid]::NewGuid().ToString('N'))
    $source = Join-Path $gopath 'src/tlogcheck'
    New-Item -ItemType Directory -Path $source | Out-Null
    Copy-Item (Join-Path $RepositoryRoot 'tests/go/tlogcheck/main.go') (Join-Path $source 'main.go')
    $binary = Join-Path $gopath 'tlogcheck'
    $psi = [Diagnostics.ProcessStartInfo]::new('go')
    foreach ($a in @('build', '-o', $binary, '.')) { $psi.ArgumentList.Add($a) }
    $psi.WorkingDirectory = $source
    $psi.UseShellExecute = $false
    $psi.RedirectStandardError = $true
    $psi.Environment['GO111MODULE'] = 'off'
    $psi.Environment['GOPATH'] = "/usr/share/gocode:$gopath"
    $psi.Environment['GOFLAGS'] = ''
    $p = [Diagnostics.Process]::Start($psi)
    $err = $p.StandardError.ReadToEnd()
    $p.WaitForExit()
    if ($p.ExitCode -ne 0) { throw "go build of tests/go/tlogcheck failed (Bootstrap installs golang-go and golang-golang-x-mod-dev): $err" }
    $binary
}

# Runs the checker on a published directory: exit code and output.
function Invoke-VmTlogCheck {
    param([Parameter(Mandatory)] [string] $Binary, [Parameter(Mandatory)] [string] $Directory, [Parameter(Mandatory)] [string] $Vkey, [string[]] $More = @())
    $psi = [Diagnostics.ProcessStartInfo]::new($Binary)
    foreach ($a in @('-dir', $Directory, '-vkey', $Vkey) + $More) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $p = [Diagnostics.Process]::Start($psi)
    $err = $p.StandardError.ReadToEndAsync()
    $out = $p.StandardOutput.ReadToEnd()
    $p.WaitForExit()
    [pscustomobject]@{ ExitCode = $p.ExitCode; StdOut = $out; StdErr = $err.Result }
}
