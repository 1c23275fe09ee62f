BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Join-Path $script:RepoRoot 'tests/VaultMesh.TestTsa/VmTestTsa.psm1') -Force
    $script:tsa = Start-VmTestTsa
    $script:Cmd = 'VaultMesh.PowerShell.Commands.InvokeVmAuditCommand'

    function Get-Db { Join-Path $env:VAULTMESH_HOME 'data/default/vaultmesh.db' }

    # Edits the store file directly, as someone with write access to the host would.
    function Invoke-Sql([string] $Sql) {
        $out = $Sql | sqlite3 (Get-Db) 2>&1
        $LASTEXITCODE | Should -Be 0 -Because "$out"
    }

    function Get-Check([object[]] $Report, [string] $Name) { $Report | Where-Object { $_.Name -eq $Name } }
}

AfterAll {
    if ($script:tsa) { Stop-VmTestTsa $script:tsa }
    Remove-Item Env:ANCHOR_WRITE_ENABLED -ErrorAction SilentlyContinue
}

Describe 'Invoke-VmAudit' {
    BeforeEach {
        $env:VAULTMESH_HOME = New-VmTestHome
        Set-VmConfiguration -Setting @{ 'rails.tsa.url' = $script:tsa.Url; 'rails.tsa.trust_bundle' = $script:tsa.TrustBundle }
        1..3 | ForEach-Object { Add-VmMemory -Type event -Component audit-test -Version $_ } | Out-Null
        $batch = Invoke-VmSeal
        $env:ANCHOR_WRITE_ENABLED = '1'
        $script:anchor = $batch | Submit-VmAnchor -Rail Tsa
        Remove-Item Env:ANCHOR_WRITE_ENABLED
    }

    It 'passes every check on a healthy, anchored store, one object per check and a summary' {
        $report = Invoke-VmAudit -ErrorVariable failure
        $failure | Should -BeNullOrEmpty
        $checks = $report | Where-Object { $_.GetType().FullName -eq 'VaultMesh.Core.Audit.AuditCheckResult' }
        $checks.Name | Should -Be @('store', 'log', 'batch-roots', 'counts', 'receipts', 'pending-anchors', 'backlog', 'kill-switches', 'permissions', 'key-files', 'trust-bundle', 'rails', 'redis', 'metrics')
        $checks | Where-Object Status -NE 'pass' | Should -BeNullOrEmpty
        (Get-Check $checks 'receipts').Detail | Should -Match 'All 1 stored receipts'
        $summary = $report[-1]
        $summary.GetType().FullName | Should -Be 'VaultMesh.Core.Audit.AuditSummary'
        $summary.Status | Should -Be 'pass'
        $summary.Passed | Should -Be 14
    }

    It 'fails batch-roots, naming the batch, when a leaf row is edited in the SQLite file' {
        Invoke-Sql "DROP TRIGGER memories_append_only_update; UPDATE memories SET leaf = CAST(replace(CAST(leaf AS TEXT), 'audit-test', 'audit-TEST') AS BLOB) WHERE seq = 2;"
        $report = Invoke-VmAudit -ErrorAction SilentlyContinue -ErrorVariable failure
        $check = Get-Check $report 'batch-roots'
        $check.Status | Should -Be 'fail'
        $check.Detail | Should -Match ([regex]::Escape($script:anchor.BatchId))
        $check.Remedy | Should -Not -BeNullOrEmpty
        $report[-1].FailedChecks | Should -Be @('log', 'batch-roots')
        (Get-Check $report 'log').Status | Should -Be 'fail'
        $failure[0].FullyQualifiedErrorId | Should -Be "VmAuditFailed,$script:Cmd"
    }

    It 'fails counts, naming the figure, when a kept count is edited in the SQLite file' {
        (Get-VmStatus).MemoryCount | Should -Be 3
        Invoke-Sql "UPDATE store_counts SET value = 40 WHERE name = 'memories';"
        (Get-VmStatus).MemoryCount | Should -Be 40
        $report = Invoke-VmAudit -ErrorAction SilentlyContinue
        $check = Get-Check $report 'counts'
        $check.Status | Should -Be 'fail'
        $check.Detail | Should -Match 'memories: kept 40, counted 3'
        $report[-1].FailedChecks | Should -Be @('counts')
    }

    It 'fails counts when an anchor count is edited in the SQLite file' {
        Invoke-Sql "UPDATE anchor_counts SET value = value + 1;"
        $check = Get-Check (Invoke-VmAudit -ErrorAction SilentlyContinue) 'counts'
        $check.Status | Should -Be 'fail'
        $check.Detail | Should -Match 'anchors tsa/'
    }

    It 'fails receipts when a receipt is edited in the store' {
        Invoke-Sql "UPDATE receipts SET json = replace(json, '""anchorTs"":""20', '""anchorTs"":""19');"
        $check = Get-Check (Invoke-VmAudit -ErrorAction SilentlyContinue) 'receipts'
        $check.Status | Should -Be 'fail'
        $check.Detail | Should -Match 'edited in the store'
    }

    It 'fails receipts when a receipt and its recorded history are both forged: offline verification catches it' {
        Invoke-Sql @"
DROP TRIGGER receipt_history_append_only_update;
UPDATE receipts SET json = replace(replace(json, '"anchorTs":"20', '"anchorTs":"19'), '"rfc3161Ts":"20', '"rfc3161Ts":"19');
UPDATE receipt_history SET json = replace(replace(json, '"anchorTs":"20', '"anchorTs":"19'), '"rfc3161Ts":"20', '"rfc3161Ts":"19');
"@
        $check = Get-Check (Invoke-VmAudit -ErrorAction SilentlyContinue) 'receipts'
        $check.Status | Should -Be 'fail'
        $check.Detail | Should -Match 'fails offline verification'
    }

    It 'fails key-files when a key file is readable by others' {
        $keys = Join-Path $env:VAULTMESH_HOME 'data/default/keys'
        New-Item -ItemType Directory -Force -Path $keys | Out-Null
        $key = Join-Path $keys 'guardian.key'
        Set-Content -LiteralPath $key -Value 'secret'
        [IO.File]::SetUnixFileMode($key, [IO.UnixFileMode]'UserRead, UserWrite')
        (Get-Check (Invoke-VmAudit -Check key-files) 'key-files').Status | Should -Be 'pass'
        [IO.File]::SetUnixFileMode($key, [IO.UnixFileMode]'UserRead, UserWrite, OtherRead')
        $check = Get-Check (Invoke-VmAudit -Check key-files -ErrorAction SilentlyContinue) 'key-files'
        $check.Status | Should -Be 'fail'
        $check.Detail | Should -Match ([regex]::Escape($key))
    }

    It 'fails key-files when the EVM key file of the profile is readable by others' {
        $key = Join-Path $env:VAULTMESH_HOME 'evm.key'
        Set-Content -LiteralPath $key -Value '0x01'
        [IO.File]::SetUnixFileMode($key, [IO.UnixFileMode]'UserRead, UserWrite, GroupRead')
        Set-VmConfiguration -Setting @{ 'rails.evm.key_file' = $key }
        (Get-Check (Invoke-VmAudit -Check key-files -ErrorAction SilentlyContinue) 'key-files').Detail | Should -Match 'evm\.key \(0640\)'
    }

    It 'fails pending-anchors for a batch older than audit.max_pending_age with no final anchor' {
        Add-VmMemory -Type event -Component audit-test -Version 9 | Out-Null
        $late = Invoke-VmSeal
        Invoke-Sql "DROP TRIGGER batches_append_only_update; UPDATE batches SET sealed_at = '2020-01-01T00:00:00.000Z' WHERE batch_id = '$($late.BatchId)';"
        Set-VmConfiguration -Setting @{ 'audit.max_pending_age' = '24h' }
        $check = Get-Check (Invoke-VmAudit -Check pending-anchors -ErrorAction SilentlyContinue) 'pending-anchors'
        $check.Status | Should -Be 'fail'
        $check.Detail | Should -Match ([regex]::Escape($late.BatchId))
        Set-VmConfiguration -Setting @{ 'audit.max_pending_age' = '36500d' }
        (Get-Check (Invoke-VmAudit -Check pending-anchors) 'pending-anchors').Status | Should -Be 'pass'
    }

    It 'runs only the checks -Check names, by name or position' {
        $report = Invoke-VmAudit -Check store, receipts
        ($report | Where-Object { $_.GetType().FullName -eq 'VaultMesh.Core.Audit.AuditCheckResult' }).Name | Should -Be @('store', 'receipts')
        (Invoke-VmAudit kill-switches)[0].Name | Should -Be 'kill-switches'
        (Invoke-VmAudit kill-switches)[-1].Checks | Should -Be 1
    }

    It 'rejects an unknown check name with VmAuditCheckUnknown before running any' {
        { Invoke-VmAudit -Check store, nonsense -ErrorAction Stop } | Should -Throw -ErrorId "VmAuditCheckUnknown,$script:Cmd"
    }

    It 'rejects a malformed audit.max_pending_age with VmAuditSettingInvalid' {
        Set-VmConfiguration -Setting @{ 'audit.max_pending_age' = 'soon' }
        { Invoke-VmAudit -ErrorAction Stop } | Should -Throw -ErrorId "VmAuditSettingInvalid,$script:Cmd"
    }

    It 'never creates a store' {
        $env:VAULTMESH_HOME = New-VmTestHome
        $report = Invoke-VmAudit -ErrorAction SilentlyContinue
        (Get-Check $report 'store').Status | Should -Be 'warn'
        Get-Db | Should -Not -Exist
    }

    It 'fails redis and metrics when they are configured but do not answer' {
        # A port that was free a moment ago: nothing answers there.
        $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
        Set-VmConfiguration -Redis "127.0.0.1:$port" -MetricsBind "127.0.0.1:$port"
        $report = Invoke-VmAudit -Check redis, metrics -ErrorAction SilentlyContinue
        (Get-Check $report 'redis').Status | Should -Be 'fail'
        (Get-Check $report 'metrics').Status | Should -Be 'fail'
    }

    It 'vm audit report renders JSON and a table, and exits 1 naming the failed check' {
        $ok = Invoke-VmLauncher -ArgumentList @('audit', 'report') -Environment @{ VAULTMESH_HOME = $env:VAULTMESH_HOME }
        $ok.ExitCode | Should -Be 0 -Because $ok.StdOut
        $json = $ok.StdOut | ConvertFrom-Json
        $json.action | Should -Be 'audit.report'
        $json.data[0].name | Should -Be 'store'
        $json.data[-1].status | Should -Be 'pass'
        $table = Invoke-VmLauncher -ArgumentList @('audit', 'report', '--format', 'table', '--check', 'store,receipts') -Environment @{ VAULTMESH_HOME = $env:VAULTMESH_HOME }
        $table.StdOut | Should -Match 'Name\s+Status\s+Detail'
        $table.StdOut | Should -Match 'receipts\s+pass'
        Invoke-Sql "DROP TRIGGER memories_append_only_update; UPDATE memories SET leaf = CAST('x' AS BLOB) WHERE seq = 1;"
        $bad = Invoke-VmLauncher -ArgumentList @('audit', 'report') -Environment @{ VAULTMESH_HOME = $env:VAULTMESH_HOME }
        $bad.ExitCode | Should -Be 1
        ($bad.StdOut | ConvertFrom-Json).errors[0].message | Should -Match 'batch-roots'
    }
}
