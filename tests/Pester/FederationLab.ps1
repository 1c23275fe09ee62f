# Dot-sourced by the federation tests (after TestHelpers.ps1): guardians as real child pwsh
# processes, each with its own VAULTMESH_HOME, identity and free loopback port; store digests and
# integrity checks from outside through the sqlite3 CLI; a peer that records what it receives.

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
    $node = [pscustomobject]@{ Name = $Name; Home = (New-VmTestHome); Port = (Get-VmLabFreePort); Did = $null; CosignerVKey = $null; PostQuantumVkey = $null; Process = $null; Log = $null }
    $node | Add-Member -MemberType ScriptProperty -Name Url -Value { "http://127.0.0.1:$($this.Port)/" }
    $node | Add-Member -MemberType ScriptProperty -Name Database -Value { Join-Path $this.Home 'data/default/vaultmesh.db' }
    $script:VmLabNodes = @($script:VmLabNodes | Where-Object { $_ }) + $node
    Use-VmLabNode $node {
        if ($Setting.Count -gt 0) { Set-VmConfiguration -Setting $Setting }
        $identity = New-VmIdentity
        $node.Did = $identity.Did
        $node.CosignerVKey = $identity.CosignerVKey
        $node.PostQuantumVkey = $identity.PostQuantumVkey
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
    Use-VmLabNode $From { foreach ($peer in $To) { Add-VmPeer -Name $peer.Name -Did $peer.Did -Endpoint $peer.Url -PostQuantumVkey $peer.PostQuantumVkey } }
}

# Starts the node's guardian (Start-VmGuardian in a child pwsh) and waits for /healthz.
function Start-VmLabGuardian {
    param([Parameter(Mandatory)] $Node, [hashtable] $Environment = @{}, [int] $SyncIntervalSeconds = 0, [int] $Attempt = 0)
    $pwsh = Get-VmPwshCommandLine
    # NormalView prints the error id (VmGuardianListenFailed), which the retry below looks for.
    $script = "`$ErrorView = 'NormalView'; Import-Module '$script:ModulePath'; Start-VmGuardian -Listen 127.0.0.1:$($Node.Port) -SyncIntervalSeconds $SyncIntervalSeconds -Verbose"
    $psi = [Diagnostics.ProcessStartInfo]::new($pwsh[0])
    foreach ($a in @($pwsh | Select-Object -Last ($pwsh.Count - 1)) + @('-NoProfile', '-NonInteractive', '-Command', $script)) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.Environment['VAULTMESH_HOME'] = $Node.Home
    $psi.Environment['FEDERATION_ENABLED'] = '1'
    foreach ($k in $Environment.Keys) { $psi.Environment[$k] = [string]$Environment[$k] }
    # The guardian says READY=1 on NOTIFY_SOCKET once it listens; nothing connects before that (a
    # connection that meets HttpListener.Start can crash the guardian).
    $ready = New-VmReadySocket
    $psi.Environment['NOTIFY_SOCKET'] = $ready.Path
    $Node.Process = [Diagnostics.Process]::Start($psi)
    $Node.Log = [pscustomobject]@{ Out = $Node.Process.StandardOutput.ReadToEndAsync(); Err = $Node.Process.StandardError.ReadToEndAsync() }
    if (-not (Wait-VmReady $ready -Process $Node.Process -TimeoutSeconds 180)) {
        if (-not $Node.Process.HasExited) { $Node.Process.Kill($true); throw "guardian $($Node.Name) did not listen on $($Node.Url) within 180 s." }
        $output = "$($Node.Log.Out.Result) $($Node.Log.Err.Result)"
        if ($output -match 'VmGuardianListenFailed' -and $Attempt -lt 5) {
            # Another process took the free port between choosing and binding it: move this
            # node to a new port and tell the nodes that list it as a peer.
            $Node.Port = Get-VmLabFreePort
            foreach ($other in @($script:VmLabNodes | Where-Object { $_ -and $_ -ne $Node })) {
                Use-VmLabNode $other {
                    if (Get-VmPeer | Where-Object Name -EQ $Node.Name) { Add-VmPeer -Name $Node.Name -Did $Node.Did -Endpoint $Node.Url -PostQuantumVkey $Node.PostQuantumVkey -Force }
                }
            }
            return Start-VmLabGuardian -Node $Node -Environment $Environment -SyncIntervalSeconds $SyncIntervalSeconds -Attempt ($Attempt + 1)
        }
        throw "guardian $($Node.Name) exited with $($Node.Process.ExitCode): $output"
    }
    $status = (Invoke-WebRequest -Uri "$($Node.Url)healthz" -TimeoutSec 30 -SkipHttpErrorCheck).StatusCode
    if ($status -ne 200) { throw "guardian $($Node.Name) answered /healthz with $status." }
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

# A copy of the node's home (its store, made with sqlite3 .backup, and its key) as a second node
# with the same identity: restoring a guardian from an old backup forks its log.
function Copy-VmLabNode {
    param([Parameter(Mandatory)] $Node, [Parameter(Mandatory)] [string] $Name)
    $copy = [pscustomobject]@{ Name = $Name; Home = (New-VmTestHome); Port = 0; Did = $Node.Did; CosignerVKey = $Node.CosignerVKey; PostQuantumVkey = $Node.PostQuantumVkey; Process = $null; Log = $null }
    $copy | Add-Member -MemberType ScriptProperty -Name Database -Value { Join-Path $this.Home 'data/default/vaultmesh.db' }
    Copy-Item -LiteralPath (Join-Path $Node.Home 'config.toml') -Destination (Join-Path $copy.Home 'config.toml')
    $data = Join-Path $copy.Home 'data/default'
    $null = New-Item -ItemType Directory -Force -Path (Join-Path $data 'keys')
    & chmod 700 (Join-Path $data 'keys')
    # A backup holds both keys: the checkpoints it restores carry lines of each.
    foreach ($key in 'node.ed25519', 'node.mldsa44') {
        Copy-Item -LiteralPath (Join-Path $Node.Home "data/default/keys/$key") -Destination (Join-Path $data "keys/$key")
        & chmod 600 (Join-Path $data "keys/$key")
    }
    & sqlite3 $Node.Database ".backup '$($copy.Database)'"
    if ($LASTEXITCODE -ne 0) { throw "sqlite3 could not back up $($Node.Database)" }
    $copy
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
[Console]::Out.WriteLine('listening'); [Console]::Out.Flush()
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
    $psi.RedirectStandardOutput = $true
    $process = [Diagnostics.Process]::Start($psi)
    $recorder = [pscustomobject]@{ Url = "http://127.0.0.1:$port/"; Log = $log; Process = $process }
    # It says so once HttpListener has started; a connection during its Start could crash it.
    $line = $process.StandardOutput.ReadLineAsync()
    if (-not $line.Wait(90000) -or $line.Result -ne 'listening') { $process.Kill($true); throw "The recorder did not start on port $port." }
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
