# Dot-sourced by every test file: imports the staged module (path from the runner) and gives each
# test file its own empty VAULTMESH_HOME, so no test touches the real ~/.vaultmesh.
$script:ModulePath = $env:VAULTMESH_TEST_MODULE
if (-not $script:ModulePath) { throw 'VAULTMESH_TEST_MODULE is not set; run the tests through build.ps1 -Task Test.' }
$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
Import-Module $script:ModulePath -Force
. (Join-Path $script:RepoRoot 'build/PwshProcess.ps1')

function New-VmTestHome {
    $path = Join-Path ([IO.Path]::GetTempPath()) ("vmtest-" + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $path | Out-Null
    $path
}

# Runs a script in a child 'pwsh -NoProfile -NonInteractive' with the staged module imported and
# returns its stdout lines, stderr text and exit code.
function Invoke-VmChildPwsh {
    param([Parameter(Mandatory)] [string] $Script, [hashtable] $Environment = @{})
    $pwsh = Get-VmPwshCommandLine
    $file = Join-Path ([IO.Path]::GetTempPath()) ("vmchild-" + [guid]::NewGuid().ToString('N') + '.ps1')
    "Import-Module '$script:ModulePath'`n$Script" | Set-Content -LiteralPath $file
    Invoke-VmProcess -FilePath $pwsh[0] -ArgumentList (@($pwsh | Select-Object -Last ($pwsh.Count - 1)) + @('-NoProfile', '-NonInteractive', '-File', $file)) -Environment $Environment
    Remove-Item -LiteralPath $file -ErrorAction SilentlyContinue
}

# Runs ops/bin/vm (the launcher bash and systemd use) with the given arguments.
function Invoke-VmLauncher {
    param([string[]] $ArgumentList, [hashtable] $Environment = @{})
    $env2 = @{ VAULTMESH_MODULE = $script:ModulePath } + $Environment
    Invoke-VmProcess -FilePath 'bash' -ArgumentList (@((Join-Path $script:RepoRoot 'ops/bin/vm')) + $ArgumentList) -Environment $env2
}

# Starts a process with redirected output and returns it with its pending stdout and stderr text.
# $Environment adds to this process's variables; a $null value removes one.
function Start-VmProcess {
    param([string] $FilePath, [string[]] $ArgumentList, [hashtable] $Environment = @{})
    $psi = [Diagnostics.ProcessStartInfo]::new($FilePath)
    foreach ($a in $ArgumentList) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.UseShellExecute = $false
    foreach ($k in $Environment.Keys) {
        if ($null -eq $Environment[$k]) { [void] $psi.Environment.Remove($k) }
        else { $psi.Environment[$k] = [string]$Environment[$k] }
    }
    $p = [Diagnostics.Process]::Start($psi)
    [pscustomobject]@{ Process = $p; StdOut = $p.StandardOutput.ReadToEndAsync(); StdErr = $p.StandardError.ReadToEndAsync() }
}

# A datagram socket that a server started with NOTIFY_SOCKET set to its path tells when it listens
# (READY=1, the systemd protocol; see ServiceReadiness). Tests wait for that instead of probing the
# port: a connection that arrives while HttpListener is still starting can crash the server.
function New-VmReadySocket {
    $path = Join-Path ([IO.Path]::GetTempPath()) ('vmready-' + [guid]::NewGuid().ToString('N').Substring(0, 12) + '.sock')
    $socket = [Net.Sockets.Socket]::new([Net.Sockets.AddressFamily]::Unix, [Net.Sockets.SocketType]::Dgram, [Net.Sockets.ProtocolType]::Unspecified)
    $socket.Bind([Net.Sockets.UnixDomainSocketEndPoint]::new($path))
    [pscustomobject]@{ Path = $path; Socket = $socket }
}

# Waits until the server behind $Ready sends READY=1; false when $Process exits first or time runs out.
# Closes the socket either way.
function Wait-VmReady {
    param([Parameter(Mandatory)] $Ready, $Process, [int] $TimeoutSeconds = 180)
    $buffer = [byte[]]::new(4096)
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    try {
        while ([DateTime]::UtcNow -lt $deadline) {
            if ($Ready.Socket.Poll(200000, [Net.Sockets.SelectMode]::SelectRead)) {
                $n = $Ready.Socket.Receive($buffer)
                if ([Text.Encoding]::UTF8.GetString($buffer, 0, $n) -match '(?m)^READY=1$') { return $true }
            }
            if ($Process -and $Process.HasExited) { return $false }
        }
        $false
    }
    finally {
        $Ready.Socket.Dispose()
        [IO.File]::Delete($Ready.Path)
    }
}

function Invoke-VmProcess {
    param([string] $FilePath, [string[]] $ArgumentList, [hashtable] $Environment = @{})
    $started = Start-VmProcess -FilePath $FilePath -ArgumentList $ArgumentList -Environment $Environment
    $p = $started.Process
    if (-not $p.WaitForExit(120000)) { $p.Kill($true); throw "Timed out: $FilePath $ArgumentList" }
    [pscustomobject]@{ ExitCode = $p.ExitCode; StdOut = $started.StdOut.Result; StdErr = $started.StdErr.Result }
}

# Runs each script in its own fresh child pwsh with the staged module imported, a few at a time
# (each child is a separate process, so every script's first command meets a cold module).
# Returns one result per script, in order, as Invoke-VmProcess does.
function Invoke-VmChildPwshEach {
    param([Parameter(Mandatory)] [string[]] $Script, [hashtable] $Environment = @{}, [int] $ThrottleLimit = 4)
    $pwsh = Get-VmPwshCommandLine
    $prefix = @($pwsh | Select-Object -Last ($pwsh.Count - 1))
    $results = [object[]]::new($Script.Count)
    $running = [System.Collections.Generic.List[object]]::new()
    $next = 0
    while ($next -lt $Script.Count -or $running.Count -gt 0) {
        while ($next -lt $Script.Count -and $running.Count -lt $ThrottleLimit) {
            $file = Join-Path ([IO.Path]::GetTempPath()) ("vmchild-" + [guid]::NewGuid().ToString('N') + '.ps1')
            "Import-Module '$script:ModulePath'`n$($Script[$next])" | Set-Content -LiteralPath $file
            $started = Start-VmProcess -FilePath $pwsh[0] -ArgumentList (@($prefix) + @('-NoProfile', '-NonInteractive', '-File', $file)) -Environment $Environment
            $running.Add([pscustomobject]@{ Index = $next; Process = $started.Process; File = $file; Out = $started.StdOut; Err = $started.StdErr })
            $next++
        }
        $first = $running[0]
        if (-not $first.Process.WaitForExit(120000)) { $first.Process.Kill($true); throw "Timed out: $($Script[$first.Index])" }
        $results[$first.Index] = [pscustomobject]@{ ExitCode = $first.Process.ExitCode; StdOut = $first.Out.Result; StdErr = $first.Err.Result }
        Remove-Item -LiteralPath $first.File -ErrorAction SilentlyContinue
        $running.RemoveAt(0)
    }
    , $results
}
