# The rehearsal's Prometheus steps (docs/operations.md), dot-sourced by build/Rehearse.ps1 and run in
# its scope: they use its guardians, metrics port, installed ops pack and Test-Step.

# Starts both guardians again next to the metrics server, and a real Prometheus scraping the three
# with the installed rules (VaultMeshAnchorWritesOff's for: shortened to 2 s); steps: targets up,
# and the alert on the peer (whose environment leaves anchor writes off) while the rehearsal
# guardian, writes on, stays quiet. Returns what Test-RehearsalPrometheus needs.
function Start-RehearsalPrometheus {
    Write-Host '== Prometheus: the metrics server and both guardians' -ForegroundColor Cyan
    Start-Guardians 'federation-on'
    $targets = @("127.0.0.1:$metricsPort") + @($guardians.Values | ForEach-Object { "127.0.0.1:$($_.Port)" })
    $rules = New-VmRehearsalRules -RulesFile (Join-Path $installed.Share 'phase-vi/prometheus/vaultmesh.rules.yml') -Destination (Join-Path $root 'rehearsal.rules.yml') -ShortFor @{ VaultMeshAnchorWritesOff = '2s' }
    $server = Start-VmRehearsalPrometheus -Directory (Join-Path $root 'prometheus') -Targets $targets -RulesFile $rules
    $state = Wait-VmPrometheusTargetsScraped $server $targets.Count
    Test-Step 'prometheus: targets up' { Test-VmPrometheusTargetsUp $state $targets.Count } {
        "$($server.Url) scrapes $(($state | ForEach-Object { "$($_.Instance) $($_.Health)$(if ($_.LastError) { " ($($_.LastError))" })" }) -join ', ')"
    }
    $verified = "sum(vaultmesh_anchor_verify_ok_total{instance=`"127.0.0.1:$metricsPort`"})"
    $self = "127.0.0.1:$($guardians[$profileName].Port)"
    $peer = "127.0.0.1:$($guardians[$peerName].Port)"
    # The peer's alert shows that the rules are evaluated; only then does the quiet guardian say anything.
    $peerFires = Wait-VmPrometheus { @(Get-VmPrometheusAlert $server 'VaultMeshAnchorWritesOff' | Where-Object { $_.labels.instance -eq $peer }).Count -eq 1 }
    $quiet = @(Get-VmPrometheusAlert $server 'VaultMeshAnchorWritesOff' | Where-Object { $_.labels.instance -eq $self }).Count -eq 0
    Test-Step 'prometheus: rules loaded, VaultMeshAnchorWritesOff only where writes are off' { $peerFires -and $quiet } {
        "active for $peer (ANCHOR_WRITE_ENABLED unset, off): $peerFires; quiet for $self (on): $quiet"
    }
    $before = try { Get-VmPrometheusValue $server $verified } catch { $null }
    [pscustomobject]@{ Server = $server; Verified = $verified; Before = $before; Self = $self }
}

# After the anchor manager anchored again: verify-anchor.sh verifies the new anchors and the verify
# counter rises in Prometheus; then the anchor-write drop-in on the rehearsal guardian (restarted, as
# the SOP says) makes its alert pending or firing.
function Test-RehearsalPrometheus($Prometheus) {
    if (-not $Prometheus) { return }
    $server = $Prometheus.Server
    $environment = Get-UnitEnvironment; $environment.PATH = "$(Split-Path $installed.Vm):$($env:PATH)"
    $verified = Invoke-Tool -FilePath 'bash' -ArgumentList @((Join-Path $installed.Share 'phase-vi/scripts/verify-anchor.sh'), '--profile', $profileName) -Environment $environment
    $rose = $verified.ExitCode -eq 0 -and $null -ne $Prometheus.Before -and (Wait-VmPrometheus { (Get-VmPrometheusValue $server $Prometheus.Verified) -gt $Prometheus.Before })
    Test-Step 'prometheus: verify counters rose after anchoring' { $rose } {
        "verify-anchor.sh exit $($verified.ExitCode); $($Prometheus.Verified): $($Prometheus.Before) before anchoring, $(Get-VmPrometheusValue $server $Prometheus.Verified) after"
    }
    $null = Stop-Unit $guardians[$profileName].Unit
    $port = $guardians[$profileName].Port
    $guardians[$profileName].Unit = Start-Unit 'vaultmesh-guardian@.service' $profileName @('federation-on', 'anchor-write-off') $port { (Invoke-WebRequest "http://127.0.0.1:$port/healthz" -TimeoutSec 5).StatusCode -eq 200 }
    $active = Wait-VmPrometheus { @(Get-VmPrometheusAlert $server 'VaultMeshAnchorWritesOff' | Where-Object { $_.labels.instance -eq $Prometheus.Self -and $_.state -in 'pending', 'firing' }).Count -eq 1 }
    Test-Step 'prometheus: VaultMeshAnchorWritesOff with the anchor-write-off drop-in' { $guardians[$profileName].Unit.Up -and $active } {
        "$($Prometheus.Self) restarted with the drop-in; alert: $(@(Get-VmPrometheusAlert $server 'VaultMeshAnchorWritesOff' | Where-Object { $_.labels.instance -eq $Prometheus.Self } | ForEach-Object state) -join ', ')"
    }
}
