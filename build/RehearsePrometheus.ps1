# A real Prometheus for the rehearsal (docs/operations.md): Debian's `prometheus` binary on a free
# loopback port with a temporary configuration and storage directory, scraping VaultMesh nodes every
# second with the rules of ops/phase-vi/prometheus loaded, and the helpers that ask its HTTP API
# (/api/v1/targets, /api/v1/query, /api/v1/alerts). Every wait polls the API until a condition
# holds or a deadline passes; nothing sleeps for a fixed time. Dot-sourced by build/Rehearse.ps1 and
# tests/Pester/RehearsePrometheus.Tests.ps1.

# The rules file with the `for:` of some alerts shortened (alert name -> duration), so that the
# rehearsal sees them fire in seconds; every other line is the file operators load.
function New-VmRehearsalRules {
    param([Parameter(Mandatory)] [string] $RulesFile, [Parameter(Mandatory)] [string] $Destination, [hashtable] $ShortFor = @{})
    $lines = [Collections.Generic.List[string]]::new([string[]](Get-Content -LiteralPath $RulesFile))
    foreach ($alert in $ShortFor.Keys) {
        $at = $lines.FindIndex([Predicate[string]] { param($l) $l -match "^\s*- alert: $alert\s*$" })
        if ($at -lt 0) { throw "The rules file $RulesFile has no alert '$alert'." }
        $for = -1
        for ($i = $at + 1; $i -lt $lines.Count -and $lines[$i] -notmatch '^\s*- (alert|record):'; $i++) {
            if ($lines[$i] -match '^(\s*)for:\s*\S+\s*$') { $for = $i; break }
        }
        if ($for -lt 0) { throw "The alert '$alert' of $RulesFile has no for: to shorten." }
        $lines[$for] = $lines[$for] -replace 'for:\s*\S+', "for: $($ShortFor[$alert])"
    }
    $lines | Set-Content -LiteralPath $Destination
    $Destination
}

# Starts Prometheus scraping $Targets (host:port, path /metrics) every second with $RulesFile, and
# returns once /-/ready answers; throws when it exits or is not ready within two minutes.
function Start-VmRehearsalPrometheus {
    param([Parameter(Mandatory)] [string] $Directory, [Parameter(Mandatory)] [string[]] $Targets, [Parameter(Mandatory)] [string] $RulesFile)
    New-Item -ItemType Directory -Force -Path (Join-Path $Directory 'data') | Out-Null
    $config = Join-Path $Directory 'prometheus.yml'
    @(
        'global:'
        '  scrape_interval: 1s'
        '  scrape_timeout: 1s'
        '  evaluation_interval: 1s'
        'rule_files:'
        "  - '$RulesFile'"
        'scrape_configs:'
        '  - job_name: vaultmesh'
        '    static_configs:'
        "      - targets: [$(($Targets | ForEach-Object { "'$_'" }) -join ', ')]"
    ) | Set-Content -LiteralPath $config
    for ($attempt = 1; ; $attempt++) {
        $l = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0); $l.Start(); $port = $l.LocalEndpoint.Port; $l.Stop()
        $psi = [Diagnostics.ProcessStartInfo]::new('prometheus')
        foreach ($a in "--config.file=$config", "--storage.tsdb.path=$(Join-Path $Directory 'data')", "--web.listen-address=127.0.0.1:$port", '--log.level=warn') { $psi.ArgumentList.Add($a) }
        $psi.UseShellExecute = $false; $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true; $psi.WorkingDirectory = $Directory
        $process = [Diagnostics.Process]::Start($psi)
        $prometheus = [pscustomobject]@{ Process = $process; Url = "http://127.0.0.1:$port"; Err = $process.StandardError.ReadToEndAsync(); Out = $process.StandardOutput.ReadToEndAsync(); Config = $config }
        $ready = [Threading.SpinWait]::SpinUntil([Func[bool]] {
                $process.HasExited -or $(try { (Invoke-WebRequest "$($prometheus.Url)/-/ready" -TimeoutSec 2 -SkipHttpErrorCheck).StatusCode -eq 200 } catch { $false })
            }, [TimeSpan]::FromMinutes(2)) -and -not $process.HasExited
        if ($ready) { return $prometheus }
        Stop-VmRehearsalPrometheus $prometheus
        # Another process may take the free port before Prometheus binds it: try another one.
        if ($attempt -ge 3 -or $prometheus.Err.Result -notmatch 'address already in use') {
            throw "Prometheus did not become ready on 127.0.0.1:${port}: $($prometheus.Err.Result)"
        }
    }
}

function Stop-VmRehearsalPrometheus($Prometheus) {
    if (-not $Prometheus.Process.HasExited) { $Prometheus.Process.Kill($true) }
    $null = $Prometheus.Process.WaitForExit(30000)
}

# The data of a Prometheus API call (GET $Path with $Query), or an error naming the call.
function Invoke-VmPrometheusApi($Prometheus, [string] $Path, [hashtable] $Query = @{}) {
    $pairs = foreach ($k in $Query.Keys) { "$k=$([Uri]::EscapeDataString([string]$Query[$k]))" }
    $answer = Invoke-RestMethod -Uri "$($Prometheus.Url)$Path$(if ($pairs) { '?' + ($pairs -join '&') })" -TimeoutSec 10
    if ($answer.status -ne 'success') { throw "Prometheus $Path answered $($answer.status): $($answer.error)" }
    $answer.data
}

# The scrape targets with their health ('up', 'down', 'unknown' before the first scrape).
function Get-VmPrometheusTarget($Prometheus) {
    @((Invoke-VmPrometheusApi $Prometheus '/api/v1/targets' @{ state = 'active' }).activeTargets | ForEach-Object {
            [pscustomobject]@{ Instance = $_.labels.instance; Health = $_.health; LastError = $_.lastError }
        })
}

# The value of an instant query that yields one sample, or $null when it yields none.
function Get-VmPrometheusValue($Prometheus, [string] $Query) {
    $result = @((Invoke-VmPrometheusApi $Prometheus '/api/v1/query' @{ query = $Query }).result)
    if ($result.Count -eq 0) { return $null }
    if ($result.Count -gt 1) { throw "The query $Query yields $($result.Count) samples; one was expected." }
    [double]::Parse($result[0].value[1], [Globalization.CultureInfo]::InvariantCulture)
}

# The active alerts named $Name (pending or firing), with their labels and state.
function Get-VmPrometheusAlert($Prometheus, [string] $Name) {
    @((Invoke-VmPrometheusApi $Prometheus '/api/v1/alerts').alerts | Where-Object { $_.labels.alertname -eq $Name })
}

# Polls $Condition (which may throw while the answer is not there yet) until it holds or $Timeout
# passes; returns whether it held.
function Wait-VmPrometheus([scriptblock] $Condition, [TimeSpan] $Timeout = [TimeSpan]::FromMinutes(1)) {
    [Threading.SpinWait]::SpinUntil([Func[bool]] { try { [bool](& $Condition) } catch { $false } }, $Timeout)
}

# Waits until every target has been scraped once (none 'unknown'), then returns the targets; a
# target that is down stays down in the answer, so the caller's check fails on it.
function Wait-VmPrometheusTargetsScraped($Prometheus, [int] $Expected) {
    $null = Wait-VmPrometheus { $t = Get-VmPrometheusTarget $Prometheus; $t.Count -eq $Expected -and @($t | Where-Object Health -eq 'unknown').Count -eq 0 }
    # A target whose first scrape failed while it was still coming up gets ten seconds to be up.
    $null = Wait-VmPrometheus { @(Get-VmPrometheusTarget $Prometheus | Where-Object Health -ne 'up').Count -eq 0 } ([TimeSpan]::FromSeconds(10))
    Get-VmPrometheusTarget $Prometheus
}

# Whether every one of $Expected targets is up.
function Test-VmPrometheusTargetsUp($Targets, [int] $Expected) {
    @($Targets).Count -eq $Expected -and @($Targets | Where-Object Health -ne 'up').Count -eq 0
}
