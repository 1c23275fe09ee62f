# The rehearsal's Prometheus (build/RehearsePrometheus.ps1): Debian's prometheus binary scraping a
# real metrics server and a port nobody listens on, with the rules of ops/phase-vi/prometheus loaded
# and one for: shortened. The targets check fails on the target that is down; the node's series are
# there from the first scrape; the shortened alert fires through the API.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $script:RepoRoot 'build/RehearsePrometheus.ps1')
    $script:dir = New-VmTestHome

    function Get-FreePort { $l = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0); $l.Start(); try { $l.LocalEndpoint.Port } finally { $l.Stop() } }

    # A metrics server in a child pwsh, anchor writes off (the default); waits for its READY=1.
    $script:port = Get-FreePort
    $pwsh = Get-VmPwshCommandLine
    $file = Join-Path $script:dir 'serve.ps1'
    "Import-Module '$script:ModulePath'`nStart-VmMetricsServer -Bind 127.0.0.1:$script:port | Out-Null" | Set-Content -LiteralPath $file
    $ready = New-VmReadySocket
    $script:server = Start-VmProcess -FilePath $pwsh[0] -ArgumentList (@($pwsh | Select-Object -Last ($pwsh.Count - 1)) + @('-NoProfile', '-NonInteractive', '-File', $file)) `
        -Environment @{ VAULTMESH_HOME = (Join-Path $script:dir 'home'); NOTIFY_SOCKET = $ready.Path; ANCHOR_WRITE_ENABLED = $null }
    if (-not (Wait-VmReady $ready -Process $script:server.Process -TimeoutSeconds 120)) { throw "The metrics server did not start: $($script:server.StdErr.Result)" }

    $script:down = "127.0.0.1:$(Get-FreePort)"
    $script:up = "127.0.0.1:$script:port"
    $rules = New-VmRehearsalRules -RulesFile (Join-Path $script:RepoRoot 'ops/phase-vi/prometheus/vaultmesh.rules.yml') -Destination (Join-Path $script:dir 'rules.yml') -ShortFor @{ VaultMeshAnchorWritesOff = '1s' }
    $script:prometheus = Start-VmRehearsalPrometheus -Directory (Join-Path $script:dir 'prometheus') -Targets @($script:up, $script:down) -RulesFile $rules
    $script:targets = Wait-VmPrometheusTargetsScraped $script:prometheus 2
}

AfterAll {
    if ($script:prometheus) { Stop-VmRehearsalPrometheus $script:prometheus }
    if ($script:server -and -not $script:server.Process.HasExited) { & kill -TERM $script:server.Process.Id; if (-not $script:server.Process.WaitForExit(60000)) { $script:server.Process.Kill($true) } }
    Remove-Item -LiteralPath $script:dir -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'The rehearsal Prometheus' {
    It 'reports the running node up and the port nobody serves down, so the targets check fails' {
        ($script:targets | Where-Object Instance -eq $script:up).Health | Should -Be 'up'
        ($script:targets | Where-Object Instance -eq $script:down).Health | Should -Be 'down'
        Test-VmPrometheusTargetsUp $script:targets 2 | Should -BeFalse
        Test-VmPrometheusTargetsUp @($script:targets | Where-Object Instance -eq $script:up) 1 | Should -BeTrue
    }

    It 'has the counters of a fresh node at 0 from its first scrapes' {
        Get-VmPrometheusValue $script:prometheus "vaultmesh_conflict_resolved_total{instance=`"$script:up`"}" | Should -Be 0
        Get-VmPrometheusValue $script:prometheus "vaultmesh_federation_quarantined_total{instance=`"$script:up`"}" | Should -Be 0
        Get-VmPrometheusValue $script:prometheus "vaultmesh_kill_switch_enabled{instance=`"$script:up`",switch=`"ANCHOR_WRITE_ENABLED`"}" | Should -Be 0
        Get-VmPrometheusValue $script:prometheus 'vaultmesh_no_such_metric' | Should -BeNullOrEmpty
    }

    It 'fires the shortened VaultMeshAnchorWritesOff for the node whose anchor writes are off' {
        Wait-VmPrometheus { @(Get-VmPrometheusAlert $script:prometheus 'VaultMeshAnchorWritesOff' | Where-Object { $_.labels.instance -eq $script:up -and $_.state -eq 'firing' }).Count -eq 1 } | Should -BeTrue
        $alert = @(Get-VmPrometheusAlert $script:prometheus 'VaultMeshAnchorWritesOff')[0]
        $alert.labels.severity | Should -Be 'warning'
        $alert.annotations.runbook_url | Should -Be 'docs/operations.md#vaultmeshanchorwritesoff'
        Get-VmPrometheusAlert $script:prometheus 'VaultMeshEnforcementOff' | Should -BeNullOrEmpty
    }

    It 'refuses to shorten an alert the rules file does not have, naming it' {
        { New-VmRehearsalRules -RulesFile (Join-Path $script:RepoRoot 'ops/phase-vi/prometheus/vaultmesh.rules.yml') -Destination (Join-Path $script:dir 'x.yml') -ShortFor @{ VaultMeshNoSuchAlert = '1s' } } |
            Should -Throw '*no alert ''VaultMeshNoSuchAlert''*'
    }

    It 'throws on a query Prometheus cannot parse' {
        { Get-VmPrometheusValue $script:prometheus 'sum(' } | Should -Throw
    }
}
