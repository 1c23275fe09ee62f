# The week-4 rehearsal (docs/operations.md) on one machine with real parts: installs VaultMesh into a
# temporary home, starts Redis, Anvil and the OpenSSL TSA, runs each systemd unit's ExecStart in
# dependency order (harbinger, sealer, anchor manager), runs two guardians that sync with each other
# (guardian and federation units, each instance with its own VAULTMESH_HOME), runs verify-anchor.sh,
# scrapes /metrics, flips each kill switch through the variables the drop-ins set, publishes the log
# as C2SP tlog-tiles into a directory a real nginx serves (checked over HTTP and by the outside Go
# checker, before and after more seals), and prints a summary table of steps, each ok or failed.
# Exits 1 when a step failed.
# A real Prometheus scrapes the metrics server and both guardians with the alert rules loaded (build/RehearsePrometheusSteps.ps1).
param([Parameter(Mandatory)] [string] $ModulePath)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$repo = (Resolve-Path (Join-Path $PSScriptRoot '..')).Path
. (Join-Path $repo 'build/PwshProcess.ps1')
. (Join-Path $repo 'build/Install.ps1')
. (Join-Path $repo 'tests/TestServers/VmTestAnvil.ps1')
. (Join-Path $repo 'tests/TestServers/VmTestRedis.ps1')
. (Join-Path $repo 'tests/TestServers/VmListeningPort.ps1')
. (Join-Path $repo 'tests/TestServers/VmTestNginx.ps1')
. (Join-Path $repo 'tests/TestServers/VmTlogCheck.ps1')
Import-Module (Join-Path $repo 'tests/VaultMesh.TestTsa/VmTestTsa.psm1')
. (Join-Path $repo 'build/RehearsePrometheus.ps1')
. (Join-Path $repo 'build/RehearsePrometheusSteps.ps1')

$profileName = 'rehearsal'
# The second guardian: another instance of the same units, whose environment file points it at a home of its own.
$peerName = 'peer'
$summary = [Collections.Generic.List[object]]::new()
function Add-Step([string] $Step, [string] $Status, [string] $Detail) {
    $summary.Add([pscustomobject]@{ Step = $Step; Status = $Status; Detail = $Detail })
    Write-Host ("[{0}] {1}: {2}" -f $Status, $Step, $Detail) -ForegroundColor $(if ($Status -eq 'ok') { 'Green' } else { 'Red' })
}

$root = Join-Path ([IO.Path]::GetTempPath()) ("vmrehearsal-" + [guid]::NewGuid().ToString('N'))
New-Item -ItemType Directory -Path $root | Out-Null
$vmHome = Join-Path $root '.vaultmesh'
$config = Join-Path $root '.config'
$unitDir = Join-Path $repo 'ops/phase-vi/systemd'
function Get-EnvFile([string] $Instance) { Join-Path $config "vaultmesh/$Instance.env" }
$envFile = Get-EnvFile $profileName

# Sets NAME=value in an instance's environment file, replacing the line or adding it.
function Set-EnvValue([string] $Instance, [string] $Name, [string] $Value) {
    $file = Get-EnvFile $Instance
    $lines = @(Get-Content -LiteralPath $file)
    if ($lines -match "^$Name=") { $lines = $lines -replace "^$Name=.*", "$Name=$Value" } else { $lines += "$Name=$Value" }
    $lines | Set-Content -LiteralPath $file
}

# The environment a unit of the instance gets: the temp home, the instance's environment file, then
# the drop-in kill-switch files given, in order (a later file wins, as with EnvironmentFile=).
function Get-UnitEnvironment([string[]] $KillSwitchFile = @(), [string] $Instance = $profileName) {
    $values = [ordered]@{ HOME = $root; XDG_CONFIG_HOME = $config; VAULTMESH_HOME = $vmHome; PATH = $env:PATH }
    foreach ($file in @(Get-EnvFile $Instance) + @($KillSwitchFile | ForEach-Object { Join-Path $config "vaultmesh/kill-switches/$_.env" })) {
        foreach ($line in Get-Content -LiteralPath $file) {
            if ($line -match '^\s*([A-Z_][A-Z0-9_]*)=(.*)$') { $values[$Matches[1]] = $Matches[2] }
        }
    }
    $values
}

# A unit's ExecStart with %h and %i filled in, as words.
function Get-ExecStart([string] $Unit, [string] $Instance = $profileName) {
    $line = (Get-Content -LiteralPath (Join-Path $unitDir $Unit) | Where-Object { $_ -like 'ExecStart=*' } | Select-Object -First 1).Substring('ExecStart='.Length)
    @($line.Replace('%h', $root).Replace('%i', $Instance) -split ' ')
}

function Invoke-Unit([string] $Unit, [string[]] $KillSwitchFile = @(), [string[]] $Extra = @(), [string] $Instance = $profileName) {
    $words = @(Get-ExecStart $Unit $Instance) + $Extra
    Invoke-Tool -FilePath $words[0] -ArgumentList @($words | Select-Object -Skip 1) -Environment (Get-UnitEnvironment $KillSwitchFile $Instance)
}

# vm --profile <instance> ... with the instance's unit environment.
function Invoke-Vm([string] $Instance, [string[]] $ArgumentList, [string[]] $KillSwitchFile = @()) {
    Invoke-Tool -FilePath $installed.Vm -ArgumentList (@('--profile', $Instance) + $ArgumentList) -Environment (Get-UnitEnvironment $KillSwitchFile $Instance)
}

function Get-FreePort { $l = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0); $l.Start(); $l.LocalEndpoint.Port; $l.Stop() }

# Starts a long-running unit's ExecStart (Type=notify) with its environment and waits, at most two
# minutes, until it exits or $Ready holds. $Ready connects only once $Port listens: a connection that
# meets HttpListener.Start fails the server.
function Start-Unit([string] $Unit, [string] $Instance, [string[]] $KillSwitchFile, [int] $Port, [scriptblock] $Ready) {
    $words = Get-ExecStart $Unit $Instance
    $psi = [Diagnostics.ProcessStartInfo]::new($words[0])
    foreach ($a in ($words | Select-Object -Skip 1)) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false; $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true; $psi.WorkingDirectory = $root
    foreach ($e in (Get-UnitEnvironment $KillSwitchFile $Instance).GetEnumerator()) { $psi.Environment[$e.Key] = [string]$e.Value }
    $process = [Diagnostics.Process]::Start($psi)
    $started = [pscustomobject]@{ Name = $Unit.Replace('@.', "@$Instance."); Process = $process; Out = $process.StandardOutput.ReadToEndAsync(); Err = $process.StandardError.ReadToEndAsync(); Up = $false }
    $started.Up = [Threading.SpinWait]::SpinUntil([Func[bool]] { $process.HasExited -or ((Test-VmPortListening $Port) -and $(try { & $Ready } catch { $false })) }, [TimeSpan]::FromMinutes(2)) -and -not $process.HasExited
    $started
}

function Get-DescendantId([int] $Id) { foreach ($child in @(& pgrep -P $Id)) { [int]$child; Get-DescendantId $child } }

# Stops a long-running unit with SIGTERM, waiting at most TimeoutStopSec=30s, and returns the exit code
# of its main process, or -1 when it had to be killed. The installed pwsh is a dotnet tool whose
# launcher runs pwsh as a child process and exits with its code; systemd signals every process of
# the unit (KillMode=control-group), so pwsh gets the SIGTERM: here it goes to the processes under
# the main one, which then reports how pwsh ended.
function Stop-Unit($Unit) {
    if (-not $Unit.Process.HasExited) {
        $targets = @(Get-DescendantId $Unit.Process.Id)
        & kill -TERM $(if ($targets.Count -gt 0) { $targets } else { $Unit.Process.Id })
    }
    if (-not $Unit.Process.WaitForExit(30000)) { $Unit.Process.Kill($true); $null = $Unit.Process.WaitForExit(10000); return -1 }
    $Unit.Process.WaitForExit()
    $Unit.Process.ExitCode
}

function Invoke-Tool([string] $FilePath, [string[]] $ArgumentList, [Collections.IDictionary] $Environment) {
    $psi = [Diagnostics.ProcessStartInfo]::new($FilePath)
    foreach ($a in $ArgumentList) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.UseShellExecute = $false
    $psi.WorkingDirectory = $root
    foreach ($k in $Environment.Keys) { $psi.Environment[$k] = [string]$Environment[$k] }
    $p = [Diagnostics.Process]::Start($psi)
    $err = $p.StandardError.ReadToEndAsync()
    $out = $p.StandardOutput.ReadToEnd()
    $p.WaitForExit()
    [pscustomobject]@{ ExitCode = $p.ExitCode; StdOut = $out; StdErr = $err.Result; Json = $(try { $out | ConvertFrom-Json } catch { $null }) }
}

function Test-Step([string] $Step, [scriptblock] $Check, [scriptblock] $Detail) {
    try {
        if (& $Check) { Add-Step $Step 'ok' (& $Detail) } else { Add-Step $Step 'failed' (& $Detail) }
    } catch {
        Add-Step $Step 'failed' "$_"
    }
}

$redis = $null; $tsa = $null; $anvil = $null; $metrics = $null; $guardians = [ordered]@{}; $nginx = $null; $prometheus = $null

# Fetches every published file through nginx into a fresh directory, so the checker reads what a
# client gets over HTTP (gzip accepted; HttpClient decompresses), and returns that directory.
function Copy-PublishedOverHttp([string] $Url, [string] $Published) {
    $copy = Join-Path $root ('over-http-' + [guid]::NewGuid().ToString('N'))
    $handler = [Net.Http.HttpClientHandler]::new(); $handler.AutomaticDecompression = [Net.DecompressionMethods]::GZip
    $client = [Net.Http.HttpClient]::new($handler)
    try {
        foreach ($file in Get-ChildItem -LiteralPath $Published -Recurse -File) {
            $relative = [IO.Path]::GetRelativePath($Published, $file.FullName)
            $target = Join-Path $copy $relative
            New-Item -ItemType Directory -Force -Path (Split-Path $target) | Out-Null
            [IO.File]::WriteAllBytes($target, $client.GetByteArrayAsync($Url + $relative).GetAwaiter().GetResult())
        }
    } finally { $client.Dispose() }
    $copy
}
try {
    Write-Host "== Install into $root" -ForegroundColor Cyan
    $installed = Install-VmModule -StageDir (Split-Path $ModulePath) -RepositoryRoot $repo -Destination $root
    $r = Invoke-Tool -FilePath 'bash' -ArgumentList @((Join-Path $installed.Share 'phase-vi/scripts/install-units.sh'), $profileName) -Environment (@{ HOME = $root; XDG_CONFIG_HOME = $config; PATH = $env:PATH })
    Test-Step 'install' { $r.ExitCode -eq 0 -and (Test-Path $envFile) } { "vm at $($installed.Vm); units and $profileName.env under $config" }

    Write-Host '== Start Redis, Anvil and the OpenSSL TSA' -ForegroundColor Cyan
    $redis = Start-VmTestRedis
    $tsa = Start-VmTestTsa
    $anvil = Start-VmTestAnvil
    $metricsPort = Get-FreePort
    # The profile as an operator sets it, through vm configure set; the environment file gets the switches.
    $rails = @(
        '--set', "rails.tsa.url=$($tsa.Url)", '--set', "rails.tsa.trust_bundle=$($tsa.TrustBundle)",
        '--set', "rails.evm.url=$($anvil.Url)", '--set', 'rails.evm.chain_id=31337', '--set', 'rails.evm.to=0x000000000000000000000000000000000000dEaD',
        '--set', 'rails.evm.key_env=VM_REHEARSAL_EVM_KEY', '--set', 'rails.evm.required_depth=2')
    Set-EnvValue $profileName 'ANCHOR_WRITE_ENABLED' '1'
    Set-EnvValue $profileName 'METRICS_BIND' "127.0.0.1:$metricsPort"
    Set-EnvValue $profileName 'VM_REHEARSAL_EVM_KEY' $anvil.DevKey
    $r = Invoke-Vm $profileName (@('configure', 'set', '--redis', $redis.Configuration, '--metrics-bind', "127.0.0.1:$metricsPort") + $rails)
    Test-Step 'configure' { $r.ExitCode -eq 0 } { "profile '$profileName': TSA $($tsa.Url), Anvil $($anvil.Url), Redis $($redis.Configuration)" }

    Write-Host '== Intake: files and the Redis stream' -ForegroundColor Cyan
    $inbox = Join-Path $vmHome "data/$profileName/harbinger/inbox"
    New-Item -ItemType Directory -Force -Path $inbox | Out-Null
    1..3 | ForEach-Object { "{`"type`":`"deployment`",`"component`":`"api`",`"version`":`"1.$_`",`"payload`":{`"n`":$_}}" | Set-Content (Join-Path $inbox "event-$_.json") }
    '{"type":"deployment"' | Set-Content (Join-Path $inbox 'broken.json')
    $events = 1..3 | ForEach-Object { $f = Join-Path $root "stream-$_.json"; "{`"type`":`"event`",`"component`":`"stream`",`"version`":`"$_`"}" | Set-Content $f; $f }
    $r = Invoke-Vm $profileName (@('harbinger', 'send') + $events)
    Test-Step 'harbinger send (Redis stream)' { $r.ExitCode -eq 0 -and @($r.Json.data).Count -eq 3 } { "3 events appended to $(@($r.Json.data)[0].Stream)" }
    $r = Invoke-Unit 'vaultmesh-harbinger@.service'
    Test-Step 'harbinger unit (inbox)' { $r.Json.data.Recorded -eq 3 -and $r.Json.data.Quarantined -eq 1 } { "recorded $($r.Json.data.Recorded), quarantined $($r.Json.data.Quarantined) (exit $($r.ExitCode): the quarantined file is reported as an error)" }
    $r = Invoke-Unit 'vaultmesh-harbinger@.service' -Extra @('--source', 'redis')
    Test-Step 'harbinger unit (--source redis)' { $r.ExitCode -eq 0 -and $r.Json.data.Recorded -eq 3 } { "recorded $($r.Json.data.Recorded) from the stream, dead-lettered $($r.Json.data.DeadLettered)" }

    Write-Host '== Sealer and anchor manager' -ForegroundColor Cyan
    $r = Invoke-Unit 'vaultmesh-sealer@.service'
    Test-Step 'sealer unit' { $r.ExitCode -eq 0 -and $r.Json.data.Size -eq 6 } { "batch $($r.Json.data.BatchId) of $($r.Json.data.Size) memories" }
    $r = Invoke-Unit 'vaultmesh-anchor-manager@.service'
    Test-Step 'anchor-manager unit' { $r.ExitCode -eq 0 -and @($r.Json.data.Reanchored).Count -eq 2 } { "anchored the newest checkpoint on $(@($r.Json.data.Reanchored).Count) rails (TSA, EVM)" }
    # Anvil mines on demand: two more blocks make the EVM anchor final at depth 2.
    1..2 | ForEach-Object { Invoke-VmTestAnvilRpc -Anvil $anvil -Method 'evm_mine' | Out-Null }
    $r = Invoke-Unit 'vaultmesh-anchor-manager@.service'
    Test-Step 'anchor-manager unit (finality)' { $r.ExitCode -eq 0 -and $r.Json.data.Finalized -ge 1 } { "$($r.Json.data.Finalized) anchor(s) reached finality" }

    Write-Host '== Federation: two guardians' -ForegroundColor Cyan
    # The second guardian is the instance 'peer' of the same units: install-units.sh writes its
    # environment file, which gives it a VAULTMESH_HOME of its own; each listens on a free port.
    $r = Invoke-Tool -FilePath 'bash' -ArgumentList @((Join-Path $installed.Share 'phase-vi/scripts/install-units.sh'), $peerName) -Environment (@{ HOME = $root; XDG_CONFIG_HOME = $config; PATH = $env:PATH })
    $guardians = [ordered]@{ $profileName = [pscustomobject]@{ Port = (Get-FreePort); Did = $null; Unit = $null }; $peerName = [pscustomobject]@{ Port = (Get-FreePort); Did = $null; Unit = $null } }
    Set-EnvValue $peerName 'VAULTMESH_HOME' (Join-Path $root '.vaultmesh-peer')
    foreach ($name in $guardians.Keys) { Set-EnvValue $name 'VAULTMESH_LISTEN' "127.0.0.1:$($guardians[$name].Port)" }
    $configured = Invoke-Vm $peerName (@('configure', 'set') + $rails)
    foreach ($name in $guardians.Keys) { $guardians[$name].Did = (Invoke-Vm $name @('federation', 'identity')).Json.data.Did }
    Test-Step 'federation identity (two guardians)' { $r.ExitCode -eq 0 -and $configured.ExitCode -eq 0 -and @($guardians.Values | Where-Object { $_.Did -like 'did:key:z6Mk*' }).Count -eq 2 } {
        "$profileName $($guardians[$profileName].Did), $peerName $($guardians[$peerName].Did) (VAULTMESH_HOME $root/.vaultmesh-peer)"
    }
    $added = foreach ($name in $guardians.Keys) {
        $other = @($guardians.Keys | Where-Object { $_ -ne $name })[0]
        Invoke-Vm $name @('federation', 'peers', 'add', $other, $guardians[$other].Did, "http://127.0.0.1:$($guardians[$other].Port)/")
    }
    Test-Step 'federation peers add' { @($added | Where-Object ExitCode -eq 0).Count -eq 2 } { 'each guardian has the other as its only peer' }

    # Started as the guardian unit with the federation-on drop-in (FEDERATION_ENABLED=1).
    function Start-Guardians([string] $KillSwitch) {
        foreach ($name in $guardians.Keys) {
            $port = $guardians[$name].Port
            $guardians[$name].Unit = Start-Unit 'vaultmesh-guardian@.service' $name @($KillSwitch) $port { (Invoke-WebRequest "http://127.0.0.1:$port/healthz" -TimeoutSec 5).StatusCode -eq 200 }
        }
    }
    function Get-Health([string] $Name) { Invoke-RestMethod "http://127.0.0.1:$($guardians[$Name].Port)/healthz" -TimeoutSec 5 }
    Start-Guardians 'federation-on'
    Test-Step 'guardian units (federation-on)' {
        @($guardians.Keys | Where-Object { $guardians[$_].Unit.Up -and (Get-Health $_).federationEnabled -and (Get-Health $_).did -eq $guardians[$_].Did }).Count -eq 2
    } { ($guardians.Keys | ForEach-Object { "$($guardians[$_].Unit.Name) on 127.0.0.1:$($guardians[$_].Port)$(if (-not $guardians[$_].Unit.Up) { " did not start: $($guardians[$_].Unit.Err.Result)" })" }) -join ', ' }

    $r = Invoke-Unit 'vaultmesh-federation@.service' -Instance $peerName -KillSwitchFile @('federation-on')
    $synced = @($r.Json.data | Where-Object Name -eq $profileName)[0]
    Test-Step 'federation unit (sync)' { $r.ExitCode -eq 0 -and $synced.Ok -and $synced.BatchesImported -eq 1 -and $synced.ReceiptsStored -eq 2 } {
        "$peerName imported $($synced.BatchesImported) batch and stored $($synced.ReceiptsStored) receipts (TSA, EVM) from $profileName, result $($synced.Result), lag $($synced.Lag) (exit $($r.ExitCode))"
    }

    $guardianScrape = (Invoke-WebRequest "http://127.0.0.1:$($guardians[$peerName].Port)/metrics" -TimeoutSec 10).Content
    $lint = $guardianScrape | & promtool check metrics 2>&1
    $promtoolOk = $LASTEXITCODE -eq 0
    Test-Step 'guardian /metrics + promtool' {
        $promtoolOk -and $guardianScrape -match '(?m)^vaultmesh_batches_sealed_total 1$' -and $guardianScrape -match '(?m)^vaultmesh_conflict_resolved_total 1$' -and
            $guardianScrape -match '(?m)^vaultmesh_kill_switch_enabled\{switch="FEDERATION_ENABLED"\} 1$'
    } { "scraped $peerName's guardian at 127.0.0.1:$($guardians[$peerName].Port)/metrics: the imported batch, 1 conflict resolved; promtool: $(if ($promtoolOk) { 'ok' } else { $lint })" }

    # The federation-off drop-in, then the SOP: restart the guardians so they read it.
    $restarted = foreach ($name in $guardians.Keys) { Stop-Unit $guardians[$name].Unit }
    Start-Guardians 'federation-off'
    $refusals = foreach ($name in $guardians.Keys) {
        Invoke-WebRequest -Method Post -Uri "http://127.0.0.1:$($guardians[$name].Port)/federation/v1/batches" -Body '{}' -ContentType 'application/json' -SkipHttpErrorCheck -TimeoutSec 10
    }
    Test-Step 'FEDERATION_ENABLED=0: guardians answer 503' {
        @($restarted | Where-Object { $_ -eq 0 }).Count -eq 2 -and @($guardians.Keys | Where-Object { $guardians[$_].Unit.Up -and -not (Get-Health $_).federationEnabled }).Count -eq 2 -and
            @($refusals | Where-Object { $_.StatusCode -eq 503 -and ($_.Content | ConvertFrom-Json).error.reason -eq 'federation-disabled' }).Count -eq 2
    } { "restarted with the drop-in (exit codes $($restarted -join ', ')); POST /federation/v1/batches: $(@($refusals | ForEach-Object { [int]$_.StatusCode }) -join ', ')" }

    $before = Get-Health $profileName
    $r = Invoke-Unit 'vaultmesh-federation@.service' -Instance $peerName -KillSwitchFile @('federation-off')
    $after = Get-Health $profileName
    $calls = { param($h) $h.accepted + (@($h.refused.PSObject.Properties.Value) | Measure-Object -Sum).Sum }
    Test-Step 'FEDERATION_ENABLED=0: sync sends nothing' {
        $r.ExitCode -eq 1 -and @($r.Json.errors)[0].id -eq 'VmFederationDisabled' -and (& $calls $after) -eq (& $calls $before)
    } { "vm federation sync exit $($r.ExitCode) ($(@($r.Json.errors)[0].id)); $profileName's guardian counted $((& $calls $after) - (& $calls $before)) new requests" }

    $stopped = foreach ($name in $guardians.Keys) { Stop-Unit $guardians[$name].Unit }
    $envelopes = foreach ($name in $guardians.Keys) { try { $guardians[$name].Unit.Out.Result | ConvertFrom-Json } catch { $null } }
    Test-Step 'guardians stop on SIGTERM' { @($stopped | Where-Object { $_ -eq 0 }).Count -eq 2 -and @($envelopes | Where-Object ok).Count -eq 2 } {
        "exit codes $($stopped -join ', '); each printed its guardian.run result"
    }

    Write-Host '== verify-anchor.sh' -ForegroundColor Cyan
    $verify = Join-Path $installed.Share 'phase-vi/scripts/verify-anchor.sh'
    $env2 = Get-UnitEnvironment; $env2.PATH = "$(Split-Path $installed.Vm):$($env:PATH)"
    $r = Invoke-Tool -FilePath 'bash' -ArgumentList @($verify, '--profile', $profileName, '--format', 'json') -Environment $env2
    Test-Step 'verify-anchor.sh' { $r.ExitCode -eq 0 -and @($r.Json.data | Where-Object Valid).Count -eq 2 } { "exit $($r.ExitCode); $(@($r.Json.data | Where-Object Valid).Count) anchors verified" }

    Write-Host '== /metrics' -ForegroundColor Cyan
    $metrics = Start-Unit 'vaultmesh-metrics@.service' $profileName @() $metricsPort { (Invoke-WebRequest "http://127.0.0.1:$metricsPort/metrics" -TimeoutSec 2).StatusCode -eq 200 }
    $scrape = if ($metrics.Up) { (Invoke-WebRequest "http://127.0.0.1:$metricsPort/metrics").Content } else { '' }
    $lint = $scrape | & promtool check metrics 2>&1
    $promtoolOk = $LASTEXITCODE -eq 0
    Test-Step 'metrics unit + promtool' { $promtoolOk -and $scrape -match 'vaultmesh_anchor_verify_ok_total\{chain="TSA"\} [1-9]' } { "scraped 127.0.0.1:$metricsPort; promtool: $(if ($promtoolOk) { 'ok' } else { $lint })" }
    $prometheus = Start-RehearsalPrometheus

    Write-Host '== Kill switches (the variables the drop-ins set)' -ForegroundColor Cyan
    '{"type":"event","component":"after-switch","version":"1"}' | Set-Content (Join-Path $inbox 'late.json')
    Invoke-Unit 'vaultmesh-harbinger@.service' | Out-Null
    Invoke-Unit 'vaultmesh-sealer@.service' | Out-Null
    $r = Invoke-Unit 'vaultmesh-anchor-manager@.service' -KillSwitchFile @('anchor-write-off')
    $status = Invoke-Vm $profileName @('status', 'show') @('anchor-write-off')
    Test-Step 'ANCHOR_WRITE_ENABLED=0' { $r.ExitCode -eq 0 -and @($r.Json.data.Reanchored).Count -eq 0 -and $status.Json.data.AnchorWriteEnabled -eq $false } { "anchor manager sent nothing: $(@($r.Json.warnings) -join ' ')" }
    $r = Invoke-Unit 'vaultmesh-anchor-manager@.service'
    Test-Step 'ANCHOR_WRITE_ENABLED back on' { $r.ExitCode -eq 0 -and @($r.Json.data.Reanchored).Count -eq 2 } { "the newest checkpoint, with the waiting batch, was anchored on $(@($r.Json.data.Reanchored).Count) rails" }

    $tampered = Join-Path $root 'tampered.json'
    $stored = Invoke-Vm $profileName @('anchor', 'list', '--rail', 'tsa')
    $receipt = $stored.Json.data[0].Json | ConvertFrom-Json -AsHashtable -DateKind String
    $receipt.root = '0x' + ('ab' * 32)
    $receipt | ConvertTo-Json -Depth 20 | Set-Content $tampered
    $on = Invoke-Vm $profileName @('audit', 'verify', $tampered) @('verify-enforce-on')
    $off = Invoke-Vm $profileName @('audit', 'verify', $tampered) @('verify-enforce-off')
    Test-Step 'VERIFY_ENFORCE on/off' { $on.ExitCode -eq 1 -and $off.ExitCode -eq 0 -and @($off.Json.warnings).Count -gt 0 } { "tampered receipt: exit $($on.ExitCode) enforced, exit $($off.ExitCode) with a warning relaxed" }

    $after = (Invoke-WebRequest "http://127.0.0.1:$metricsPort/metrics").Content
    Test-Step 'metrics after the switches' { $after -match 'vaultmesh_anchor_verify_fail_total\{chain="TSA",reason="imprint-mismatch"\} 2' } { 'the two failed verifications of the tampered receipt are counted' }
    Test-RehearsalPrometheus $prometheus

    Write-Host '== Redis down' -ForegroundColor Cyan
    Stop-VmTestRedis $redis
    '{"type":"event","component":"redis-down","version":"1"}' | Set-Content (Join-Path $inbox 'while-down.json')
    $r = Invoke-Unit 'vaultmesh-harbinger@.service'
    $v = Invoke-Tool -FilePath 'bash' -ArgumentList @($verify, '--profile', $profileName) -Environment $env2
    Test-Step 'Redis killed: file intake and verification carry on' { $r.ExitCode -eq 0 -and $r.Json.data.Recorded -eq 1 -and $v.ExitCode -eq 0 } { "harbinger exit $($r.ExitCode), verify-anchor.sh exit $($v.ExitCode)" }
    $redis = Start-VmTestRedis -Previous $redis
    $r = Invoke-Unit 'vaultmesh-harbinger@.service' -Extra @('--source', 'redis')
    Test-Step 'Redis back: the stream is intact' { $r.ExitCode -eq 0 } { "harbinger --source redis exit $($r.ExitCode), $($r.Json.data.Read) new entries" }

    Write-Host '== The log in the open: tlog-tiles served by nginx' -ForegroundColor Cyan
    $published = Join-Path $root 'published-log'
    $r = Invoke-Vm $profileName @('memory', 'publish', '--path', $published)
    $vkey = (Invoke-Vm $profileName @('memory', 'checkpoint')).Json.data.Vkey
    Test-Step 'publish (vm memory publish)' { $r.ExitCode -eq 0 -and $r.Json.data.FilesWritten -gt 0 } { "size $($r.Json.data.Size): $($r.Json.data.FilesWritten) files, $($r.Json.data.Bytes) bytes into $published" }
    $nginx = Start-VmTestNginx -Root $published
    $client = [Net.Http.HttpClient]::new()
    $checkpoint = $client.GetAsync($nginx.Url + 'checkpoint').GetAwaiter().GetResult()
    $request = [Net.Http.HttpRequestMessage]::new('GET', $nginx.Url + 'tile/entries/000.p/' + $r.Json.data.Size); $request.Headers.Add('Accept-Encoding', 'gzip')
    $bundle = $client.SendAsync($request).GetAwaiter().GetResult()
    $note = $checkpoint.Content.ReadAsStringAsync().GetAwaiter().GetResult()
    Test-Step 'nginx serves checkpoint and tiles' {
        $checkpoint.StatusCode -eq 200 -and $note -ceq [IO.File]::ReadAllText((Join-Path $published 'checkpoint')) -and "$($checkpoint.Headers.CacheControl)" -eq 'no-cache' -and
        $bundle.StatusCode -eq 200 -and @($bundle.Content.Headers.ContentEncoding) -contains 'gzip'
    } { "127.0.0.1:$($nginx.Port): checkpoint $($checkpoint.StatusCode) ($($checkpoint.Headers.CacheControl)), bundle $($bundle.StatusCode) ($(@($bundle.Content.Headers.ContentEncoding) -join ','))" }
    $tlogcheck = Build-VmTlogCheck -RepositoryRoot $repo
    $verified = Invoke-VmTlogCheck -Binary $tlogcheck -Directory (Copy-PublishedOverHttp $nginx.Url $published) -Vkey $vkey -More @('-entry', '0')
    Test-Step 'Go tlog checker verifies the log through nginx' { $verified.ExitCode -eq 0 } { "$($verified.StdOut -replace '\s+$', '' -replace '\n', '; ')$($verified.StdErr)" }
    $remote = Invoke-Vm $profileName @('memory', 'verify-remote', '--url', $nginx.Url, '--vkey', $vkey, '--full')
    Test-Step 'Test-VmLog verifies the log through nginx (vm memory verify-remote --full)' {
        $remote.ExitCode -eq 0 -and $remote.Json.data.Size -eq $r.Json.data.Size -and $remote.Json.data.EntriesChecked -eq $r.Json.data.Size
    } { "size $($remote.Json.data.Size): $($remote.Json.data.EntriesChecked) entries checked, $($remote.Json.data.FilesRead) files read$($remote.StdErr)" }

    $older = Join-Path $root 'older-checkpoint'
    [IO.File]::WriteAllText($older, $note)
    $set = Invoke-Vm $profileName @('configure', 'set', '--set', "log.publish_dir=$published")
    # 300 events through the harbinger inbox (one process records them all): the log crosses a full tile.
    foreach ($i in 1..300) { "{`"type`":`"event`",`"component`":`"tiles`",`"version`":`"$i`"}" | Set-Content (Join-Path $inbox "tiles-$i.json") }
    $records = @(Invoke-Unit 'vaultmesh-harbinger@.service')
    $sealed = Invoke-Unit 'vaultmesh-sealer@.service'
    $grown = $client.GetStringAsync($nginx.Url + 'checkpoint').GetAwaiter().GetResult()
    $verified = Invoke-VmTlogCheck -Binary $tlogcheck -Directory (Copy-PublishedOverHttp $nginx.Url $published) -Vkey $vkey -More @('-old', $older, '-entry', "$($sealed.Json.data.LogEnd - 1)")
    Test-Step 'seal publishes into log.publish_dir; consistent through nginx' {
        $set.ExitCode -eq 0 -and @($records | Where-Object ExitCode -ne 0).Count -eq 0 -and $sealed.ExitCode -eq 0 -and ($grown -split "`n")[1] -eq "$($sealed.Json.data.LogEnd)" -and $verified.ExitCode -eq 0
    } { "checkpoint now $(($grown -split "`n")[1]); $($verified.StdOut -replace '\s+$', '' -replace '\n', '; ')$($verified.StdErr)" }
    $remote = Invoke-Vm $profileName @('memory', 'verify-remote', '--url', $nginx.Url, '--vkey', $vkey)
    Test-Step 'Test-VmLog: the grown log extends the one it verified, through nginx' {
        $remote.ExitCode -eq 0 -and $remote.Json.data.PreviousSize -eq $r.Json.data.Size -and $remote.Json.data.Consistent -and $remote.Json.data.Size -eq $sealed.Json.data.LogEnd
    } { "size $($remote.Json.data.PreviousSize) -> $($remote.Json.data.Size), consistent: $($remote.Json.data.Consistent), $($remote.Json.data.FilesRead) files read$($remote.StdErr)" }
    $client.Dispose()
    Remove-Item -LiteralPath (Split-Path $tlogcheck) -Recurse -Force -ErrorAction SilentlyContinue

    $systemd = Invoke-Tool -FilePath 'systemctl' -ArgumentList @('--user', 'show-environment') -Environment (Get-UnitEnvironment)
    if ($systemd.ExitCode -eq 0) {
        $run = Invoke-Tool -FilePath 'systemctl' -ArgumentList @('--user', 'start', "vaultmesh-sealer@$profileName.service") -Environment (Get-UnitEnvironment)
        Test-Step 'systemd --user: sealer unit' { $run.ExitCode -eq 0 } { "systemctl --user start exit $($run.ExitCode)" }
    } elseif (Get-Command systemd-analyze -ErrorAction SilentlyContinue) {
        # No user manager here, so each ExecStart above ran directly; systemd still checks the installed units offline.
        $runtime = Join-Path $root 'run'
        New-Item -ItemType Directory -Path $runtime | Out-Null
        [IO.File]::SetUnixFileMode($runtime, [IO.UnixFileMode]::UserRead -bor [IO.UnixFileMode]::UserWrite -bor [IO.UnixFileMode]::UserExecute)
        $units = foreach ($instance in $profileName, $peerName) { Get-ChildItem -LiteralPath $unitDir -Filter 'vaultmesh-*@.*' | ForEach-Object { $_.Name.Replace('@.', "@$instance.") } }
        $analyzeEnvironment = Get-UnitEnvironment; $analyzeEnvironment.XDG_RUNTIME_DIR = $runtime
        $analyze = Invoke-Tool -FilePath 'systemd-analyze' -ArgumentList (@('--user', 'verify') + $units) -Environment $analyzeEnvironment
        Test-Step 'systemd-analyze --user verify' { $analyze.ExitCode -eq 0 } { "no user manager on this machine: each ExecStart above ran directly; the $(@($units).Count) installed units of both instances verify$(if ($analyze.ExitCode -ne 0) { ": $($analyze.StdErr)" })" }
    } else {
        Add-Step 'systemd units' 'failed' 'neither a user manager nor systemd-analyze on this machine to check the installed units'
    }
} catch {
    Add-Step 'rehearsal' 'failed' "$_ at $($_.InvocationInfo.PositionMessage)"
} finally {
    if ($prometheus) { Stop-VmRehearsalPrometheus $prometheus.Server }
    if ($nginx) { Stop-VmTestNginx $nginx }
    if ($metrics) { $null = Stop-Unit $metrics }
    foreach ($g in @($guardians.Values)) { if ($g.Unit) { $null = Stop-Unit $g.Unit } }
    if ($anvil) { Stop-VmTestAnvil $anvil }
    if ($tsa) { Stop-VmTestTsa $tsa }
    if ($redis) { Stop-VmTestRedis $redis -Remove }
    Remove-Item -LiteralPath $root -Recurse -Force -ErrorAction SilentlyContinue
}

Write-Host ''
$summary | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
$failed = @($summary | Where-Object Status -ne 'ok').Count
Write-Host ("Rehearsal: {0} ok, {1} failed" -f @($summary | Where-Object Status -eq 'ok').Count, $failed)
exit $(if ($failed -gt 0) { 1 } else { 0 })
