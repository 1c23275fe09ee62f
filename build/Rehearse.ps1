# The week-4 rehearsal (docs/operations.md) on one machine with real parts: installs VaultMesh into a
# temporary home, starts Redis, Anvil and the OpenSSL TSA, runs each systemd unit's ExecStart in
# dependency order (harbinger, sealer, anchor manager; federation once it exists), runs
# verify-anchor.sh, scrapes /metrics, flips each kill switch through the variables the drop-ins set,
# and prints a summary table. Exits 1 when a step that exists failed.
param([Parameter(Mandatory)] [string] $ModulePath)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$repo = (Resolve-Path (Join-Path $PSScriptRoot '..')).Path
. (Join-Path $repo 'build/PwshProcess.ps1')
. (Join-Path $repo 'build/Install.ps1')
. (Join-Path $repo 'tests/TestServers/VmTestAnvil.ps1')
. (Join-Path $repo 'tests/TestServers/VmTestRedis.ps1')
Import-Module (Join-Path $repo 'tests/VaultMesh.TestTsa/VmTestTsa.psm1')

$profileName = 'rehearsal'
$summary = [Collections.Generic.List[object]]::new()
function Add-Step([string] $Step, [string] $Status, [string] $Detail) {
    $summary.Add([pscustomobject]@{ Step = $Step; Status = $Status; Detail = $Detail })
    $color = switch ($Status) { 'ok' { 'Green' } 'failed' { 'Red' } default { 'Yellow' } }
    Write-Host ("[{0}] {1}: {2}" -f $Status, $Step, $Detail) -ForegroundColor $color
}

$root = Join-Path ([IO.Path]::GetTempPath()) ("vmrehearsal-" + [guid]::NewGuid().ToString('N'))
New-Item -ItemType Directory -Path $root | Out-Null
$vmHome = Join-Path $root '.vaultmesh'
$config = Join-Path $root '.config'
$unitDir = Join-Path $repo 'ops/phase-vi/systemd'
$envFile = Join-Path $config "vaultmesh/$profileName.env"

# The environment a unit of the profile gets: the temp home, the profile's environment file, then
# the drop-in kill-switch files given, in order (a later file wins, as with EnvironmentFile=).
function Get-UnitEnvironment([string[]] $KillSwitchFile = @()) {
    $values = [ordered]@{ HOME = $root; XDG_CONFIG_HOME = $config; VAULTMESH_HOME = $vmHome; PATH = $env:PATH }
    foreach ($file in @($envFile) + @($KillSwitchFile | ForEach-Object { Join-Path $config "vaultmesh/kill-switches/$_.env" })) {
        foreach ($line in Get-Content -LiteralPath $file) {
            if ($line -match '^\s*([A-Z_][A-Z0-9_]*)=(.*)$') { $values[$Matches[1]] = $Matches[2] }
        }
    }
    $values
}

# A unit's ExecStart with %h and %i filled in, as words.
function Get-ExecStart([string] $Unit) {
    $line = (Get-Content -LiteralPath (Join-Path $unitDir $Unit) | Where-Object { $_ -like 'ExecStart=*' } | Select-Object -First 1).Substring('ExecStart='.Length)
    @($line.Replace('%h', $root).Replace('%i', $profileName) -split ' ')
}

function Invoke-Unit([string] $Unit, [string[]] $KillSwitchFile = @(), [string[]] $Extra = @()) {
    $words = @(Get-ExecStart $Unit) + $Extra
    Invoke-Tool -FilePath $words[0] -ArgumentList @($words | Select-Object -Skip 1) -Environment (Get-UnitEnvironment $KillSwitchFile)
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

$redis = $null; $tsa = $null; $anvil = $null; $metrics = $null
try {
    Write-Host "== Install into $root" -ForegroundColor Cyan
    $installed = Install-VmModule -StageDir (Split-Path $ModulePath) -RepositoryRoot $repo -Destination $root
    $r = Invoke-Tool -FilePath 'bash' -ArgumentList @((Join-Path $installed.Share 'phase-vi/scripts/install-units.sh'), $profileName) -Environment (@{ HOME = $root; XDG_CONFIG_HOME = $config; PATH = $env:PATH })
    Test-Step 'install' { $r.ExitCode -eq 0 -and (Test-Path $envFile) } { "vm at $($installed.Vm); units and $profileName.env under $config" }

    Write-Host '== Start Redis, Anvil and the OpenSSL TSA' -ForegroundColor Cyan
    $redis = Start-VmTestRedis
    $tsa = Start-VmTestTsa
    $anvil = Start-VmTestAnvil
    $metricsPort = & { $l = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0); $l.Start(); $l.LocalEndpoint.Port; $l.Stop() }
    # The profile as an operator sets it, through vm configure set; the environment file gets the switches.
    $settings = @(
        '--redis', $redis.Configuration, '--metrics-bind', "127.0.0.1:$metricsPort",
        '--set', "rails.tsa.url=$($tsa.Url)", '--set', "rails.tsa.trust_bundle=$($tsa.TrustBundle)",
        '--set', "rails.evm.url=$($anvil.Url)", '--set', 'rails.evm.chain_id=31337', '--set', 'rails.evm.to=0x000000000000000000000000000000000000dEaD',
        '--set', 'rails.evm.key_env=VM_REHEARSAL_EVM_KEY', '--set', 'rails.evm.required_depth=2')
    (Get-Content -LiteralPath $envFile) -replace '^ANCHOR_WRITE_ENABLED=.*', 'ANCHOR_WRITE_ENABLED=1' -replace '^METRICS_BIND=.*', "METRICS_BIND=127.0.0.1:$metricsPort" |
        Set-Content -LiteralPath $envFile
    Add-Content -LiteralPath $envFile -Value "VM_REHEARSAL_EVM_KEY=$($anvil.DevKey)"
    $r = Invoke-Tool -FilePath $installed.Vm -ArgumentList (@('--profile', $profileName, 'configure', 'set') + $settings) -Environment (Get-UnitEnvironment)
    Test-Step 'configure' { $r.ExitCode -eq 0 } { "profile '$profileName': TSA $($tsa.Url), Anvil $($anvil.Url), Redis $($redis.Configuration)" }

    Write-Host '== Intake: files and the Redis stream' -ForegroundColor Cyan
    $inbox = Join-Path $vmHome "data/$profileName/harbinger/inbox"
    New-Item -ItemType Directory -Force -Path $inbox | Out-Null
    1..3 | ForEach-Object { "{`"type`":`"deployment`",`"component`":`"api`",`"version`":`"1.$_`",`"payload`":{`"n`":$_}}" | Set-Content (Join-Path $inbox "event-$_.json") }
    '{"type":"deployment"' | Set-Content (Join-Path $inbox 'broken.json')
    $events = 1..3 | ForEach-Object { $f = Join-Path $root "stream-$_.json"; "{`"type`":`"event`",`"component`":`"stream`",`"version`":`"$_`"}" | Set-Content $f; $f }
    $r = Invoke-Tool -FilePath $installed.Vm -ArgumentList (@('--profile', $profileName, 'harbinger', 'send') + $events) -Environment (Get-UnitEnvironment)
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

    Write-Host '== Federation' -ForegroundColor Cyan
    $r = Invoke-Unit 'vaultmesh-federation@.service'
    if ($r.ExitCode -eq 2) {
        Add-Step 'federation unit (two guardians)' 'waits' "waits for federation: 'vm federation sync' and 'vm guardian run' are not in this build"
    } else {
        Test-Step 'federation unit' { $r.ExitCode -eq 0 } { "vm federation sync exit $($r.ExitCode)" }
    }

    Write-Host '== verify-anchor.sh' -ForegroundColor Cyan
    $verify = Join-Path $installed.Share 'phase-vi/scripts/verify-anchor.sh'
    $env2 = Get-UnitEnvironment; $env2.PATH = "$(Split-Path $installed.Vm):$($env:PATH)"
    $r = Invoke-Tool -FilePath 'bash' -ArgumentList @($verify, '--profile', $profileName, '--format', 'json') -Environment $env2
    Test-Step 'verify-anchor.sh' { $r.ExitCode -eq 0 -and @($r.Json.data | Where-Object Valid).Count -eq 2 } { "exit $($r.ExitCode); $(@($r.Json.data | Where-Object Valid).Count) anchors verified" }

    Write-Host '== /metrics' -ForegroundColor Cyan
    $words = Get-ExecStart 'vaultmesh-metrics@.service'
    $psi = [Diagnostics.ProcessStartInfo]::new($words[0])
    foreach ($a in ($words | Select-Object -Skip 1)) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false; $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true
    foreach ($e in (Get-UnitEnvironment).GetEnumerator()) { $psi.Environment[$e.Key] = [string]$e.Value }
    $metrics = [Diagnostics.Process]::Start($psi)
    $null = $metrics.StandardOutput.ReadToEndAsync(); $null = $metrics.StandardError.ReadToEndAsync()
    $up = [Threading.SpinWait]::SpinUntil([Func[bool]] { $metrics.HasExited -or $(try { (Invoke-WebRequest "http://127.0.0.1:$metricsPort/metrics" -TimeoutSec 2).StatusCode -eq 200 } catch { $false }) }, [TimeSpan]::FromSeconds(120))
    $scrape = if ($up -and -not $metrics.HasExited) { (Invoke-WebRequest "http://127.0.0.1:$metricsPort/metrics").Content } else { '' }
    $lint = $scrape | & promtool check metrics 2>&1
    $promtoolOk = $LASTEXITCODE -eq 0
    Test-Step 'metrics unit + promtool' { $promtoolOk -and $scrape -match 'vaultmesh_anchor_verify_ok_total\{chain="TSA"\} [1-9]' } { "scraped 127.0.0.1:$metricsPort; promtool: $(if ($promtoolOk) { 'ok' } else { $lint })" }

    Write-Host '== Kill switches (the variables the drop-ins set)' -ForegroundColor Cyan
    '{"type":"event","component":"after-switch","version":"1"}' | Set-Content (Join-Path $inbox 'late.json')
    Invoke-Unit 'vaultmesh-harbinger@.service' | Out-Null
    Invoke-Unit 'vaultmesh-sealer@.service' | Out-Null
    $r = Invoke-Unit 'vaultmesh-anchor-manager@.service' -KillSwitchFile @('anchor-write-off')
    $status = Invoke-Tool -FilePath $installed.Vm -ArgumentList @('--profile', $profileName, 'status', 'show') -Environment (Get-UnitEnvironment @('anchor-write-off'))
    Test-Step 'ANCHOR_WRITE_ENABLED=0' { $r.ExitCode -eq 0 -and @($r.Json.data.Reanchored).Count -eq 0 -and $status.Json.data.AnchorWriteEnabled -eq $false } { "anchor manager sent nothing: $(@($r.Json.warnings) -join ' ')" }
    $r = Invoke-Unit 'vaultmesh-anchor-manager@.service'
    Test-Step 'ANCHOR_WRITE_ENABLED back on' { $r.ExitCode -eq 0 -and @($r.Json.data.Reanchored).Count -eq 2 } { "the newest checkpoint, with the waiting batch, was anchored on $(@($r.Json.data.Reanchored).Count) rails" }

    $tampered = Join-Path $root 'tampered.json'
    $stored = Invoke-Tool -FilePath $installed.Vm -ArgumentList @('--profile', $profileName, 'anchor', 'list', '--rail', 'tsa') -Environment (Get-UnitEnvironment)
    $receipt = $stored.Json.data[0].Json | ConvertFrom-Json -AsHashtable -DateKind String
    $receipt.root = '0x' + ('ab' * 32)
    $receipt | ConvertTo-Json -Depth 20 | Set-Content $tampered
    $on = Invoke-Tool -FilePath $installed.Vm -ArgumentList @('--profile', $profileName, 'audit', 'verify', $tampered) -Environment (Get-UnitEnvironment @('verify-enforce-on'))
    $off = Invoke-Tool -FilePath $installed.Vm -ArgumentList @('--profile', $profileName, 'audit', 'verify', $tampered) -Environment (Get-UnitEnvironment @('verify-enforce-off'))
    Test-Step 'VERIFY_ENFORCE on/off' { $on.ExitCode -eq 1 -and $off.ExitCode -eq 0 -and @($off.Json.warnings).Count -gt 0 } { "tampered receipt: exit $($on.ExitCode) enforced, exit $($off.ExitCode) with a warning relaxed" }

    $fedOn = Invoke-Tool -FilePath $installed.Vm -ArgumentList @('--profile', $profileName, 'status', 'show') -Environment (Get-UnitEnvironment @('federation-on'))
    $fedOff = Invoke-Tool -FilePath $installed.Vm -ArgumentList @('--profile', $profileName, 'status', 'show') -Environment (Get-UnitEnvironment @('federation-off'))
    if ($fedOn.Json.data.FederationEnabled -eq $true -and $fedOff.Json.data.FederationEnabled -eq $false) {
        Add-Step 'FEDERATION_ENABLED' 'waits' 'status shows it on/off (source Environment); its effect on sync waits for federation'
    } else {
        Add-Step 'FEDERATION_ENABLED' 'failed' 'status does not follow the drop-in files'
    }
    $after = (Invoke-WebRequest "http://127.0.0.1:$metricsPort/metrics").Content
    Test-Step 'metrics after the switches' { $after -match 'vaultmesh_anchor_verify_fail_total\{chain="TSA",reason="imprint-mismatch"\} 2' } { 'the two failed verifications of the tampered receipt are counted' }

    Write-Host '== Redis down' -ForegroundColor Cyan
    Stop-VmTestRedis $redis
    '{"type":"event","component":"redis-down","version":"1"}' | Set-Content (Join-Path $inbox 'while-down.json')
    $r = Invoke-Unit 'vaultmesh-harbinger@.service'
    $v = Invoke-Tool -FilePath 'bash' -ArgumentList @($verify, '--profile', $profileName) -Environment $env2
    Test-Step 'Redis killed: file intake and verification carry on' { $r.ExitCode -eq 0 -and $r.Json.data.Recorded -eq 1 -and $v.ExitCode -eq 0 } { "harbinger exit $($r.ExitCode), verify-anchor.sh exit $($v.ExitCode)" }
    $redis = Start-VmTestRedis -Previous $redis
    $r = Invoke-Unit 'vaultmesh-harbinger@.service' -Extra @('--source', 'redis')
    Test-Step 'Redis back: the stream is intact' { $r.ExitCode -eq 0 } { "harbinger --source redis exit $($r.ExitCode), $($r.Json.data.Read) new entries" }

    $systemd = Invoke-Tool -FilePath 'systemctl' -ArgumentList @('--user', 'show-environment') -Environment (Get-UnitEnvironment)
    if ($systemd.ExitCode -eq 0) {
        $run = Invoke-Tool -FilePath 'systemctl' -ArgumentList @('--user', 'start', "vaultmesh-sealer@$profileName.service") -Environment (Get-UnitEnvironment)
        Test-Step 'systemd --user: sealer unit' { $run.ExitCode -eq 0 } { "systemctl --user start exit $($run.ExitCode)" }
    } else {
        Add-Step 'systemd --user' 'skipped' 'no user manager on this machine; each ExecStart above ran directly with the unit environment'
    }
} catch {
    Add-Step 'rehearsal' 'failed' "$_ at $($_.InvocationInfo.PositionMessage)"
} finally {
    if ($metrics -and -not $metrics.HasExited) { & kill -TERM $metrics.Id; if (-not $metrics.WaitForExit(30000)) { $metrics.Kill($true) } }
    if ($anvil) { Stop-VmTestAnvil $anvil }
    if ($tsa) { Stop-VmTestTsa $tsa }
    if ($redis) { Stop-VmTestRedis $redis -Remove }
    Remove-Item -LiteralPath $root -Recurse -Force -ErrorAction SilentlyContinue
}

Write-Host ''
$summary | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
$failed = @($summary | Where-Object Status -eq 'failed').Count
$waits = @($summary | Where-Object Status -eq 'waits').Count
Write-Host ("Rehearsal: {0} ok, {1} failed, {2} waiting for federation" -f @($summary | Where-Object Status -eq 'ok').Count, $failed, $waits)
exit $(if ($failed -gt 0) { 1 } else { 0 })
