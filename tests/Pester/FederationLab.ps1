# Dot-sourced by the federation tests (after TestHelpers.ps1): guardians as real child pwsh
# processes, each with its own VAULTMESH_HOME, identity and free loopback port; store digests and
# integrity checks from outside through the sqlite3 CLI; a peer that records what it receives.
. (Join-Path $PSScriptRoot '../TestServers/VmListeningPort.ps1')

function Get-VmLabFreePort {
    $probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $probe.Start()
    $port = $probe.LocalEndpoint.Port
    $probe.Stop()
    $port
}

# Waits until $Condition returns something truthy; throws after $TimeoutSeconds naming what was awaited.
function Wait-VmLabCondition {
    param([Parameter(Mandatory)] [scriptblock] $Condition, [Parameter(Mandatory)] [string] $What, [int] $TimeoutSeconds = 90)
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ($true) {
        $value = try { & $Condition } catch { $null }
        if ($value) { return $value }
        if ([DateTime]::UtcNow -gt $deadline) { throw "Timed out after $TimeoutSeconds s waiting for: $What" }
        Start-Sleep -Milliseconds 100
    }
}

# A node: its own home, identity and port. Runs $Setup (rails etc.) inside the node's home.
function New-VmLabNode {
    param([Parameter(Mandatory)] [string] $Name, [hashtable] $Setting = @{})
    $node = [pscustomobject]@{ Name = $Name; Home = (New-VmTestHome); Port = (Get-VmLabFreePort); Did = $null; Process = $null; Log = $null }
    $node | Add-Member -MemberType ScriptProperty -Name Url -Value { "http://127.0.0.1:$($this.Port)/" }
    $node | Add-Member -MemberType ScriptProperty -Name Database -Value { Join-Path $this.Home 'data/default/vaultmesh.db' }
    Use-VmLabNode $node {
        if ($Setting.Count -gt 0) { Set-VmConfiguration -Setting $Setting }
        $node.Did = (New-VmIdentity).Did
    }
    $node
}

# Runs $Script with VAULTMESH_HOME pointing at the node.
function Use-VmLabNode {
    param([Parameter(Mandatory)] $Node, [Parameter(Mandatory)] [scriptblock] $Script)
    $saved = $env:VAULTMESH_HOME
    $env:VAULTMESH_HOME = $Node.Home
    try { & $Script } finally { $env:VAULTMESH_HOME = $saved }
}

function Connect-VmLabNode {
    param([Parameter(Mandatory)] $From, [Parameter(Mandatory)] [object[]] $To)
    Use-VmLabNode $From { foreach ($peer in $To) { Add-VmPeer -Name $peer.Name -Did $peer.Did -Endpoint $peer.Url } }
}

# Starts the node's guardian (Start-VmGuardian in a child pwsh) and waits for /healthz.
function Start-VmLabGuardian {
    param([Parameter(Mandatory)] $Node, [hashtable] $Environment = @{}, [int] $SyncIntervalSeconds = 0)
    $pwsh = Get-VmPwshCommandLine
    $script = "Import-Module '$script:ModulePath'; Start-VmGuardian -Listen 127.0.0.1:$($Node.Port) -SyncIntervalSeconds $SyncIntervalSeconds -Verbose"
    $psi = [Diagnostics.ProcessStartInfo]::new($pwsh[0])
    foreach ($a in @($pwsh | Select-Object -Last ($pwsh.Count - 1)) + @('-NoProfile', '-NonInteractive', '-Command', $script)) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.Environment['VAULTMESH_HOME'] = $Node.Home
    $psi.Environment['FEDERATION_ENABLED'] = '1'
    foreach ($k in $Environment.Keys) { $psi.Environment[$k] = [string]$Environment[$k] }
    $Node.Process = [Diagnostics.Process]::Start($psi)
    $Node.Log = [pscustomobject]@{ Out = $Node.Process.StandardOutput.ReadToEndAsync(); Err = $Node.Process.StandardError.ReadToEndAsync() }
    $deadline = [DateTime]::UtcNow.AddSeconds(180)
    while ($true) {
        if ($Node.Process.HasExited) { throw "guardian $($Node.Name) exited with $($Node.Process.ExitCode): $($Node.Log.Out.Result) $($Node.Log.Err.Result)" }
        # No connection before the port listens: one that meets HttpListener.Start fails the guardian.
        $status = if (Test-VmPortListening $Node.Port) { try { (Invoke-WebRequest -Uri "$($Node.Url)healthz" -TimeoutSec 2 -SkipHttpErrorCheck).StatusCode } catch { 0 } } else { 0 }
        if ($status -eq 200) { break }
        if ([DateTime]::UtcNow -gt $deadline) { $Node.Process.Kill($true); throw "guardian $($Node.Name) did not answer on $($Node.Url) within 180 s (last status $status)." }
        Start-Sleep -Milliseconds 100
    }
}

# Sends SIGTERM and waits up to $TimeoutSeconds; returns whether it exited in time.
function Stop-VmLabGuardian {
    param([Parameter(Mandatory)] $Node, [int] $TimeoutSeconds = 5)
    if (-not $Node.Process -or $Node.Process.HasExited) { return $true }
    & kill -TERM $Node.Process.Id
    $exited = $Node.Process.WaitForExit($TimeoutSeconds * 1000)
    if (-not $exited) { $Node.Process.Kill($true); $null = $Node.Process.WaitForExit(10000) }
    $exited
}

# SHA-256 of every row of the node's store, read from outside the guardian.
function Get-VmLabStoreDigest {
    param([Parameter(Mandatory)] $Node)
    $dump = & sqlite3 -readonly $Node.Database .dump
    if ($LASTEXITCODE -ne 0) { throw "sqlite3 could not read $($Node.Database)" }
    $bytes = [Text.Encoding]::UTF8.GetBytes(($dump -join "`n"))
    [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($bytes))
}

function Invoke-VmLabSql {
    param([Parameter(Mandatory)] $Node, [Parameter(Mandatory)] [string] $Sql)
    & sqlite3 -readonly $Node.Database $Sql
}

# A peer that records every request it receives (method, path, signature header, body) in a file
# and answers 404; runs as a child pwsh.
function Start-VmLabRecorder {
    $port = Get-VmLabFreePort
    $log = Join-Path ([IO.Path]::GetTempPath()) "vm-recorder-$([guid]::NewGuid().ToString('N')).ndjson"
    $null = New-Item -ItemType File -Path $log
    $script = @"
`$l = [Net.HttpListener]::new(); `$l.Prefixes.Add('http://127.0.0.1:$port/'); `$l.Start()
while (`$true) {
    `$c = `$l.GetContext()
    `$body = [IO.StreamReader]::new(`$c.Request.InputStream).ReadToEnd()
    [ordered]@{ method = `$c.Request.HttpMethod; path = `$c.Request.Url.AbsolutePath; signature = `$c.Request.Headers['VaultMesh-Signature']; body = `$body } |
        ConvertTo-Json -Compress | Add-Content -LiteralPath '$log'
    `$c.Response.StatusCode = 404; `$c.Response.Close()
}
"@
    $pwsh = Get-VmPwshCommandLine
    $psi = [Diagnostics.ProcessStartInfo]::new($pwsh[0])
    foreach ($a in @($pwsh | Select-Object -Last ($pwsh.Count - 1)) + @('-NoProfile', '-NonInteractive', '-Command', $script)) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    $process = [Diagnostics.Process]::Start($psi)
    $recorder = [pscustomobject]@{ Url = "http://127.0.0.1:$port/"; Log = $log; Process = $process }
    $null = Wait-VmLabCondition -What "recorder on port $port" {
        (Invoke-WebRequest -Uri "$($recorder.Url)ready" -TimeoutSec 2 -SkipHttpErrorCheck).StatusCode -eq 404
    }
    $recorder
}

# What the recorder received, without the readiness probes.
function Get-VmLabRecorded {
    param([Parameter(Mandatory)] $Recorder)
    @(Get-Content -LiteralPath $Recorder.Log | ForEach-Object { $_ | ConvertFrom-Json } | Where-Object path -NE '/ready')
}

function Stop-VmLabRecorder {
    param([Parameter(Mandatory)] $Recorder)
    if (-not $Recorder.Process.HasExited) { $Recorder.Process.Kill($true); $null = $Recorder.Process.WaitForExit(10000) }
    Remove-Item -LiteralPath $Recorder.Log -ErrorAction SilentlyContinue
}
